// Memory budget behaviour of KMM (issue 6: "KMM on 50,000 source points must not exhaust memory"), and the
// Nyström approximation checked against the exact QP solution where it must coincide (full-rank landmarks).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix, Rng, TransferLabError } from "../../src/core/index.js";
import { kmm } from "../../src/adapt/index.js";
import type { FitData } from "../../src/adapt/index.js";
import { KnnClassifier } from "../../src/estimators/knn.js";

function gaussians(n: number, d: number, shift: number, rng: Rng): Matrix {
  const X = new Matrix(n, d);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal() + shift;
  return X;
}

test("KMM on 50,000 source points switches to Nyström under the 2 GB budget, says so, and stays feasible", async () => {
  const rng = new Rng(1);
  const ns = 50_000, nt = 2_000;
  const data: FitData = {
    source: { name: "s", X: gaussians(ns, 2, 0, rng), y: Int32Array.from({ length: ns }, (_, i) => i % 2) },
    target: { name: "t", X: gaussians(nt, 2, 0.5, rng) },
  };
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  const fit = await kmm.fit(data, { rng: new Rng(2), estimator: () => new KnnClassifier({ k: 1 }) }, { landmarks: 64, maxIter: 60, exactMaxRows: 100_000 }); // the budget, not the size rule, decides here
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  // The exact kernel would need 50,000² × 8 B = 20 GB; the Nyström factor is 50,000 × 64 × 8 B = 25.6 MB.
  assert.ok(peak - before < 600 * 1024 ** 2, `resident memory grew by ${((peak - before) / 1024 ** 2).toFixed(0)} MB`);
  assert.equal(fit.details.approximation, "nystrom");
  assert.ok(fit.notes.some((n) => /Nyström/.test(n) && /memory budget/.test(n)), `notes: ${fit.notes.join(" | ")}`);
  const w = fit.details.weights!;
  const eps = (Math.sqrt(ns) - 1) / Math.sqrt(ns);
  const s = w.reduce((a, b) => a + b, 0);
  assert.ok(w.every((v) => Number.isFinite(v) && v >= 0 && v <= 1000));
  assert.ok(s >= ns * (1 - eps) - 1e-6 && s <= ns * (1 + eps) + 1e-6);
  // The target sits at +0.5 on both axes: source points on that side must get more weight than the far side.
  let near = 0, far = 0, nn = 0, nf = 0;
  for (let i = 0; i < ns; i++) {
    const x = data.source.X.get(i, 0) + data.source.X.get(i, 1);
    if (x > 1) { near += w[i]!; nn++; } else if (x < -1) { far += w[i]!; nf++; }
  }
  assert.ok(near / nn > 1.5 * (far / nf), `mean weight near the target ${near / nn} vs far ${far / nf}`);
});

test("exact KMM above the budget stops before allocating, with MEMORY_BUDGET and a hint", async () => {
  const rng = new Rng(3);
  const data: FitData = {
    source: { name: "s", X: gaussians(5000, 2, 0, rng), y: new Int32Array(5000).map((_, i) => i % 2) },
    target: { name: "t", X: gaussians(100, 2, 0.5, rng) },
  };
  await assert.rejects(
    kmm.fit(data, { rng: new Rng(0), estimator: () => new KnnClassifier(), memoryBudget: 64 * 1024 ** 2 }, { approximation: "exact" }),
    (e: unknown) => e instanceof TransferLabError && e.code === "MEMORY_BUDGET" && /190\.7 MB/.test(e.message) && /nystrom/.test(e.message),
  );
});

test("Nyström KMM with every point as a landmark reproduces the exact QP optimum (reference fixture)", async () => {
  const ref = JSON.parse(readFileSync(new URL("../fixtures/adapt/instance_reference.json", import.meta.url), "utf8"));
  const Xs = Matrix.from(ref.source as number[][]), Xt = Matrix.from(ref.target as number[][]);
  const c = ref.kmm[1] as { gamma: number; B: number; eps: number; beta: number[] };
  const fit = await kmm.fit(
    { source: { name: "s", X: Xs, y: new Int32Array(Xs.rows).map((_, i) => i % 2) }, target: { name: "t", X: Xt } },
    { rng: new Rng(0), estimator: () => new KnnClassifier() },
    { gamma: c.gamma, B: c.B, eps: c.eps, approximation: "nystrom", landmarks: Xs.rows + Xt.rows, tol: 1e-12, maxIter: 20000 },
  );
  const w = fit.details.weights!;
  for (let i = 0; i < w.length; i++) assert.ok(Math.abs(w[i]! - c.beta[i]!) < 2e-3 * c.B, `beta[${i}] ${w[i]} vs ${c.beta[i]}`);
});
