// Property tests: write a random domain, read it back, get exactly the same float32 values, labels and names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.js";
import type { LabelledDomain } from "../../src/core/domain.js";
import { loadDomain, writeDomain, encodeCsv, readCsv, canonicalLabelForTest, DEFAULT_MISSING_TOKENS } from "./helpers.js";
import { tempDir } from "../tmp.js";

const dir = tempDir("tl-roundtrip-");
let counter = 0;
const RUNS = 40;

const name = fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(..."abcXYZ09_ ,\"'é€-".split("")) })
  .filter((s) => s.trim() === s && s !== "label" && !DEFAULT_MISSING_TOKENS.includes(s));
const className = name.filter((s) => canonicalLabelForTest(s) === s);

const domainArb = fc
  .record({
    n: fc.integer({ min: 1, max: 25 }),
    d: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ n, d, k }) =>
    fc.record({
      values: fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: n * d, maxLength: n * d }),
      features: fc.uniqueArray(name, { minLength: d, maxLength: d }),
      classes: fc.uniqueArray(className, { minLength: k, maxLength: k }),
      labels: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }),
    }).map(({ values, features, classes, labels }): LabelledDomain => ({
      name: "d", X: new Matrix(n, d, Float32Array.from(values)), y: Int32Array.from(labels), featureNames: features, classNames: classes,
    })),
  );

/** Same rows, same bits, same names; labels compared by class name (CSV does not store the class order). */
function assertSame(a: LabelledDomain, b: { X: Matrix; y?: Int32Array; featureNames?: readonly string[]; classNames?: readonly string[] }, sameOrder: boolean): void {
  assert.equal(b.X.rows, a.X.rows);
  assert.equal(b.X.cols, a.X.cols);
  assert.deepEqual(new Uint32Array(b.X.data.buffer, b.X.data.byteOffset, b.X.data.length), new Uint32Array(a.X.data.buffer, a.X.data.byteOffset, a.X.data.length));
  assert.deepEqual(b.featureNames, a.featureNames);
  const names = (d: typeof b) => Array.from(d.y!, (k) => d.classNames![k]);
  assert.deepEqual(names(b), names(a));
  if (sameOrder) {
    assert.deepEqual(b.classNames, a.classNames);
    assert.deepEqual(b.y, a.y);
  }
}

test("CSV round trip is exact (float32 bits, labels, names)", async () => {
  await fc.assert(fc.asyncProperty(domainArb, async (d) => {
    const path = join(dir, `r${counter++}.csv`);
    writeDomain(path, d, "csv");
    const back = await loadDomain(path, { label: "label" });
    assertSame(d, back, false);
  }), { numRuns: RUNS });
});

test("CSV reading does not depend on where chunks end, and .gz reads the same", async () => {
  await fc.assert(fc.asyncProperty(domainArb, fc.integer({ min: 1, max: 40 }), fc.boolean(), async (d, chunkBytes, crlf) => {
    let text = encodeCsv(d);
    if (crlf) text = text.replace(/\n/g, "\r\n");
    const path = join(dir, `c${counter++}.csv`);
    writeFileSync(path, text);
    writeFileSync(`${path}.gz`, gzipSync(text));
    const whole = await readCsv(path, { label: "label" });
    const tiny = await readCsv(path, { label: "label", chunkBytes });
    const gz = await readCsv(`${path}.gz`, { label: "label" });
    for (const t of [tiny, gz]) {
      assert.deepEqual(t.X, whole.X);
      assert.deepEqual(t.label!.codes, whole.label!.codes);
      assert.deepEqual(t.label!.values, whole.label!.values);
      assert.deepEqual(Array.from({ length: t.n }, (_, i) => t.rowOf(i)), Array.from({ length: whole.n }, (_, i) => whole.rowOf(i)));
    }
  }), { numRuns: RUNS });
});

test("NPZ round trip is exact and keeps the class order", async () => {
  await fc.assert(fc.asyncProperty(domainArb, async (d) => {
    const path = join(dir, `r${counter++}.npz`);
    writeDomain(path, d, "npz");
    assertSame(d, await loadDomain(path), true);
  }), { numRuns: RUNS });
});

test("NPY round trip of X is exact", async () => {
  await fc.assert(fc.asyncProperty(domainArb, async (d) => {
    const path = join(dir, `r${counter++}.npy`);
    writeDomain(path, d, "npy");
    const back = await loadDomain(path);
    assert.deepEqual(back.X.data, d.X.data);
    assert.equal(back.y, undefined);
  }), { numRuns: RUNS });
});

test("Parquet round trip is exact and keeps the class order", async () => {
  await fc.assert(fc.asyncProperty(domainArb, async (d) => {
    const path = join(dir, `r${counter++}.parquet`);
    writeDomain(path, d, "parquet");
    assertSame(d, await loadDomain(path, { label: "label" }), true);
  }), { numRuns: RUNS });
});
