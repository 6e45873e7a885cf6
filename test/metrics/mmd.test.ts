import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import {
  mmdExact, mmdLinear, mmdRff, drawRff, mmdPermutationTest, medianBandwidth, medianKernel, mixtureKernel, type RbfKernel,
} from "../../src/metrics/mmd.js";
import { referencePair } from "../../src/data/generators/reference.js";

function gaussian(rng: Rng, n: number, d: number, shift = 0, scale = 1): Matrix {
  const X = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.set(i, j, scale * rng.normal() + (j === 0 ? shift : 0));
  return X;
}

// Independent float64 closed forms, written directly from the definitions (Gretton et al. 2012, eqs. 3 and 5).
function k64(a: Float32Array, b: Float32Array, sigmas: number[]): number {
  let d2 = 0;
  for (let p = 0; p < a.length; p++) d2 += (a[p]! - b[p]!) ** 2;
  return sigmas.reduce((s, sg) => s + Math.exp(-d2 / (2 * sg * sg)), 0) / sigmas.length;
}
function closedForm(X: Matrix, Y: Matrix, k: RbfKernel): { biased: number; unbiased: number; linear: number } {
  const n = X.rows, m = Y.rows;
  let xx = 0, yy = 0, xy = 0, xxd = 0, yyd = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { const v = k64(X.row(i), X.row(j), k.sigmas); if (i === j) xxd += v; else xx += v; }
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) { const v = k64(Y.row(i), Y.row(j), k.sigmas); if (i === j) yyd += v; else yy += v; }
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) xy += k64(X.row(i), Y.row(j), k.sigmas);
  const pairs = Math.floor(Math.min(n, m) / 2);
  let lin = 0;
  for (let i = 0; i < pairs; i++) {
    const [x1, x2, y1, y2] = [X.row(2 * i), X.row(2 * i + 1), Y.row(2 * i), Y.row(2 * i + 1)];
    lin += k64(x1, x2, k.sigmas) + k64(y1, y2, k.sigmas) - k64(x1, y2, k.sigmas) - k64(x2, y1, k.sigmas);
  }
  return {
    biased: (xx + xxd) / (n * n) + (yy + yyd) / (m * m) - (2 * xy) / (n * m),
    unbiased: xx / (n * (n - 1)) + yy / (m * (m - 1)) - (2 * xy) / (n * m),
    linear: lin / pairs,
  };
}
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

test("MMD² estimators equal float64 closed forms (relative 1e-5)", () => {
  const rng = new Rng(11);
  const X = gaussian(rng, 90, 5), Y = gaussian(rng, 70, 5, 0.8, 1.2);
  const sigma = medianBandwidth(X, Y, rng);
  for (const k of [medianKernel(sigma), mixtureKernel(sigma)]) {
    const cf = closedForm(X, Y, k);
    const [ex] = mmdExact(X, Y, [k], 32);
    assert.ok(rel(ex!.biased, cf.biased) < 1e-5, `biased ${ex!.biased} vs ${cf.biased}`);
    assert.ok(rel(ex!.unbiased, cf.unbiased) < 1e-5, `unbiased ${ex!.unbiased} vs ${cf.unbiased}`);
    const lin = mmdLinear(X, Y, k);
    assert.ok(rel(lin.estimate, cf.linear) < 1e-5, `linear ${lin.estimate} vs ${cf.linear}`);
    const pt = mmdPermutationTest(X, Y, k, { permutations: 20, rng: new Rng(1), alsoEstimate: [k] });
    assert.ok(rel(pt.statistic, cf.unbiased) < 1e-5, `permutation statistic ${pt.statistic} vs ${cf.unbiased}`);
    assert.ok(rel(pt.estimates[0]!.biased, cf.biased) < 1e-5 && rel(pt.estimates[0]!.unbiased, cf.unbiased) < 1e-5);
  }
});

test("random-feature MMD² equals its float64 closed form and approaches the exact kernel MMD²", () => {
  const rng = new Rng(5);
  const X = gaussian(rng, 60, 4), Y = gaussian(rng, 50, 4, 1.0);
  const k = medianKernel(medianBandwidth(X, Y, rng));
  const feats = drawRff(k, 4, 64, new Rng(9));
  const z = (x: Float32Array) => Array.from({ length: 64 }, (_, f) => {
    let a = feats.phase[f]!;
    for (let j = 0; j < 4; j++) a += feats.omega[f * 4 + j]! * x[j]!;
    return Math.sqrt(2 / 64) * Math.cos(a);
  });
  const zx = Array.from({ length: 60 }, (_, i) => z(X.row(i))), zy = Array.from({ length: 50 }, (_, i) => z(Y.row(i)));
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  let xx = 0, yy = 0, xy = 0, xxd = 0, yyd = 0;
  for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) { const v = dot(zx[i]!, zx[j]!); if (i === j) xxd += v; else xx += v; }
  for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) { const v = dot(zy[i]!, zy[j]!); if (i === j) yyd += v; else yy += v; }
  for (let i = 0; i < 60; i++) for (let j = 0; j < 50; j++) xy += dot(zx[i]!, zy[j]!);
  const r = mmdRff(X, Y, feats);
  assert.ok(rel(r.biased, (xx + xxd) / 3600 + (yy + yyd) / 2500 - (2 * xy) / 3000) < 1e-5);
  assert.ok(rel(r.unbiased, xx / (60 * 59) + yy / (50 * 49) - (2 * xy) / 3000) < 1e-5);
  // With many features the approximation converges to the exact kernel statistic.
  const [ex] = mmdExact(X, Y, [k]);
  const many = mmdRff(X, Y, drawRff(k, 4, 8192, new Rng(2)));
  assert.ok(Math.abs(many.unbiased - ex!.unbiased) < 0.1 * ex!.unbiased, `rff ${many.unbiased} vs exact ${ex!.unbiased}`);
});

test("permutation test is calibrated over 200 null data sets", () => {
  const rng = new Rng(2024);
  let rejections = 0;
  for (let s = 0; s < 200; s++) {
    const X = gaussian(rng, 25, 2), Y = gaussian(rng, 25, 2);
    const k = mixtureKernel(medianBandwidth(X, Y, rng));
    if (mmdPermutationTest(X, Y, k, { permutations: 199, rng }).pValue < 0.05) rejections++;
  }
  const frac = rejections / 200;
  console.log(`# null rejection rate at 0.05: ${frac}`);
  assert.ok(frac >= 0.02 && frac <= 0.09, `fraction with p < 0.05 under the null: ${frac}`);
});

test("permutation test has power on the reference pair rotated by 45°; p-value uses the +1 correction", () => {
  const rng = new Rng(7);
  // The tutorial's pair (src/data/generators/reference.ts): target classes closer, wider and rotated by 45°.
  const p = referencePair(rng, { rotationDeg: 45, sourceN: 200, targetLabelledN: 200, targetTestN: 2, targetUnlabelledN: 0 });
  const k = mixtureKernel(medianBandwidth(p.source.X, p.targetLabelled.X, rng));
  const r = mmdPermutationTest(p.source.X, p.targetLabelled.X, k, { permutations: 500, rng });
  assert.ok(r.pValue < 0.01, `p = ${r.pValue}`);
  assert.equal(r.pValue, 1 / 501); // nothing beats the observed split: the smallest attainable p is 1/(P+1)
});

test("exact permutation test refuses to exceed its memory budget", () => {
  const rng = new Rng(1);
  const X = gaussian(rng, 100, 2), Y = gaussian(rng, 100, 2);
  assert.throws(() => mmdPermutationTest(X, Y, medianKernel(1), { rng, memoryBudget: 1000 }), /budget/);
});

test("permutation p-value equals a naive test that recomputes the statistic from the data for the same permutations", () => {
  const rng = new Rng(31);
  const X = gaussian(rng, 30, 3), Y = gaussian(rng, 24, 3, 0.4);
  const k = mixtureKernel(medianBandwidth(X, Y, rng));
  const P = 60;
  const fast = mmdPermutationTest(X, Y, k, { permutations: P, rng: new Rng(77), batch: 7 });
  // Naive: the same sequence of shuffles (the first n of each permutation are "source"), statistic from scratch.
  const Z = Matrix.vstack([X, Y]);
  const obs = closedForm(X, Y, k).unbiased;
  const perms = new Rng(77);
  const base = Int32Array.from({ length: 54 }, (_, i) => i);
  let ge = 0;
  for (let p = 0; p < P; p++) {
    const perm = perms.shuffle(base.slice());
    const s = closedForm(Z.takeRows(perm.subarray(0, 30)), Z.takeRows(perm.subarray(30)), k).unbiased;
    if (s >= obs - 1e-9 * Math.abs(obs)) ge++;
  }
  assert.equal(fast.pValue, (1 + ge) / (1 + P));
});

test("the random-feature standard error matches the spread over independent feature draws", () => {
  const rng = new Rng(41);
  const X = gaussian(rng, 80, 3), Y = gaussian(rng, 80, 3, 0.7);
  const k = medianKernel(medianBandwidth(X, Y, rng));
  const draws = Array.from({ length: 60 }, (_, t) => mmdRff(X, Y, drawRff(k, 3, 64, new Rng(1000 + t))));
  const mean = draws.reduce((s, r) => s + r.unbiased, 0) / draws.length;
  const sd = Math.sqrt(draws.reduce((s, r) => s + (r.unbiased - mean) ** 2, 0) / (draws.length - 1));
  const se = draws.reduce((s, r) => s + r.se, 0) / draws.length;
  assert.ok(sd / se > 0.7 && sd / se < 1.4, `spread ${sd} vs reported se ${se}`);
  // ... and the draws centre on the exact kernel statistic.
  const [ex] = mmdExact(X, Y, [k]);
  assert.ok(Math.abs(mean - ex!.unbiased) < 3 * sd / Math.sqrt(draws.length), `mean ${mean} vs exact ${ex!.unbiased}`);
});

test("the linear-time z-test (used above the memory budget) is calibrated over 200 null data sets", () => {
  const rng = new Rng(8);
  let rejections = 0;
  for (let s = 0; s < 200; s++) {
    const X = gaussian(rng, 400, 2), Y = gaussian(rng, 400, 2);
    if (mmdLinear(X, Y, mixtureKernel(medianBandwidth(X, Y, rng))).pValue < 0.05) rejections++;
  }
  const frac = rejections / 200;
  assert.ok(frac >= 0.02 && frac <= 0.09, `fraction with p < 0.05 under the null: ${frac}`);
});
