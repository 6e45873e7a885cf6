import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Rng } from "../../src/core/rng.js";
import { mcnemar, binomialCdf, compareCorrectness, resampledDifference, type SeedCorrectness } from "../../src/experiment/compare.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/experiment/mcnemar.json", import.meta.url), "utf8")) as { cases: { b: number; c: number; exact: number; mid: number }[] };

// Truth: scipy.stats.binomtest / binom (test/fixtures/experiment/make_mcnemar.py).
test("McNemar exact and mid-p equal scipy's", () => {
  for (const { b, c, exact, mid } of fixture.cases) {
    const r = mcnemar(b, c);
    assert.ok(Math.abs(r.pExact - exact) < 1e-10 * Math.max(1, exact) + 1e-14, `exact b=${b} c=${c}: ${r.pExact} vs ${exact}`);
    assert.ok(Math.abs(r.pMid - mid) < 1e-10 * Math.max(1, mid) + 1e-14, `mid b=${b} c=${c}: ${r.pMid} vs ${mid}`);
    assert.ok(r.pMid <= r.pExact, "mid-p is never above the exact p");
  }
});

test("binomial CDF: closed forms", () => {
  assert.ok(Math.abs(binomialCdf(0, 5, 0.5) - 1 / 32) < 1e-15);
  assert.ok(Math.abs(binomialCdf(2, 4, 0.5) - 11 / 16) < 1e-14);
  assert.ok(Math.abs(binomialCdf(1, 3, 0.2) - (0.8 ** 3 + 3 * 0.2 * 0.8 ** 2)) < 1e-14);
  assert.equal(binomialCdf(-1, 3, 0.5), 0);
  assert.equal(binomialCdf(3, 3, 0.5), 1);
});

const bits = (n: number, f: (i: number) => boolean) => Uint8Array.from({ length: n }, (_, i) => (f(i) ? 1 : 0));

test("same models: McNemar over the distinct test rows, each row counted once", () => {
  // Two fixed models on 100 rows: the method is right on rows 0–59, the baseline on rows 10–59 and 90–99 → b = 10, c = 10.
  const method = (r: number) => r < 60, baseline = (r: number) => (r >= 10 && r < 60) || r >= 90;
  // Three seeds test overlapping row sets; rows 0–9 appear in all three (they must not be counted thrice).
  const sets = [[...Array(70).keys()], [...Array(100).keys()].filter((r) => r % 2 === 0 || r < 10), [...Array(100).keys()]];
  const seeds: SeedCorrectness[] = sets.map((rows) => ({ rows, method: Uint8Array.from(rows, (r) => +method(r)), baseline: Uint8Array.from(rows, (r) => +baseline(r)) }));
  const c = compareCorrectness(seeds, { sameModels: true, rng: new Rng(1) });
  assert.equal(c.test, "McNemar mid-p");
  assert.equal(c.mcnemar!.methodOnly, 10);
  assert.equal(c.mcnemar!.baselineOnly, 10);
  assert.ok(Math.abs(c.pValue! - 1) < 1e-9);
  // Works with a single seed too: the models are fixed, so the test rows are the only randomness.
  const one = compareCorrectness(seeds.slice(2), { sameModels: true, rng: new Rng(1) });
  assert.equal(one.test, "McNemar mid-p");
});

test("fits that differ: the paired bootstrap; identical predictions give p = 1, a sure gain the smallest p", () => {
  const rng = new Rng(5);
  const mk = (f: (s: number, i: number) => [boolean, boolean]): SeedCorrectness[] => [0, 1, 2, 3, 4].map((s) => {
    const n = 50 + s * 10;
    const pairs = Array.from({ length: n }, (_, i) => f(s, i));
    return { rows: Int32Array.from({ length: n }, (_, i) => i), method: bits(n, (i) => pairs[i]![0]), baseline: bits(n, (i) => pairs[i]![1]) };
  });
  const same = compareCorrectness(mk((_s, i) => [i % 3 === 0, i % 3 === 0]), { sameModels: false, rng, replicates: 500 });
  assert.equal(same.test, "paired bootstrap");
  assert.equal(same.pValue, 1);
  assert.deepEqual(same.ci95, [0, 0]);
  const sure = compareCorrectness(mk(() => [true, false]), { sameModels: false, rng, replicates: 500 });
  assert.equal(sure.meanDiff, 100);
  assert.ok(Math.abs(sure.pValue! - 2 / 501) < 1e-12);
  assert.equal(sure.wins, 5);
  // One seed: no test (fit-to-fit variance is unknown), never p = 1.
  const one = compareCorrectness(mk(() => [true, false]).slice(0, 1), { sameModels: false, rng });
  assert.equal(one.test, "no test");
  assert.equal(one.pValue, null);
});

test("paired bootstrap: the interval's width matches the two-stage resampling variance", () => {
  // 40 seeds; each seed's true gain g_s ~ N(2, 3²) points, 400 rows with per-row differences ±1/0 around it.
  // Resampling seeds, then rows within each (Davison & Hinkley 1997, §3.8, strategy 2) has variance
  //   ((S−1)/S)·Var(seed means)/S + mean_s(Var(row differences)/n)/S,
  // which counts the row noise a second time (it is already inside the seed means): conservative by design.
  const rng = new Rng(11);
  const S = 40, n = 400;
  const seeds: SeedCorrectness[] = [];
  const seedMeans: number[] = [];
  let within = 0;
  for (let s = 0; s < S; s++) {
    const g = (2 + 3 * rng.normal()) / 100;
    const pm = 0.7 + g / 2, pb = 0.7 - g / 2;
    const method = bits(n, () => rng.uniform() < pm), baseline = bits(n, () => rng.uniform() < pb);
    seeds.push({ rows: Int32Array.from({ length: n }, (_, i) => i), method, baseline });
    const d = Array.from(method, (m, i) => 100 * (m - baseline[i]!));
    const md = d.reduce((a, b) => a + b, 0) / n;
    seedMeans.push(md);
    within += d.reduce((a, x) => a + (x - md) ** 2, 0) / n / n / S;
  }
  const mean = seedMeans.reduce((a, b) => a + b, 0) / S;
  const between = seedMeans.reduce((a, x) => a + (x - mean) ** 2, 0) / S / S;
  const expected = 1.96 * Math.sqrt(between + within / S);
  const c = compareCorrectness(seeds, { sameModels: false, rng: new Rng(2), replicates: 4000 });
  const half = (c.ci95![1] - c.ci95![0]) / 2;
  assert.ok(Math.abs(c.meanDiff - mean) < 1e-9);
  assert.ok(Math.abs(half / expected - 1) < 0.1, `half-width ${half} vs ${expected}`);
  // ... and never narrower than the seed-level interval alone (it cannot understate the variance).
  assert.ok(half > 1.96 * Math.sqrt(between) * 0.95);
});

test("same seed, same numbers", () => {
  const seeds: SeedCorrectness[] = [0, 1, 2].map((s) => ({ rows: [0, 1, 2, 3, 4, 5], method: bits(6, (i) => (i + s) % 2 === 0), baseline: bits(6, (i) => i % 3 === 0) }));
  const a = compareCorrectness(seeds, { sameModels: false, rng: new Rng(9) });
  const b = compareCorrectness(seeds, { sameModels: false, rng: new Rng(9) });
  assert.deepEqual(a, b);
});

test("resampledDifference has the mean and variance of resampling all n rows", () => {
  const rng = new Rng(21);
  for (const [n, a, b] of [[400, 30, 12], [50, 50, 0], [1000, 3, 4]] as const) {
    const R = 20000;
    let s1 = 0, s2 = 0;
    for (let r = 0; r < R; r++) { const v = resampledDifference(n, a, b, rng); s1 += v; s2 += v * v; }
    const mean = s1 / R, v = s2 / R - mean * mean;
    const trueMean = a - b, trueVar = n * ((a + b) / n - ((a - b) / n) ** 2);
    assert.ok(Math.abs(mean - trueMean) < 4 * Math.sqrt(trueVar / R) + 1e-9, `n=${n} a=${a} b=${b}: mean ${mean} vs ${trueMean}`);
    if (trueVar > 0) assert.ok(Math.abs(v / trueVar - 1) < 0.05, `variance ${v} vs ${trueVar}`);
  }
});
