// Files written by numpy itself (test/fixtures/data/make_numpy_fixtures.py) read back exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadDomain, parseNpy } from "./helpers.js";

const dir = "test/fixtures/data";
const ref = JSON.parse(readFileSync(`${dir}/numpy_fixtures.json`, "utf8")) as { X: number[][]; y: number[]; i2: number[][] };

test("numpy float32 .npy reads exactly", async () => {
  const d = await loadDomain(`${dir}/numpy_f32.npy`);
  assert.deepEqual(d.X.toArrays(), ref.X);
  assert.deepEqual(d.featureNames, ["x1", "x2", "x3", "x4"]);
});

test("numpy Fortran-ordered float64 .npy is transposed to row-major", async () => {
  const d = await loadDomain(`${dir}/numpy_f64_fortran.npy`);
  assert.deepEqual(d.X.toArrays(), ref.X);
});

test("numpy big-endian int16 .npy, and a column picked as the label", async () => {
  const a = parseNpy(readFileSync(`${dir}/numpy_bigendian_i2.npy`), "x");
  assert.deepEqual(a.shape, [13, 4]);
  assert.deepEqual(Array.from(a.data as Float64Array), ref.i2.flat());
  const d = await loadDomain(`${dir}/numpy_bigendian_i2.npy`, { label: 3 });
  assert.equal(d.X.cols, 3);
  assert.deepEqual(d.X.toArrays(), ref.i2.map((r) => r.slice(0, 3)));
  assert.deepEqual(Array.from(d.y!, (k) => Number(d.classNames![k])), ref.i2.map((r) => r[3]));
});

test("numpy savez_compressed .npz (deflate, zip64 headers) with names and class order", async () => {
  const d = await loadDomain(`${dir}/numpy_compressed.npz`);
  assert.deepEqual(d.X.toArrays(), ref.X);
  assert.deepEqual(d.featureNames, ["a", "b", "c", "dé"]);
  assert.deepEqual(d.classNames, ["zebra", "ant", "cat"]); // file's order kept, not sorted
  assert.deepEqual(Array.from(d.y!), ref.y);
});

test("numpy savez .npz with integer labels", async () => {
  const d = await loadDomain(`${dir}/numpy_plain.npz`);
  assert.deepEqual(d.X.toArrays(), ref.X);
  assert.deepEqual(Array.from(d.y!, (k) => Number(d.classNames![k])), ref.y);
});
