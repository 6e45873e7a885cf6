// The sweep spec: a bad spec fails before any task runs (no journal is written), with one line naming the key
// and its line in the file; a good one expands grids into one variant per combination.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSweepSpec } from "../../src/experiment/sweep/spec.js";
import { TransferLabError } from "../../src/core/errors.js";
import { tempDir } from "../tmp.js";

const dir = tempDir("tl-sweep-spec-");
const spec = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const errorOf = (f: string) => {
  try {
    readSweepSpec(f);
  } catch (e) {
    assert.ok(e instanceof TransferLabError);
    return e;
  }
  return assert.fail("no error");
};

test("grids expand into one variant per combination; scalars and lists both accepted", () => {
  const s = readSweepSpec(spec("ok.yaml", `pairs: ["moons?n=80"]
methods:
  - coral
  - name: self-training
    params: { rounds: 2 }
    grid: { threshold: [0.8, 0.9], balance: [true, false] }
estimators: knn
targetLabelsPerClass: [2, 3]
seeds: 2
`));
  assert.deepEqual(s.variants.map((v) => v.label), ["coral", "self-training[threshold=0.8,balance=true]", "self-training[threshold=0.8,balance=false]",
    "self-training[threshold=0.9,balance=true]", "self-training[threshold=0.9,balance=false]"]);
  assert.deepEqual(s.variants[4]!.params, { rounds: 2, threshold: 0.9, balance: false });
  assert.deepEqual(s.estimators, [{ name: "knn", params: {} }]);
  assert.deepEqual(s.targetLabelsPerClass, [2, 3]);
  assert.deepEqual(s.protocols, ["transductive"]);
  // JSON is read the same way.
  const j = readSweepSpec(spec("ok.json", JSON.stringify({ pairs: ["moons?n=80"], methods: ["coral"], estimators: ["knn"], seeds: 2 })));
  assert.deepEqual(j.variants.map((v) => v.label), ["coral"]);
});

test("errors name the key and its line: unknown method, wrong-typed grid value, missing file, unknown key", () => {
  const e1 = errorOf(spec("m.yaml", "pairs: [\"moons\"]\nmethods:\n  - coral\n  - corall\n"));
  assert.equal(e1.where.param, "methods[1]");
  assert.equal(e1.where.row, 4);
  assert.match(e1.message, /unknown method 'corall'.*did you mean coral/);

  const e2 = errorOf(spec("g.yaml", "pairs: [\"moons\"]\nmethods:\n  - name: self-training\n    grid:\n      threshold: [0.8, \"high\"]\n"));
  assert.equal(e2.where.param, "methods[0].grid.threshold[1]");
  assert.equal(e2.where.row, 5);
  assert.match(e2.message, /threshold.*expected number/);

  const e3 = errorOf(spec("f.yaml", "pairs:\n  - source: here.csv\n    target: nowhere.csv\n    label: y\nmethods: [coral]\n"));
  assert.equal(e3.code, "FILE_NOT_FOUND");
  assert.equal(e3.where.param, "pairs[0].source");
  assert.equal(e3.where.row, 2);

  const e4 = errorOf(spec("k.yaml", "pairs: [\"moons\"]\nmethods: [coral]\nseed: 3\n"));
  assert.equal(e4.where.param, "seed");
  assert.match(e4.message, /unknown key.*keys: pairs, methods/);

  const e5 = errorOf(spec("p.yaml", "pairs: [\"moons\"]\nmethods:\n  - name: coral\n    params: { lambda: -1, nope: 2 }\n"));
  assert.equal(e5.where.param, "methods[0].params");

  const e6 = errorOf(spec("e.yaml", "pairs: [\"moons\"]\nmethods: [coral]\nestimators: [knn, forest]\n"));
  assert.equal(e6.where.param, "estimators[1]");

  const e7 = errorOf(spec("y.yaml", "pairs: [\"moons\"\nmethods: [coral]\n"));
  assert.equal(e7.code, "DATA_FORMAT");
});

test("CLI: a bad spec is one line on stderr, exit 2, and nothing is run or written", () => {
  const out = join(dir, "never");
  for (const [f, key] of [
    [spec("c1.yaml", "pairs: [\"moons?n=60\"]\nmethods: [coral, kmmm]\nestimators: knn\n"), "methods\\[1\\]"],
    [spec("c2.yaml", "pairs: [\"moons?n=60\"]\nmethods:\n  - name: ot-sinkhorn\n    grid: { reg: [0.1, [1]] }\nestimators: knn\n"), "methods\\[0\\]\\.grid\\.reg\\[1\\]"],
    [spec("c3.yaml", "pairs:\n  - { source: a.csv, target: b.csv }\nmethods: [coral]\n"), "pairs\\[0\\]\\.source"],
    [spec("c4.yaml", "pairs: [\"nosuchgen?n=60\"]\nmethods: [coral]\n"), "pairs\\[0\\]"],
  ] as const) {
    const r = spawnSync(process.execPath, ["bin/transferlab.js", "sweep", f, "--out", out, "--json"], { encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`parameter '${key}'`));
    assert.equal(r.stdout, "");
    assert.ok(!existsSync(out), "no journal or results for a bad spec");
  }
});
