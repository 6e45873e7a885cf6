// Every malformed file in test/fixtures/data/malformed produces its specific typed error at the right place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDomain, loadSourceTarget, DataError } from "../../src/data/index.js";
import { tempDir } from "../tmp.js";

const dir = "test/fixtures/data/malformed";
interface Case { file: string; options?: Record<string, unknown>; code: string; reason: string; row?: number; column?: string | number; mentions?: string[] }
const spec = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8")) as { cases: Case[]; pairs: Array<Case & { source: string; target: string }> };

function check(e: unknown, c: Case, file?: string): void {
  assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
  assert.equal(e.code, c.code, e.message);
  assert.equal(e.reason, c.reason, e.message);
  if (c.row !== undefined) assert.equal(e.where.row, c.row, e.message);
  if (c.column !== undefined) assert.equal(e.where.column, c.column, e.message);
  if (file !== undefined) assert.equal(e.where.file, file, e.message);
  for (const m of c.mentions ?? []) assert.ok(e.message.includes(m), `message should mention ${m}: ${e.message}`);
  // The one-line message names the file when there is one.
  if (e.where.file) assert.ok(e.message.startsWith(e.where.file));
}

for (const c of spec.cases) {
  test(`malformed: ${c.file} ${c.options ? JSON.stringify(c.options) : ""} -> ${c.reason}`, async () => {
    const path = join(dir, c.file);
    await assert.rejects(loadDomain(path, c.options as any), (e) => {
      check(e, c, ["NO_SUCH_COLUMN"].includes(c.reason) && c.column === undefined ? undefined : path);
      return true;
    });
  });
}

for (const c of spec.pairs) {
  test(`malformed pair: ${c.source} + ${c.target} -> ${c.reason}`, async () => {
    await assert.rejects(loadSourceTarget({ source: join(dir, c.source), target: join(dir, c.target) }), (e) => {
      check(e, c);
      return true;
    });
  });
}

test("missing values: drop and mean report what they touched", async (t) => {
  const drop = await loadDomain(join(dir, "missing_cell.csv"), { missing: "drop" });
  assert.equal(drop.X.rows, 1);
  assert.equal(drop.report.droppedRows, 1);
  const mean = await loadDomain(join(dir, "missing_cell.csv"), { missing: "mean" });
  assert.deepEqual(mean.X.toArrays(), [[1, 2], [3, 2]]);
  assert.equal(mean.report.imputedCells, 1);
  // NaN is an error unless the user says it marks a missing value.
  const tmp = join(tempDir("tl-data-", t), "nan2.csv");
  writeFileSync(tmp, "a,b,label\n1,NaN,x\n2,3,y\n");
  await assert.rejects(loadDomain(tmp, { missing: "drop" }), (e) => e instanceof DataError && e.reason === "NON_FINITE");
  const nanOk = await loadDomain(tmp, { missing: "drop", missingTokens: ["", "NaN"] });
  assert.equal(nanOk.report.droppedRows, 1);
  assert.deepEqual(nanOk.X.toArrays(), [[2, 3]]);
  assert.deepEqual(nanOk.classNames, ["y"]);
});
