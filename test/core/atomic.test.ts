// Results writers: atomic (no temp file left, old content replaced whole) and readable by an independent parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";
import { writeCsvAtomic, writeJsonAtomic } from "../../src/core/atomic.js";
import { tempDir } from "../tmp.js";

test("writeCsvAtomic quotes what needs quoting; papaparse reads the same cells; no temp files remain", (t) => {
  const dir = tempDir("tl-atomic-", t);
  const path = join(dir, "results.csv");
  const rows = [["coral", 0.5, true, null], ['say "hi", then\nleave', -1e-7, false, undefined], [" padded ", 3, "x,y", ""]];
  writeCsvAtomic(path, ["method", "acc", "ok", "note"], rows);
  writeCsvAtomic(path, ["method", "acc", "ok", "note"], rows); // overwrite in place
  const parsed = Papa.parse<string[]>(readFileSync(path, "utf8"), { skipEmptyLines: true }).data;
  assert.deepEqual(parsed, [["method", "acc", "ok", "note"], ["coral", "0.5", "true", ""], ['say "hi", then\nleave', "-1e-7", "false", ""], [" padded ", "3", "x,y", ""]]);
  writeJsonAtomic(join(dir, "r.json"), { a: [1, 2] });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")), { a: [1, 2] });
  assert.deepEqual(readdirSync(dir).sort(), ["r.json", "results.csv"]);
});
