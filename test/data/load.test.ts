// Loading users' files: column choice, one class mapping for source and target, domain-column splits, formats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { loadDomain, loadSourceTarget, resolveDomainPair, DataError } from "./helpers.js";
import { tempDir } from "../tmp.js";

const dir = tempDir("tl-load-");
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test("label auto-detected, features by glob and by index, categorical labels sorted", async () => {
  const p = file("a.csv", "id,px_1,px_2,other,class\n1,0.5,1.5,9,dog\n2,2.5,3.5,9,cat\n3,4,5,9,dog\n");
  const d = await loadDomain(p, { features: ["px_*"] });
  assert.deepEqual(d.featureNames, ["px_1", "px_2"]);
  assert.deepEqual(d.X.toArrays(), [[0.5, 1.5], [2.5, 3.5], [4, 5]]);
  assert.deepEqual(d.classNames, ["cat", "dog"]);
  assert.deepEqual(Array.from(d.y!), [1, 0, 1]);
  const e = await loadDomain(p, { label: "class", features: [1, "other"] });
  assert.deepEqual(e.featureNames, ["px_1", "other"]);
  const none = await loadDomain(p, { label: null, features: ["id", "other"] });
  assert.equal(none.y, undefined);
  assert.deepEqual(none.X.toArrays(), [[1, 9], [2, 9], [3, 9]]);
});

test("numeric labels: '1', '1.0' and '01' are one class; order is numeric (2 < 10)", async () => {
  const p = file("n.csv", "x,y\n0,10\n1,2\n2,1.0\n3,01\n4,2\n");
  const d = await loadDomain(p);
  assert.deepEqual(d.classNames, ["1", "2", "10"]);
  assert.deepEqual(Array.from(d.y!), [2, 1, 0, 0, 1]);
});

test("source and target share the source's class mapping, even when the target lacks a class", async () => {
  const s = file("s.csv", "a,b,label\n1,2,zebra\n3,4,ant\n5,6,cat\n");
  const t = file("t.csv", "a,b,label\n7,8,cat\n9,10,cat\n11,12,zebra\n");
  const { source, target } = await loadSourceTarget({ source: s, target: t });
  assert.deepEqual(source.classNames, ["ant", "cat", "zebra"]);
  assert.deepEqual(target.classNames, ["ant", "cat", "zebra"]);
  assert.deepEqual(Array.from(target.y!), [1, 1, 2]);
  // An unlabelled target file loads as an unlabelled target.
  const u = file("u.csv", "a,b\n1,1\n");
  const st = await loadSourceTarget({ source: s, target: u });
  assert.equal(st.target.y, undefined);
});

test("one file split by a domain column; missing-value policy applies per domain", async () => {
  const p = file("all.tsv", "site\tf1\tf2\tlabel\nA\t1\t2\tx\nB\t3\t4\ty\nA\t5\t6\ty\nB\t7\t\tx\n");
  const { source, target } = await loadSourceTarget({ file: p, domainColumn: "site", sourceValue: "A", targetValue: "B" }, { missing: "drop" });
  assert.deepEqual(source.X.toArrays(), [[1, 2], [5, 6]]);
  assert.deepEqual(target.X.toArrays(), [[3, 4]]);
  assert.equal(target.report.droppedRows, 1);
  assert.deepEqual(source.featureNames, ["f1", "f2"]);
  await assert.rejects(loadSourceTarget({ file: p, domainColumn: "site", sourceValue: "A", targetValue: "C" }), (e) => e instanceof DataError && e.reason === "BAD_DOMAIN_VALUE");
  // Two values: which is which may be left out.
  const auto = await loadSourceTarget({ file: p, domainColumn: "site", targetValue: "A" }, { missing: "mean" });
  assert.equal(auto.source.name, "B");
  assert.deepEqual(auto.source.X.toArrays(), [[3, 4], [7, 4]]); // imputed with the mean of B only
});

test("JSON lines (.gz too), quoted CSV cells, BOM and CRLF", async () => {
  const lines = '{"x1": 1.5, "x2": null, "label": "a"}\n{"x1": 2, "x2": 3, "label": "b"}\n';
  for (const p of [file("j.jsonl", lines), file("j.jsonl.gz", gzipSync(lines))]) {
    const d = await loadDomain(p, { missing: "mean" });
    assert.deepEqual(d.X.toArrays(), [[1.5, 3], [2, 3]]);
    assert.equal(d.report.imputedCells, 1);
  }
  const q = file("q.csv", '\uFEFF"a, b",c,label\r\n"1",2,"he said ""hi"", twice"\r\n3,4,"two\nlines"\r\n');
  const d = await loadDomain(q);
  assert.deepEqual(d.featureNames, ["a, b", "c"]);
  assert.deepEqual(d.classNames, ['he said "hi", twice', "two\nlines"]);
  assert.deepEqual(d.X.toArrays(), [[1, 2], [3, 4]]);
});

test("resolveDomainPair on two files standardises with source statistics only", async () => {
  const s = file("ps.csv", "a,label\n0,x\n2,y\n");
  const t = file("pt.csv", "a,label\n10,x\n12,y\n");
  const p = await resolveDomainPair(`${s}→${t}`);
  assert.deepEqual(p.scaling, { rule: "standardize", mean: [1], std: [1] });
  assert.deepEqual(Array.from(p.source.X.data), [-1, 1]);
  assert.deepEqual(Array.from(p.target.X.data), [9, 11]);
});
