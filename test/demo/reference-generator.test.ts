// Statistics of the rotated-Gaussian generator under transferlab's own Rng, against closed forms:
// class means R·μ + shift, covariance σ²·I (rotation leaves an isotropic Gaussian isotropic), class balance.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { referencePair, sampleGaussianClasses64 } from "../../src/data/generators/reference.js";

function classStats(X: Float64Array, y: Int32Array, cls: number) {
  let n = 0, mx = 0, my = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === cls) { n++; mx += X[2 * i]!; my += X[2 * i + 1]!; }
  mx /= n; my /= n;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === cls) {
    const a = X[2 * i]! - mx, b = X[2 * i + 1]! - my;
    sxx += a * a; syy += b * b; sxy += a * b;
  }
  return { n, mean: [mx, my], cov: [[sxx / (n - 1), sxy / (n - 1)], [sxy / (n - 1), syy / (n - 1)]] };
}

test("target classes sit at R(45°)·μ with covariance σ²I", () => {
  const n = 40000, sigma = 0.6;
  const { X, y } = sampleGaussianClasses64(new Rng(3), n, { means: [[-1, -1], [1, 1]], sigma, rotationDeg: 45 });
  const se = (4 * sigma) / Math.sqrt(n / 2); // 4 standard errors
  for (const [cls, want] of [[0, [0, -Math.SQRT2]], [1, [0, Math.SQRT2]]] as const) {
    const st = classStats(X, y, cls);
    assert.equal(st.n, n / 2);
    assert.ok(Math.abs(st.mean[0]! - want[0]) < se && Math.abs(st.mean[1]! - want[1]) < se, `class ${cls} mean ${st.mean}`);
    const tol = 4 * sigma * sigma * Math.sqrt(2 / (n / 2)); // ≈ 4 sd of a sample variance
    assert.ok(Math.abs(st.cov[0]![0]! - sigma * sigma) < tol, `var x ${st.cov[0]![0]}`);
    assert.ok(Math.abs(st.cov[1]![1]! - sigma * sigma) < tol, `var y ${st.cov[1]![1]}`);
    assert.ok(Math.abs(st.cov[0]![1]!) < tol, `cov xy ${st.cov[0]![1]}`);
  }
});

test("any angle and shift: 90° sends (1, 0) to (0, 1), then the shift is added", () => {
  const { X, y } = sampleGaussianClasses64(new Rng(9), 20000, { means: [[1, 0], [-3, 0]], sigma: 0.2, rotationDeg: 90, shift: [5, -1] });
  const s0 = classStats(X, y, 0), s1 = classStats(X, y, 1);
  const se = 4 * 0.2 / Math.sqrt(10000);
  assert.ok(Math.abs(s0.mean[0]! - 5) < se && Math.abs(s0.mean[1]! - 0) < se, `class 0 ${s0.mean}`);
  assert.ok(Math.abs(s1.mean[0]! - 5) < se && Math.abs(s1.mean[1]! - (-4)) < se, `class 1 ${s1.mean}`);
});

test("the reference pair has the tutorial's sizes, the source's σ 0.5 and is reproducible", () => {
  const a = referencePair(new Rng(42)), b = referencePair(new Rng(42)), c = referencePair(new Rng(43));
  assert.equal(a.source.X.rows, 1000); assert.equal(a.targetLabelled.X.rows, 50);
  assert.equal(a.targetTest.X.rows, 200); assert.equal(a.targetUnlabelled!.X.rows, 200);
  assert.deepEqual(a.targetTest.X.data, b.targetTest.X.data);
  assert.notDeepEqual(a.targetTest.X.data, c.targetTest.X.data);
  const st = classStats(Float64Array.from(a.source.X.data), a.source.y, 1);
  assert.ok(Math.abs(st.mean[0]! - 2) < 0.1 && Math.abs(st.mean[1]! - 2) < 0.1);
  assert.ok(Math.abs(Math.sqrt(st.cov[0]![0]!) - 0.5) < 0.05);
  assert.equal(referencePair(new Rng(1), { targetUnlabelledN: 0 }).targetUnlabelled, undefined);
});

test("bad generator settings are refused with the parameter named", () => {
  assert.throws(() => sampleGaussianClasses64(new Rng(1), 10, { means: [[0, 0]], sigma: 0 }), /parameter 'sigma'/);
  assert.throws(() => sampleGaussianClasses64(new Rng(1), 10, { means: [[0, 0]], sigma: 1, rotationDeg: NaN }), /parameter 'rotation'/);
  assert.throws(() => referencePair(new Rng(1), { targetUnlabelledN: -1 }), /parameter 'targetUnlabelledN'/);
});
