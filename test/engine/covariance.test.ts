// The engine's covariance against an independent float64 reference (compensated two-pass sums written here), on
// every kernel tier: both denominators, several GEMM blocks, frequency weights, and data far from the origin, where
// the one-pass float32 formula fails and ours must not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { Matrix } from "../../src/core/matrix.js";
import { TransferLabError } from "../../src/core/errors.js";
import { covariance, COVARIANCE_BLOCK, kernels } from "../../src/engine/index.js";

const kernels0 = () => kernels().tier;
import { availableTiers, useTier } from "../../src/engine/kernels/index.js";

/** Σ w(x − μ)(x − μ)ᵀ / (Σw − ddof), μ the weighted mean; float64 with Neumaier-compensated sums. */
function reference(rows: number[][], ddof: number, w: number[] = rows.map(() => 1)): number[][] {
  const d = rows[0]!.length, total = w.reduce((a, b) => a + b, 0);
  const mu = Array.from({ length: d }, (_, j) => rows.reduce((a, r, i) => a + w[i]! * r[j]!, 0) / total);
  return Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => {
    let s = 0, c = 0;
    rows.forEach((r, i) => {
      const p = w[i]! * (r[a]! - mu[a]!) * (r[b]! - mu[b]!), t = s + p;
      c += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
      s = t;
    });
    return (s + c) / (total - ddof);
  }));
}

/** max |C_ab − R_ab| / √(R_aa·R_bb): the error on the correlation scale. */
function corrError(C: Float64Array, R: number[][]): number {
  let m = 0;
  R.forEach((row, a) => row.forEach((r, b) => { m = Math.max(m, Math.abs(C[a * R.length + b]! - r) / Math.sqrt(R[a]![a]! * R[b]![b]!)); }));
  return m;
}

const draw = (n: number, d: number, seed: number, at: (rng: Rng, j: number) => number): number[][] => {
  const rng = new Rng(seed);
  // Rows rounded to float32 first: the reference sees exactly the data the Matrix holds.
  return Array.from({ length: n }, () => Array.from({ length: d }, (_, j) => Math.fround(at(rng, j))));
};

const startTier = kernels0();
for (const tier of availableTiers()) {
  test(`covariance (${tier} tier) matches a float64 reference: ddof 0 and 1, several blocks, correlated features`, () => {
    useTier(tier);
    try {
      // Correlated features of different scales: x_j = z_0 + (j+1)·z_j.
      const rows = draw(COVARIANCE_BLOCK + 1000, 6, 1, (rng, j) => 0.1 * j).map((r, i) => {
        const rng = new Rng(100 + i), z0 = rng.normal();
        return r.map((v, j) => Math.fround(v + z0 + (j + 1) * rng.normal()));
      });
      const X = Matrix.from(rows);
      for (const ddof of [0, 1] as const) {
        const C = covariance(X, { ddof });
        assert.equal(C.rows, 6);
        const e = corrError(C.data, reference(rows, ddof));
        assert.ok(e < 1e-5, `${tier} ddof ${ddof}: ${e}`);
        for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) assert.equal(C.data[a * 6 + b], C.data[b * 6 + a]);
      }
      // The two conventions differ by exactly n/(n − 1).
      const c0 = covariance(X, { ddof: 0 }).data[0]!, c1 = covariance(X, { ddof: 1 }).data[0]!;
      assert.ok(Math.abs(c1 / c0 - X.rows / (X.rows - 1)) < 1e-12);
    } finally {
      useTier(startTier);
    }
  });
}

test("covariance of data far from the origin (mean 1e4, unit variance): float64 centring keeps it exact to float32 rounding, the one-pass float32 formula does not", () => {
  const rows = draw(3000, 8, 2, (rng) => 1e4 + rng.normal());
  const X = Matrix.from(rows);
  const R = reference(rows, 1);
  const ours = corrError(covariance(X, { ddof: 1 }).data, R);
  assert.ok(ours < 1e-5, `ours ${ours}`); // float32 product rounding: about √n·2⁻²⁴ ≈ 3e-6 at most
  // The naive formula, (Σ xxᵀ − n·μμᵀ)/(n − 1) with every operation rounded to float32: 1e8-sized terms, a
  // difference of order 1, so the variance is lost to cancellation.
  const n = rows.length, d = 8, f = Math.fround;
  const naive = new Float64Array(d * d);
  const mu = Array.from({ length: d }, (_, j) => f(rows.reduce((a, r) => f(a + r[j]!), 0) / n));
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    const s = rows.reduce((acc, r) => f(acc + f(r[a]! * r[b]!)), 0);
    naive[a * d + b] = f(f(s - f(n * f(mu[a]! * mu[b]!))) / (n - 1));
  }
  const theirs = corrError(naive, R);
  assert.ok(theirs > 0.1, `the naive float32 formula should fail here, error ${theirs}`);
});

test("frequency weights count a row w times (np.cov's fweights), zero weights drop it", () => {
  const rows = draw(40, 5, 3, (rng, j) => rng.normal() * (j + 1));
  const w = rows.map((_, i) => i % 4);
  const repeated = rows.flatMap((r, i) => Array.from({ length: w[i]! }, () => r));
  for (const ddof of [0, 1] as const) {
    const weighted = covariance(Matrix.from(rows), { ddof, weights: w });
    const e = corrError(weighted.data, reference(repeated, ddof));
    assert.ok(e < 1e-6, `ddof ${ddof}: ${e}`);
  }
});

test("covariance refuses what it cannot compute, with a typed error", () => {
  const one = Matrix.from([[1, 2]]);
  const code = (f: () => unknown): string => {
    try { f(); } catch (e) { assert.ok(e instanceof TransferLabError); return e.code; }
    return "no error";
  };
  assert.equal(code(() => covariance(one, { ddof: 1 })), "EMPTY_DOMAIN");
  assert.deepEqual(Array.from(covariance(one, { ddof: 0 }).data), [0, 0, 0, 0]);
  assert.equal(code(() => covariance(Matrix.from([[1], [2]]), { ddof: 1, weights: [1] })), "SHAPE_MISMATCH");
  assert.equal(code(() => covariance(Matrix.from([[1], [2]]), { ddof: 1, weights: [1, -1] })), "INVALID_PARAMETER");
  assert.equal(code(() => covariance(Matrix.from([[1], [2]]), { ddof: 2 as 1 })), "INVALID_PARAMETER");
});
