// Splits are disjoint and stratified for any seed; test labels cannot reach a method.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "../../src/core/rng.js";
import { Matrix } from "../../src/core/matrix.js";
import { TransferLabError } from "../../src/core/errors.js";
import type { LabelledDomain } from "../../src/core/domain.js";
import { splitTarget, makeFitData, assertNoTestLabels, TestSet } from "./helpers.js";

function target(sizes: number[]): LabelledDomain {
  const n = sizes.reduce((a, b) => a + b, 0);
  const y = new Int32Array(n);
  let i = 0;
  sizes.forEach((s, k) => {
    for (let r = 0; r < s; r++) y[i++] = k;
  });
  // X encodes the row index so we can trace rows through the split.
  return { name: "t", X: new Matrix(n, 1, Float32Array.from({ length: n }, (_, r) => r)), y, classNames: sizes.map((_, k) => `c${k}`) };
}

const countBy = (y: ArrayLike<number>, k: number) => Array.from({ length: k }, (_, c) => Array.from(y).filter((v) => v === c).length);

test("splits are disjoint, cover what was asked, and are stratified — any seed, any class sizes", () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 8, max: 60 }), { minLength: 2, maxLength: 5 }),
    fc.integer({ min: 0, max: 5 }),
    fc.double({ min: 0.1, max: 0.5, noNaN: true }),
    fc.integer({ min: 0, max: 2 ** 31 }),
    (sizes, perClass, testFrac, seed) => {
      const t = target(sizes);
      const n = t.X.rows;
      const total = Math.round(testFrac * n);
      let s;
      try {
        s = splitTarget(t, { labelled: { perClass }, test: testFrac, rng: new Rng(seed) });
      } catch (e) {
        // Only allowed when some class truly has fewer than perClass rows left after its share of the test set.
        assert.ok(e instanceof TransferLabError && e.code === "TOO_FEW_LABELS", String(e));
        assert.ok(sizes.some((sz) => sz - Math.ceil((total * sz) / n) < perClass));
        return;
      }
      const all = [...s.indices.labelled, ...s.indices.unlabelled, ...s.indices.test];
      assert.equal(new Set(all).size, all.length, "disjoint");
      assert.equal(all.length, n, "unlabelled = rest, so everything is used");
      // Rows really are those rows.
      s.indices.labelled.forEach((r, i) => assert.equal(s.labelled.X.get(i, 0), r));
      s.indices.test.forEach((r, i) => assert.equal(s.test.X.get(i, 0), r));
      // Stratified: exactly perClass labelled per class; test within one of the proportional share.
      assert.deepEqual(countBy(s.labelled.y, sizes.length), sizes.map(() => perClass));
      const testCounts = countBy(s.test.labelsForScoring(), sizes.length);
      assert.equal(testCounts.reduce((a, b) => a + b, 0), total);
      testCounts.forEach((c, k) => assert.ok(Math.abs(c - (total * sizes[k]!) / n) <= 1, `class ${k}: ${c} vs ${(total * sizes[k]!) / n}`));
      // The unlabelled split has no labels at runtime.
      assert.ok(!("y" in s.unlabelled));
    },
  ), { numRuns: 150 });
});

test("n-total few-shot: at least one per class, total exact", () => {
  const t = target([30, 30, 40]);
  const s = splitTarget(t, { labelled: { total: 10 }, test: 20, rng: new Rng(1) });
  assert.equal(s.labelled.X.rows, 10);
  assert.ok(countBy(s.labelled.y, 3).every((c) => c >= 1));
  assert.equal(s.test.rows, 20);
});

test("the same seed gives the same split", () => {
  const t = target([20, 25]);
  const a = splitTarget(t, { labelled: { perClass: 3 }, test: 0.3, rng: new Rng(9) });
  const b = splitTarget(t, { labelled: { perClass: 3 }, test: 0.3, rng: new Rng(9) });
  assert.deepEqual(a.indices, b.indices);
});

test("test labels cannot reach a method: not by type, not at runtime", () => {
  const t = target([20, 20]);
  const s = splitTarget(t, { labelled: { perClass: 2 }, test: 0.5, rng: new Rng(2) });
  const src = target([10, 10]);
  const fit = makeFitData(src, s, { useLabelled: true });
  assert.equal((fit.target as { y?: unknown }).y, undefined);
  // A TestSet has no `y` property at all.
  assert.ok(!("y" in s.test));
  // @ts-expect-error — a TestSet is not a LabelledDomain
  const _typeCheck: LabelledDomain = s.test;
  void _typeCheck;
  const leak = (f: () => void) => assert.throws(f, (e) => e instanceof TransferLabError && e.code === "TEST_LABEL_LEAK");
  // Labels smuggled into the unlabelled target.
  leak(() => assertNoTestLabels({ source: src, target: { ...s.unlabelled, y: new Int32Array(s.unlabelled.X.rows) } as any }));
  // Scoring labels re-used as training labels.
  leak(() => assertNoTestLabels({ source: src, target: s.unlabelled, targetLabelled: { name: "x", X: s.test.X, y: s.test.labelsForScoring() } }));
  // A test set passed as labelled data (by casting).
  leak(() => assertNoTestLabels({ source: src, target: s.unlabelled, targetLabelled: s.test as any }));
  // Transductive: the test inputs (no labels) may be part of the target.
  const tr = makeFitData(src, s, { transductive: true });
  assert.equal(tr.target.X.rows, s.unlabelled.X.rows + s.test.rows);
  assert.ok(s.test instanceof TestSet);
});
