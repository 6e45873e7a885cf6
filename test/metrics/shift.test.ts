import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { perFeatureShift, slicedWasserstein, wasserstein1dSorted, ksStatisticSorted } from "../../src/metrics/wasserstein.js";
import { coralDistance } from "../../src/metrics/coral.js";

// Truth: scipy.stats / numpy / POT values from test/fixtures/metrics/make_shift.py.
const fx = JSON.parse(readFileSync(new URL("../fixtures/metrics/shift.json", import.meta.url), "utf8")) as {
  X: number[][]; Y: number[][]; features: Array<{ ks: number; ksPValue: number; w1: number }>; coral: number; directions: number[][]; sliced_w2: number;
};
const X = Matrix.from(fx.X), Y = Matrix.from(fx.Y);
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("per-feature KS and W1 equal scipy (ties included)", () => {
  const ranked = perFeatureShift(X, Y);
  for (const r of ranked) {
    const ref = fx.features[r.feature]!;
    assert.ok(close(r.ks, ref.ks, 1e-12), `ks ${r.ks} vs ${ref.ks}`);
    assert.ok(close(r.w1, ref.w1, 1e-6), `w1 ${r.w1} vs ${ref.w1}`);
    assert.ok(Math.abs(r.ksPValue - ref.ksPValue) < 1e-9 + 1e-6 * ref.ksPValue, `p ${r.ksPValue} vs ${ref.ksPValue}`);
  }
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1]!.ks >= ranked[i]!.ks, "ranked by KS, largest first");
  assert.equal(ranked[0]!.feature, 0); // the mean-shifted feature leads
});

test("CORAL distance equals numpy", () => {
  assert.ok(close(coralDistance(X, Y), fx.coral, 1e-5), `${coralDistance(X, Y)} vs ${fx.coral}`);
  assert.ok(coralDistance(X, X) < 1e-12);
});

test("sliced W2 with fixed directions equals POT; a translation gives the closed form", () => {
  const dirs = Float32Array.from(fx.directions.flat());
  const sw = slicedWasserstein(X, Y, { rng: new Rng(1), directions: dirs });
  assert.ok(close(sw.value, fx.sliced_w2, 1e-5), `${sw.value} vs ${fx.sliced_w2}`);
  // Y = X + v: every projection moves by θᵀv, so SW2 = √(mean_l (θ_lᵀv)²).
  const v = [0.3, -1, 0.5, 2];
  const Xs = new Matrix(X.rows, 4);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < 4; j++) Xs.set(i, j, X.get(i, j) + v[j]!);
  const L = fx.directions.length;
  const expect = Math.sqrt(fx.directions.reduce((s, th) => s + th.reduce((a, t, j) => a + t * v[j]!, 0) ** 2, 0) / L);
  assert.ok(close(slicedWasserstein(X, Xs, { rng: new Rng(1), directions: dirs }).value, expect, 1e-5));
});

test("1-D Wasserstein and KS on hand-checkable samples", () => {
  assert.equal(wasserstein1dSorted([0, 1, 2], [1, 2, 3]), 1);
  // Unequal sizes: a = {0, 1}, b = {0, 0.5, 1.5}: |F_a − F_b| integrated = 1/6·... computed by quantiles:
  // t∈[0,1/3): 0−0; [1/3,1/2): 0−0.5; [1/2,2/3): 1−0.5; [2/3,1): 1−1.5 → (1/6)(0.5) + (1/6)(0.5) + (1/3)(0.5) = 1/3.
  assert.ok(Math.abs(wasserstein1dSorted([0, 1], [0, 0.5, 1.5]) - 1 / 3) < 1e-15);
  assert.equal(ksStatisticSorted([1, 2, 3], [4, 5]), 1);
  assert.equal(ksStatisticSorted([1, 2, 3], [1, 2, 3]), 0);
});
