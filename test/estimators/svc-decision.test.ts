// SVC decision values and predictions against a plain float64 evaluation of the same fitted model (libsvm's
// svm_predict_values written out: kernel in double precision, one-vs-one sums, voting), on data far from the
// origin. The fast path computes x·s by a float32 GEMM; without centring, features around 1e3–1e6 lose the
// differences that make the kernel (decision values off by ~20 and a third of predictions flipped before the fix).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { SVC } from "../../src/estimators/svc.js";

interface State { libsvmLabels: number[]; gamma: number; nSV: number[]; sv: number[]; coef: number[][]; rho: number[]; dim: number }

/** libsvm's decision values dec[p] for its pairs (i < j in its label order), all in float64. */
function referenceDecisions(s: State, x: ArrayLike<number>, kernel: "rbf" | "linear"): number[] {
  const n = s.nSV.reduce((a, b) => a + b, 0), d = s.dim;
  const kv = Array.from({ length: n }, (_, k) => {
    let dot = 0, d2 = 0;
    for (let j = 0; j < d; j++) { dot += x[j]! * s.sv[k * d + j]!; d2 += (x[j]! - s.sv[k * d + j]!) ** 2; }
    return kernel === "rbf" ? Math.exp(-s.gamma * d2) : dot;
  });
  const start = [0];
  for (const c of s.nSV) start.push(start[start.length - 1]! + c);
  const out: number[] = [];
  let p = 0;
  for (let i = 0; i < s.nSV.length; i++) for (let j = i + 1; j < s.nSV.length; j++) {
    let sum = 0;
    for (let k = start[i]!; k < start[i + 1]!; k++) sum += s.coef[j - 1]![k]! * kv[k]!;
    for (let k = start[j]!; k < start[j + 1]!; k++) sum += s.coef[i]![k]! * kv[k]!;
    out.push(sum - s.rho[p++]!);
  }
  return out;
}

/** Index of libsvm's pair (i, j), i < j, among L labels. */
function pairIndex(i: number, j: number, L: number): number {
  let p = 0;
  for (let a = 0; a < i; a++) p += L - 1 - a;
  return p + (j - i - 1);
}

function referencePredict(s: State, dec: number[]): number {
  const L = s.libsvmLabels.length, votes = new Map<number, number>();
  let p = 0;
  for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) {
    const c = dec[p++]! > 0 ? s.libsvmLabels[i]! : s.libsvmLabels[j]!;
    votes.set(c, (votes.get(c) ?? 0) + 1);
  }
  const sorted = [...s.libsvmLabels].sort((a, b) => a - b);
  return sorted.reduce((best, c) => ((votes.get(c) ?? 0) > (votes.get(best) ?? 0) ? c : best), sorted[0]!);
}

for (const kernel of ["rbf", "linear"] as const) for (const offset of [0, 1e3, 1e6]) {
  test(`SVC ${kernel}, features around ${offset}: decision values and predictions equal a float64 evaluation`, async () => {
    const rng = new Rng(7);
    const n = 240, d = 6, classes = 3;
    const X = new Matrix(n, d), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % classes;
      for (let j = 0; j < d; j++) X.data[i * d + j] = offset + rng.normal() + (j === y[i]! ? 1.5 : 0);
    }
    // gamma fixed so the RBF kernel is informative whatever the offset ('scale' would also adapt).
    const svc = new SVC({ kernel, C: 1, gamma: 0.2 });
    await svc.fit(X, y);
    const s = svc.save().state as State;
    const pred = svc.predict(X);
    let flips = 0, worst = 0;
    assert.equal(s.libsvmLabels.length, classes);
    for (let i = 0; i < n; i++) {
      const ref = referenceDecisions(s, X.row(i), kernel);
      if (referencePredict(s, ref) !== pred[i]) flips++;
      // decisionFunction: pairs (a < b) of sorted classes, > 0 favouring a (multiclass convention).
      const got = svc.decisionFunction(X.takeRows(Int32Array.of(i))).data;
      const labels = s.libsvmLabels, sorted = [...labels].sort((u, v) => u - v);
      let q = 0;
      for (let a = 0; a < sorted.length; a++) for (let b = a + 1; b < sorted.length; b++, q++) {
        const ia = labels.indexOf(sorted[a]!), ib = labels.indexOf(sorted[b]!);
        const p = pairIndex(Math.min(ia, ib), Math.max(ia, ib), labels.length);
        const want = ia < ib ? ref[p]! : -ref[p]!;
        worst = Math.max(worst, Math.abs(got[q]! - want) / Math.max(1, Math.abs(want)));
      }
    }
    assert.equal(flips, 0, `${flips} predictions differ from the float64 evaluation`);
    assert.ok(worst < 1e-5, `decision values differ by ${worst} (relative)`);
  });
}
