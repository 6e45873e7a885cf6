// Instance methods against reference solutions made by test/fixtures/adapt/instance_make.py (numpy/scipy/sklearn):
// KMM's QP optimum (SLSQP polished on its active set, KKT verified), KLIEP's weights from the authors' procedure,
// nearest-neighbour counts from scikit-learn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix, Rng } from "../../src/core/index.js";
import { kmm, kliep, nearestNeighbourWeighting } from "../../src/adapt/index.js";
import type { FitData } from "../../src/adapt/index.js";
import { KnnClassifier } from "../../src/estimators/knn.js";
import { projectBoxSum } from "../../src/adapt/instance/qp-box-sum.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/adapt/instance_reference.json", import.meta.url), "utf8"));
const Xs = Matrix.from(ref.source as number[][]);
const Xt = Matrix.from(ref.target as number[][]);
const data: FitData = {
  source: { name: "s", X: Xs, y: Int32Array.from({ length: Xs.rows }, (_, i) => (i < 25 ? 0 : 1)) },
  target: { name: "t", X: Xt },
};
const ctx = () => ({ rng: new Rng(0), estimator: () => new KnnClassifier() });

function assertClose(actual: ArrayLike<number>, expected: number[], rel: number, what: string): void {
  assert.equal(actual.length, expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    assert.ok(err <= rel * scale, `${what}[${i}]: ${actual[i]} vs reference ${expected[i]} (|err| ${err.toExponential(2)} > ${rel}·${scale.toFixed(3)})`);
  }
}

for (const c of ref.kmm as Array<{ gamma: number; B: number; eps: number; beta: number[]; objective: number; sum_active: boolean }>) {
  test(`KMM matches the reference QP optimum (B=${c.B}, eps=${c.eps.toFixed(3)}, sum constraint ${c.sum_active ? "active" : "inactive"})`, async () => {
    const fit = await kmm.fit(data, ctx(), { gamma: c.gamma, B: c.B, eps: c.eps });
    const w = fit.details.weights!;
    assertClose(w, c.beta, 1e-4, "beta");
    const obj = fit.details.objective as number;
    assert.ok(Math.abs(obj - c.objective) <= 1e-7 * Math.abs(c.objective), `objective ${obj} vs ${c.objective}`);
  });
}

test("KMM with default parameters (gamma 1/d, eps (√n−1)/√n) returns a feasible point", async () => {
  const fit = await kmm.fit(data, ctx(), {});
  const w = fit.details.weights!;
  const n = w.length, eps = (Math.sqrt(n) - 1) / Math.sqrt(n);
  const s = w.reduce((a, b) => a + b, 0);
  assert.ok(s >= n * (1 - eps) - 1e-9 && s <= n * (1 + eps) + 1e-9);
  assert.ok(w.every((v) => v >= 0 && v <= 1000));
});

test("box-sum projection is the Euclidean projection (checked against brute-force KKT)", () => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + rng.int(20);
    const v = Float64Array.from({ length: n }, () => rng.normal() * 3);
    const B = 0.5 + rng.uniform() * 2, lo = rng.uniform() * n * 0.5, hi = lo + rng.uniform() * n * 0.5;
    const out = new Float64Array(n);
    projectBoxSum(v, B, lo, Math.min(hi, n * B), out);
    const s = out.reduce((a, b) => a + b, 0);
    assert.ok(out.every((x) => x >= 0 && x <= B));
    assert.ok(s >= lo - 1e-9 && s <= Math.min(hi, n * B) + 1e-9, `sum ${s} outside [${lo}, ${hi}]`);
    // Projection optimality: out = clip(v − τ) for one τ (the same shift on every free coordinate).
    const taus = [...out].map((x, i) => (x > 1e-12 && x < B - 1e-12 ? v[i]! - x : NaN)).filter((t) => !Number.isNaN(t));
    for (const t of taus) assert.ok(Math.abs(t - taus[0]!) < 1e-9);
  }
});

for (const c of ref.kliep as Array<{ gamma: number; weights: number[]; score: number; optimum_score: number }>) {
  test(`KLIEP matches the authors' procedure (gamma=${c.gamma.toFixed(3)}) and approaches the optimum`, async () => {
    const fit = await kliep.fit(data, ctx(), { gamma: c.gamma, centers: 100 });
    assertClose(fit.details.weights!, c.weights, 1e-4, "w");
    const score = fit.details.score as number;
    assert.ok(Math.abs(score - c.score) < 1e-6, `score ${score} vs ${c.score}`);
    assert.ok(score <= c.optimum_score + 1e-9 && score > c.optimum_score - 0.05);
  });
}

for (const c of ref.nn as Array<{ k: number; smoothing: number; weights: number[] }>) {
  test(`nearest-neighbour weights equal scikit-learn's counts (k=${c.k})`, async () => {
    const fit = await nearestNeighbourWeighting.fit(data, ctx(), { k: c.k, smoothing: c.smoothing });
    assert.deepEqual(Array.from(fit.details.weights!), c.weights);
  });
}
