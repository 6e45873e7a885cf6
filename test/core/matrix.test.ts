import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, columnMeanStd } from "../../src/core/matrix.js";
import { TransferLabError } from "../../src/core/errors.js";
import { assertFinite } from "../../src/core/validate.js";

test("rows are views, takeRows copies in order, vstack concatenates", () => {
  const m = Matrix.from([[1, 2], [3, 4], [5, 6]]);
  m.row(1)[0] = 30;
  assert.equal(m.get(1, 0), 30);
  assert.deepEqual(m.takeRows([2, 0]).toArrays(), [[5, 6], [1, 2]]);
  assert.deepEqual(Matrix.vstack([m.sliceRows(0, 1), m.sliceRows(2, 3)]).toArrays(), [[1, 2], [5, 6]]);
});

test("ragged input and non-finite cells are typed errors naming the place", () => {
  assert.throws(() => Matrix.from([[1, 2], [3]]), (e: unknown) => e instanceof TransferLabError && e.code === "SHAPE_MISMATCH" && /row 2/.test(e.message));
  const m = Matrix.from([[1, 2], [3, NaN]]);
  assert.throws(() => assertFinite(m, "X"), (e: unknown) => e instanceof TransferLabError && e.code === "NON_FINITE" && e.where.row === 2 && e.where.column === 2);
});

test("columnMeanStd: population and sample deviations by hand; a constant column gets 1", () => {
  const X = Matrix.from([[1, 2], [3, 2], [5, 2]]);
  const pop = columnMeanStd(X, 0), samp = columnMeanStd(X, 1);
  assert.deepEqual([...pop.mean], [3, 2]);
  assert.equal(pop.std[0], Math.sqrt(8 / 3));
  assert.equal(samp.std[0], 2);
  assert.equal(pop.std[1], 1);
  assert.equal(samp.std[1], 1);
});
