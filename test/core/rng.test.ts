import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";

test("same seed gives the same stream; different seeds differ", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 20 }, () => a.uniform());
  const xb = Array.from({ length: 20 }, () => b.uniform());
  const xc = Array.from({ length: 20 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("uniform has mean 1/2 and variance 1/12; normal has mean 0, variance 1", () => {
  const r = new Rng(7);
  const n = 200_000;
  let s = 0, s2 = 0, t = 0, t2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u; s2 += u * u;
    const z = r.normal();
    t += z; t2 += z * z;
  }
  // Standard errors: uniform mean ≈ 0.00065, normal mean ≈ 0.0022; allow ~5 SE.
  assert.ok(Math.abs(s / n - 0.5) < 0.004);
  assert.ok(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12) < 0.002);
  assert.ok(Math.abs(t / n) < 0.012);
  assert.ok(Math.abs(t2 / n - 1) < 0.02);
});

test("int(n) is uniform over 0..n-1 (chi-square) and permutation is a permutation", () => {
  const r = new Rng(1);
  const k = 7, n = 70_000, counts = new Array(k).fill(0);
  for (let i = 0; i < n; i++) counts[r.int(k)]++;
  const e = n / k;
  const chi2 = counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
  assert.ok(chi2 < 22.46, `chi2 ${chi2} exceeds the 0.001 critical value for 6 dof`); // χ²₆(0.999) = 22.46
  const p = Array.from(r.permutation(100)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 100 }, (_, i) => i));
});
