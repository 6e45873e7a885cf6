import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { proxyADistance } from "../../src/metrics/proxy-a-distance.js";
import { blackBoxShiftEstimation } from "../../src/metrics/label-shift.js";
import type { LabelledDomain } from "../../src/core/domain.js";

function gaussian(rng: Rng, n: number, d: number, shift: number): Matrix {
  const X = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.set(i, j, rng.normal() + shift);
  return X;
}

test("proxy A-distance ≈ 0 for identical domains and ≈ 2 for disjoint ones", () => {
  const rng = new Rng(4);
  for (const features of ["linear", "rbf"] as const) {
    const same = proxyADistance(gaussian(rng, 600, 5, 0), gaussian(rng, 600, 5, 0), { rng, features });
    // Identical distributions: held-out ε ≈ 0.5, so d̂_A ≈ 0 (it may dip below 0 by chance, with a note).
    assert.ok(Math.abs(same.value) < 0.25, `${features} identical: ${same.value}`);
    assert.ok(same.epsilonCi[0] <= 0.5 && same.epsilonCi[1] >= 0.45, `CI ${same.epsilonCi}`);
    const far = proxyADistance(gaussian(rng, 600, 5, 0), gaussian(rng, 600, 5, 10), { rng, features });
    assert.ok(far.value > 1.95 && far.value <= 2, `${features} disjoint: ${far.value}`);
    assert.ok(far.ci[1] <= 2 + 1e-12);
  }
});

test("the rbf domain classifier sees a rotation that a linear one cannot", () => {
  // Source blobs at (±3, 0), target at (0, ±3): the same mean, the same spread in no single direction's mean.
  const rng = new Rng(8);
  const make = (rot: boolean) => {
    const X = new Matrix(800, 2);
    for (let i = 0; i < 800; i++) {
      const s = i % 2 ? 3 : -3, a = s + 0.5 * rng.normal(), b = 0.5 * rng.normal();
      X.set(i, 0, rot ? b : a); X.set(i, 1, rot ? a : b);
    }
    return X;
  };
  const S = make(false), T = make(true);
  assert.ok(proxyADistance(S, T, { rng, features: "linear" }).value < 0.3);
  assert.ok(proxyADistance(S, T, { rng, features: "rbf" }).value > 1.8);
});

test("black-box shift estimation recovers known target priors within 0.05", () => {
  const rng = new Rng(21);
  const means = [[0, 0, 0], [3, 0, 0], [0, 3, 0], [0, 0, 3]];
  const draw = (n: number, priors: number[]): LabelledDomain => {
    const X = new Matrix(n, 3), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let u = rng.uniform(), c = 0;
      while (c < priors.length - 1 && u >= priors[c]!) { u -= priors[c]!; c++; }
      y[i] = c;
      for (let j = 0; j < 3; j++) X.set(i, j, means[c]![j]! + rng.normal());
    }
    return { name: "d", X, y };
  };
  const source = draw(4000, [0.25, 0.25, 0.25, 0.25]);
  for (const q of [[0.7, 0.1, 0.1, 0.1], [0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]]) {
    const target = draw(4000, q);
    const est = blackBoxShiftEstimation(source, target.X, { rng, numClasses: 4 });
    for (let c = 0; c < 4; c++) assert.ok(Math.abs(est.targetPriors[c]! - q[c]!) < 0.05, `class ${c}: ${est.targetPriors[c]} vs ${q[c]}`);
    // The naive estimate (fraction of target rows predicted as each class) is biased towards the source priors.
    const trueShift = 0.5 * q.reduce((s, v) => s + Math.abs(v - 0.25), 0);
    assert.ok(Math.abs(est.shift - trueShift) < 0.06);
  }
});
