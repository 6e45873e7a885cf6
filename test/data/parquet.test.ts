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

// Labels in invalid UTF-8: 'caf\xe9' and 'caf\xe8' must not both read as 'caf\uFFFD' (two classes merged). The
// files are made here: hyparquet-writer writes STRING columns from JS strings (always valid UTF-8), so the bad
// bytes are patched into the written file in place (same length: "cafX" → "caf\xe9"; uncompressed, no statistics,
// so each label's bytes appear once; hyparquet-writer writes no page checksums), and a plain BYTE_ARRAY column takes
// raw bytes as they are.
test("parquet: a label string that is not UTF-8 is BAD_ENCODING naming file, row and column", async () => {
  const written = Buffer.from(parquetWriteBuffer({
    columnData: [
      { name: "x", data: [1, 2, 3, 4], type: "DOUBLE" },
      { name: "label", data: ["tea", "cafX", "tea", "cafY"], type: "STRING" },
    ],
    codec: "UNCOMPRESSED",
    statistics: false,
  }));
  for (const [mark, byte] of [["cafX", 0xe9], ["cafY", 0xe8]] as const) {
    const at = written.indexOf(mark);
    assert.ok(at >= 0 && written.indexOf(mark, at + 1) < 0, `${mark} is written once, plainly`);
    written[at + 3] = byte;
  }
  const path = join(dir, "latin1-labels.parquet");
  writeFileSync(path, written);
  await assert.rejects(loadDomain(path), (e) => e instanceof DataError && e.reason === "BAD_ENCODING" && e.code === "DATA_FORMAT" && e.where.file === path && e.where.row === 2 && e.where.column === "label");
  // The same column left out is not read as text, as with CSV; a declared non-UTF-8 encoding is refused for Parquet.
  const d = await loadDomain(path, { label: null, features: ["x"] });
  assert.deepEqual(d.X.toArrays(), [[1], [2], [3], [4]]);
  await assert.rejects(loadDomain(path, { encoding: "latin1" }), (e) => e instanceof DataError && e.code === "INVALID_PARAMETER" && e.where.param === "encoding");

  const raw = join(dir, "raw-bytes.parquet");
  writeFileSync(raw, new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: "x", data: [1, 2, 3], type: "DOUBLE" },
      { name: "label", data: [Uint8Array.of(0x61), Uint8Array.of(0x61), Uint8Array.of(0xff, 0xfe)], type: "BYTE_ARRAY" },
    ],
  })));
  await assert.rejects(loadDomain(raw), (e) => e instanceof DataError && e.reason === "BAD_ENCODING" && e.where.row === 3 && e.where.column === "label");
  // Valid UTF-8 beyond ASCII still reads, as the text it is.
  const ok = join(dir, "utf8.parquet");
  writeFileSync(ok, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "x", data: [1, 2], type: "DOUBLE" }, { name: "label", data: ["café", "naïve"], type: "STRING" }] })));
  assert.deepEqual((await loadDomain(ok)).classNames, ["café", "naïve"]);
});

test("parquet: a column name that is not UTF-8 is BAD_ENCODING naming the column's position; a real U+FFFD in a name reads", async () => {
  const written = Buffer.from(parquetWriteBuffer({ columnData: [{ name: "prixX", data: [1, 2], type: "DOUBLE" }, { name: "label", data: ["a", "b"], type: "STRING" }], codec: "UNCOMPRESSED", statistics: false }));
  // The name is in the footer's schema and in the column chunk's path: every copy gets the latin1 byte.
  let copies = 0;
  for (let at = written.indexOf("prixX"); at >= 0; at = written.indexOf("prixX", at + 1), copies++) written[at + 4] = 0xe9;
  assert.ok(copies >= 1);
  const path = join(dir, "latin1-name.parquet");
  writeFileSync(path, written);
  await assert.rejects(loadDomain(path), (e) => e instanceof DataError && e.reason === "BAD_ENCODING" && e.where.file === path && e.where.column === 1);
  const ok = join(dir, "fffd-name.parquet");
  writeFileSync(ok, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "x\uFFFD", data: [1, 2], type: "DOUBLE" }, { name: "label", data: ["a", "b"], type: "STRING" }] })));
  assert.deepEqual((await loadDomain(ok)).featureNames, ["x\uFFFD"]);
});
