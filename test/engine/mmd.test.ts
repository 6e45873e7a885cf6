// MMD² op against the float64 closed form on the same data, and the estimators' expectations against the
// population MMD² of two Gaussians (closed form for the RBF kernel).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import * as E from "../../src/engine/index.js";
import { availableTiers, useTier } from "../../src/engine/kernels/index.js";

function draw(rng: Rng, n: number, d: number, mu = 0, sd = 1): Float32Array {
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = mu + sd * rng.normal();
  return x;
}

function k64(a: Float32Array, i: number, b: Float32Array, j: number, d: number, gs: number[]): number {
  let s = 0;
  for (let p = 0; p < d; p++) s += (a[i * d + p]! - b[j * d + p]!) ** 2;
  return gs.reduce((acc, g) => acc + Math.exp(-g * s), 0);
}

/** Textbook MMD² estimators in float64, every pair summed explicitly. */
function mmdRef(x: Float32Array, n: number, y: Float32Array, m: number, d: number, gs: number[], est: E.MmdEstimator): number {
  if (est === "linear") {
    const P = Math.floor(Math.min(n, m) / 2);
    let s = 0;
    for (let q = 0; q < P; q++) s += k64(x, 2 * q, x, 2 * q + 1, d, gs) + k64(y, 2 * q, y, 2 * q + 1, d, gs) - k64(x, 2 * q, y, 2 * q + 1, d, gs) - k64(x, 2 * q + 1, y, 2 * q, d, gs);
    return s / P;
  }
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (est === "biased" || i !== j) sxx += k64(x, i, x, j, d, gs);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (est === "biased" || i !== j) syy += k64(y, i, y, j, d, gs);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) sxy += k64(x, i, y, j, d, gs);
  return est === "biased" ? sxx / (n * n) + syy / (m * m) - (2 * sxy) / (n * m) : sxx / (n * (n - 1)) + syy / (m * (m - 1)) - (2 * sxy) / (n * m);
}

for (const tier of availableTiers()) {
  test(`mmd2 equals the float64 closed form (biased, unbiased, linear; 1 and 3 bandwidths) on the ${tier} tier`, () => {
    useTier(tier);
    try {
      const rng = new Rng(11);
      for (const [n, m, d] of [[13, 17, 4], [32, 200, 16], [2, 3, 1]] as const) {
        const x = draw(rng, n, d), y = draw(rng, m, d, 0.7, 1.3);
        for (const gs of [[1], [0.1, 0.5, 2]]) {
          for (const est of ["biased", "unbiased", "linear"] as E.MmdEstimator[]) {
            const got = E.mmd2(new E.Tensor(x, [n, d]), new E.Tensor(y, [m, d]), { gamma: gs, estimator: est }).item();
            const want = mmdRef(x, n, y, m, d, gs, est);
            assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${est} γ=${gs} n=${n} m=${m}: ${got} vs ${want}`);
          }
        }
      }
    } finally {
      useTier(availableTiers()[0]!);
    }
  });
}

function meanSe(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
  return [m, Math.sqrt(s2 / v.length)];
}

test("unbiased MMD² averages to 0 over draws from one distribution; the biased one does not", () => {
  const rng = new Rng(12);
  const u: number[] = [], b: number[] = [];
  for (let r = 0; r < 400; r++) {
    const x = new E.Tensor(draw(rng, 20, 2), [20, 2]), y = new E.Tensor(draw(rng, 20, 2), [20, 2]);
    u.push(E.mmd2(x, y, { estimator: "unbiased" }).item());
    b.push(E.mmd2(x, y, { estimator: "biased" }).item());
  }
  const [mu, seu] = meanSe(u), [mb, seb] = meanSe(b);
  assert.ok(Math.abs(mu) < 4 * seu, `unbiased mean ${mu} ± ${seu}`);
  assert.ok(mb > 10 * seb, `biased mean ${mb} ± ${seb} is clearly positive`);
});

test("unbiased and linear-time MMD² agree in expectation with the population MMD² of two Gaussians", () => {
  // x ~ N(0, s²I), y ~ N(δ·1, s²I), k = exp(−γ‖·‖²): E k(v) for v ~ N(μ, σ²I) is (1+2γσ²)^(−d/2)·exp(−γ‖μ‖²/(1+2γσ²)).
  const d = 2, s = 1, delta = 0.8, gamma = 0.5;
  const c = 1 + 4 * gamma * s * s;
  const pop = 2 * c ** (-d / 2) * (1 - Math.exp((-gamma * d * delta * delta) / c));
  const rng = new Rng(13);
  const u: number[] = [], l: number[] = [];
  for (let r = 0; r < 1500; r++) {
    const x = new E.Tensor(draw(rng, 24, d, 0, s), [24, d]), y = new E.Tensor(draw(rng, 24, d, delta, s), [24, d]);
    u.push(E.mmd2(x, y, { gamma, estimator: "unbiased" }).item());
    l.push(E.mmd2(x, y, { gamma, estimator: "linear" }).item());
  }
  const [mu, seu] = meanSe(u), [ml, sel] = meanSe(l);
  assert.ok(Math.abs(mu - pop) < 4 * seu, `unbiased ${mu} ± ${seu} vs population ${pop}`);
  assert.ok(Math.abs(ml - pop) < 4 * sel, `linear ${ml} ± ${sel} vs population ${pop}`);
  assert.ok(sel > seu, "the linear-time estimator has the larger variance");
});

test("the table exp used by the RBF ops matches Math.exp to 1e-12 relative on [−87, 0]", () => {
  let worst = 0;
  for (let x = -87; x <= 0; x += 0.000731) worst = Math.max(worst, Math.abs(E.expNeg(x) - Math.exp(x)) / Math.exp(x));
  assert.ok(worst < 1e-12, `worst ${worst}`);
  assert.equal(E.expNeg(-100), 0);
});

test("mmd2 rejects bad options with named parameters", () => {
  const x = E.zeros([3, 2]);
  assert.throws(() => E.mmd2(x, E.zeros([3, 3])), /feature counts differ/);
  assert.throws(() => E.mmd2(x, x, { gamma: -1 }), (e: any) => e.code === "INVALID_PARAMETER" && e.where.param === "gamma");
  assert.throws(() => E.mmd2(x, x, { estimator: "quadratic" as any }), (e: any) => e.where.param === "estimator");
});
