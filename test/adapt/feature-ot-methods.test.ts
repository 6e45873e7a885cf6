// The feature and OT methods through the shared contract: wiring of maps into the final estimator, the
// memory-budget fallbacks, and degenerate inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { isTransferLabError } from "../../src/core/errors.js";
import type { LabelledDomain, UnlabelledDomain } from "../../src/core/domain.js";
import { KnnClassifier } from "../../src/estimators/knn.js";
import { getMethod } from "../../src/adapt/registry.js";
import type { FitContext, FitData } from "../../src/adapt/types.js";

const MINE = ["coral", "subspace-alignment", "tca", "jda", "feature-augmentation", "ot-emd", "ot-sinkhorn", "ot-lpl1", "ot-linear"];
const ctx = (seed = 0, memoryBudget?: number): FitContext => ({ rng: new Rng(seed), estimator: () => new KnnClassifier({ k: 1 }), memoryBudget });

/** Two classes along x; the target is the source stretched along x and shifted: raw 1-NN transfer fails. */
function rotatedPair(seed: number, ns = 60, nt = 50): { data: FitData; yt: Int32Array } {
  const rng = new Rng(seed);
  const gen = (n: number, shift: boolean): { X: Matrix; y: Int32Array } => {
    const X = new Matrix(n, 2), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      const a = (c === 0 ? -3 : 3) + 0.6 * rng.normal(), b = 0.6 * rng.normal();
      y[i] = c;
      X.data[2 * i] = shift ? 1.3 * a + 4 : a;
      X.data[2 * i + 1] = shift ? b + 1 : b;
    }
    return { X, y };
  };
  const s = gen(ns, false), t = gen(nt, true);
  const source: LabelledDomain = { name: "s", X: s.X, y: s.y };
  const target: UnlabelledDomain = { name: "t", X: t.X };
  const li = [0, 1, 2, 3];
  const targetLabelled: LabelledDomain = { name: "tl", X: t.X.takeRows(li), y: Int32Array.from(li, (i) => t.y[i]!) };
  return { data: { source, target, targetLabelled }, yt: t.y };
}

const acc = (p: Int32Array, y: Int32Array): number => p.reduce((s, v, i) => s + (v === y[i] ? 1 : 0), 0) / y.length;

test("every feature/OT method is registered with documented defaults and a reference", () => {
  for (const name of MINE) {
    const m = getMethod(name);
    assert.ok(m.reference.length > 10, name);
    assert.ok(["feature", "ot"].includes(m.family), name);
    for (const d of m.paramDocs) assert.ok(d.doc.length > 0, `${name}.${d.name} undocumented`);
  }
});

test("OT methods move the source onto the target: barycentric images lie in the target's hull, accuracy rises", async () => {
  const { data, yt } = rotatedPair(1);
  const base = await getMethod("source-only").fit(data, ctx());
  const raw = acc(base.predict(data.target.X), yt);
  for (const name of ["ot-emd", "ot-sinkhorn", "ot-lpl1"]) {
    const fitted = await getMethod(name).fit(data, ctx(), name === "ot-emd" ? {} : { reg: 0.5 });
    const mapped = fitted.details.mappedSource as Matrix;
    // Each image is a convex combination of target points: within the target's bounding box.
    const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
    for (let i = 0; i < data.target.X.rows; i++) for (let j = 0; j < 2; j++) { lo[j] = Math.min(lo[j]!, data.target.X.get(i, j)); hi[j] = Math.max(hi[j]!, data.target.X.get(i, j)); }
    for (let i = 0; i < mapped.rows; i++) for (let j = 0; j < 2; j++) assert.ok(mapped.get(i, j) >= lo[j]! - 1e-4 && mapped.get(i, j) <= hi[j]! + 1e-4, `${name} row ${i}`);
    const a = acc(fitted.predict(data.target.X), yt);
    assert.ok(a > raw, `${name}: ${a} vs source-only ${raw}`);
  }
});

test("the class-regularised coupling sends each target point mass from fewer source classes than plain Sinkhorn", async () => {
  const { data } = rotatedPair(2);
  const mixing = async (name: string, params: Record<string, unknown>): Promise<number> => {
    const f = await getMethod(name).fit(data, ctx(), params);
    const P = f.details.coupling as { rows: number; cols: number; data: Float64Array };
    let total = 0;
    for (let j = 0; j < P.cols; j++) {
      const mass = [0, 0];
      for (let i = 0; i < P.rows; i++) mass[data.source.y[i]!]! += P.data[i * P.cols + j]!;
      total += Math.min(mass[0]!, mass[1]!);
    }
    return total;
  };
  const plain = await mixing("ot-sinkhorn", { reg: 2 });
  const lpl1 = await mixing("ot-lpl1", { reg: 2, regClass: 5 });
  assert.ok(lpl1 < 0.5 * plain, `class mixing lpl1 ${lpl1} vs sinkhorn ${plain}`);
});

test("above the memory budget OT switches to mini-batch OT and says so; 'exact' stops with MEMORY_BUDGET", async () => {
  const { data, yt } = rotatedPair(3, 200, 160);
  const budget = 3 * 8 * 100 * 100; // room for 100×100 batches, not for 200×160
  const f = await getMethod("ot-emd").fit(data, ctx(0, budget), { batchSize: 100 });
  assert.ok(f.notes?.some((n) => n.includes("mini-batch")), JSON.stringify(f.notes));
  assert.equal(f.details.approximation, "minibatch");
  assert.ok(acc(f.predict(data.target.X), yt) > 0.8);
  await assert.rejects(getMethod("ot-sinkhorn").fit(data, ctx(0, budget), { approximation: "exact" }), (e: unknown) => isTransferLabError(e) && e.code === "MEMORY_BUDGET");
});

test("TCA above maxSamples fits on a subsample, embeds every point, and notes it", async () => {
  const { data } = rotatedPair(4, 80, 70);
  const f = await getMethod("tca").fit(data, ctx(), { maxSamples: 50, dim: 2 });
  assert.ok(f.notes?.some((n) => n.includes("landmark TCA")));
  assert.equal((f.details.mappedSource as Matrix).rows, 80);
  assert.equal(f.predict(data.target.X).length, 70);
});

test("feature augmentation trains on the labelled target (needs it) and maps target inputs to the target block", async () => {
  const { data } = rotatedPair(5);
  const f = await getMethod("feature-augmentation").fit(data, ctx());
  assert.equal((f.details.estimator as KnnClassifier).name, "knn");
  // 1-NN on augmented features: each labelled target point is its own nearest neighbour (distance 0).
  const p = f.predict(data.targetLabelled!.X);
  assert.deepEqual(Array.from(p), Array.from(data.targetLabelled!.y));
  await assert.rejects(getMethod("feature-augmentation").fit({ source: data.source, target: data.target }, ctx()), (e: unknown) => isTransferLabError(e) && e.code === "TOO_FEW_LABELS");
});

test("degenerate inputs: constant feature, d = 1, duplicated points, magnitudes near 1e6 give finite predictions", async () => {
  const rng = new Rng(9);
  const make = (n: number, d: number, f: (i: number, j: number) => number): Matrix => {
    const X = new Matrix(n, d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.data[i * d + j] = f(i, j);
    return X;
  };
  const cases: Record<string, [Matrix, Matrix]> = {
    constant: [make(30, 3, (i, j) => (j === 1 ? 7 : rng.normal() + (i % 2) * 3)), make(25, 3, (i, j) => (j === 1 ? 7 : rng.normal() + (i % 2) * 3 + 1))],
    d1: [make(30, 1, (i) => rng.normal() + (i % 2) * 3), make(25, 1, (i) => 2 * rng.normal() + (i % 2) * 3)],
    duplicated: [make(30, 2, (i) => (i % 2) * 3), make(25, 2, (i) => (i % 2) * 3 + 0.5)],
    huge: [make(30, 3, (i, j) => 1e6 + 1e5 * rng.normal() + (i % 2) * 3e5 + j), make(25, 3, (i) => 1.1e6 + 1e5 * rng.normal() + (i % 2) * 3e5)],
  };
  for (const [label, [Xs, Xt]] of Object.entries(cases)) {
    const ys = Int32Array.from({ length: Xs.rows }, (_, i) => i % 2);
    const data: FitData = {
      source: { name: "s", X: Xs, y: ys },
      target: { name: "t", X: Xt },
      targetLabelled: { name: "tl", X: Xt.takeRows([0, 1]), y: Int32Array.from([0, 1]) },
    };
    for (const name of MINE) {
      const f = await getMethod(name).fit(data, ctx(), name === "tca" ? { dim: 2 } : {});
      const p = f.predict(Xt);
      assert.equal(p.length, Xt.rows, `${label}/${name}`);
      for (const v of p) assert.ok(v === 0 || v === 1, `${label}/${name}: label ${v}`);
      const P = f.predictProba(Xt);
      for (const v of P.data) assert.ok(Number.isFinite(v), `${label}/${name}: non-finite probability`);
    }
  }
});

test("same seed ⇒ bitwise identical predictions (including the mini-batch path)", async () => {
  const { data } = rotatedPair(6, 120, 100);
  for (const name of MINE) {
    const params = name.startsWith("ot-") && name !== "ot-linear" ? { approximation: "minibatch", batchSize: 40 } : {};
    const a = (await getMethod(name).fit(data, ctx(11), params)).predictProba(data.target.X);
    const b = (await getMethod(name).fit(data, ctx(11), params)).predictProba(data.target.X);
    assert.deepEqual(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer), name);
  }
});

