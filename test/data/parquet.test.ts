// Parquet written by hyparquet-writer with mixed column types and nulls: nulls are missing values, never zeros.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { loadDomain, DataError } from "./helpers.js";
import { tempDir } from "../tmp.js";

const dir = tempDir("tl-pq-");

test("parquet: DOUBLE/FLOAT/INT32/BOOLEAN features, STRING labels, nulls are missing", async () => {
  const path = join(dir, "n.parquet");
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: "a", data: [1.5, null, 3], type: "DOUBLE" },
      { name: "b", data: new Float32Array([1, 2, 3]), type: "FLOAT" },
      { name: "c", data: [7, 8, 9], type: "INT32" },
      { name: "d", data: [true, false, true], type: "BOOLEAN" },
      { name: "label", data: ["x", "y", "x"], type: "STRING" },
    ],
  })));
  await assert.rejects(loadDomain(path), (e) => e instanceof DataError && e.reason === "MISSING_VALUE" && e.where.row === 2 && e.where.column === "a");
  const d = await loadDomain(path, { missing: "mean" });
  assert.deepEqual(d.X.toArrays(), [[1.5, 1, 7, 1], [2.25, 2, 8, 0], [3, 3, 9, 1]]);
  assert.deepEqual(d.classNames, ["x", "y"]);
  assert.deepEqual(Array.from(d.y!), [0, 1, 0]);
  assert.equal(d.report.imputedCells, 1);
});

test("parquet: a string feature column is NON_NUMERIC with its row", async () => {
  const path = join(dir, "s.parquet");
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: "a", data: ["1", "2", "oops"], type: "STRING" },
      { name: "label", data: [0, 1, 0], type: "INT32" },
    ],
  })));
  await assert.rejects(loadDomain(path), (e) => e instanceof DataError && e.reason === "NON_NUMERIC" && e.where.row === 3 && e.where.column === "a");
});
