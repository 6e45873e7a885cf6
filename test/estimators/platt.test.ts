// Platt scaling (src/estimators/platt.ts) against scikit-learn's _sigmoid_calibration on fixed decision values
// (test/fixtures/estimators/make_platt.py), and SVC.calibrated against what a Platt fit must satisfy at its
// optimum — the smoothed targets' sum and their f-weighted sum equal the probabilities' (the gradient is zero) —
// with predictions unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix, Rng } from "../../src/core/index.js";
import { sigmoidTrain } from "../../src/estimators/platt.js";
import { SVC } from "../../src/estimators/svc.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/estimators/platt_reference.json", import.meta.url), "utf8")) as { cases: { f: number[]; positive: boolean[]; A: number; B: number }[] };

test("sigmoidTrain agrees with scikit-learn's _sigmoid_calibration (A, B to 1e-4; five fixed cases, one separable)", () => {
  for (const [k, c] of fx.cases.entries()) {
    const { A, B } = sigmoidTrain(c.f, c.positive);
    assert.ok(Math.abs(A - c.A) < 1e-4 && Math.abs(B - c.B) < 1e-4, `case ${k}: ours (${A}, ${B}), scikit-learn (${c.A}, ${c.B})`);
  }
});

function blobs(n: number, k: number, seed: number, spread: number): { X: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const X = new Matrix(n, 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    const a = (2 * Math.PI * y[i]!) / k;
    X.set(i, 0, Math.cos(a) + spread * rng.normal());
    X.set(i, 1, Math.sin(a) + spread * rng.normal());
  }
  return { X, y };
}

test("SVC.calibrated (binary): zero gradient of Platt's objective on the held-out rows, predictions unchanged", async () => {
  const train = blobs(120, 2, 1, 0.9), held = blobs(80, 2, 2, 0.9);
  const svc = new SVC({});
  await svc.fit(train.X, train.y);
  assert.throws(() => svc.predictProba(held.X), /without probability estimates/);
  const cal = svc.calibrated(held.X, held.y);
  assert.deepEqual(cal.predict(held.X), svc.predict(held.X));
  // scikit-learn's binary decision value is > 0 for class 1; P(class 1) = 1 − σ(A·f' + B) in libsvm's pair
  // orientation, so check the optimality conditions directly in terms of P(class 1) and the decision value.
  const f = Array.from(svc.decisionFunction(held.X).data);
  const P = cal.predictProba(held.X);
  const n1 = held.y.filter((c) => c === 1).length, n0 = held.y.length - n1;
  const t = Array.from(held.y, (c) => (c === 1 ? (n1 + 1) / (n1 + 2) : 1 / (n0 + 2)));
  let g1 = 0, g2 = 0;
  for (let i = 0; i < f.length; i++) {
    const p1 = P.data[i * 2 + 1]!;
    g2 += t[i]! - p1;
    g1 += f[i]! * (t[i]! - p1);
  }
  assert.ok(Math.abs(g1) < 1e-4 && Math.abs(g2) < 1e-4, `gradient (${g1}, ${g2})`);
  // and P(class 1) increases with the decision value
  const order = f.map((_, i) => i).sort((a, b) => f[a]! - f[b]!);
  for (let q = 1; q < order.length; q++) assert.ok(P.data[order[q]! * 2 + 1]! >= P.data[order[q - 1]! * 2 + 1]! - 1e-7);
});

test("SVC.calibrated (3 classes): rows sum to 1, labels unchanged, pairwise sigmoids fitted on each pair's rows", async () => {
  const train = blobs(150, 3, 3, 0.7), held = blobs(90, 3, 4, 0.7);
  const svc = new SVC({});
  await svc.fit(train.X, train.y);
  const cal = svc.calibrated(held.X, held.y);
  const P = cal.predictProba(held.X);
  for (let i = 0; i < P.rows; i++) {
    let s = 0;
    for (let c = 0; c < 3; c++) s += P.data[i * 3 + c]!;
    assert.ok(Math.abs(s - 1) < 1e-5);
  }
  assert.deepEqual(cal.predict(held.X), svc.predict(held.X));
  // Pair (0, 1) alone: its sigmoid is the Platt fit of that pair's decision values (> 0 favours class 0) on the
  // held-out rows of classes 0 and 1 only (to 1e-6: decisionFunction returns float32 values).
  const saved = cal.save().state as { probA: number[]; probB: number[]; libsvmLabels: number[] };
  assert.deepEqual(saved.libsvmLabels, [0, 1, 2]); // libsvm's order of first appearance: pair 0 is (0, 1)
  const dec = svc.decisionFunction(held.X);
  const rows = [...held.y.keys()].filter((i) => held.y[i] !== 2);
  const fit = sigmoidTrain(rows.map((i) => dec.data[i * 3]!), rows.map((i) => held.y[i] === 0));
  assert.ok(Math.abs(saved.probA[0]! - fit.A) < 1e-6 && Math.abs(saved.probB[0]! - fit.B) < 1e-6, `pair (0,1): ${saved.probA[0]}, ${saved.probB[0]} vs ${fit.A}, ${fit.B}`);
});
