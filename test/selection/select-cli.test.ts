// The CLI: `select` prints the choice and its reasons, --json is one document, --out writes select.json and a
// report page; `evaluate --validators` adds the `selection` block in the shape; bad input is one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cli = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8" });

test("select --json --out: candidates × validators, a choice with reasons, report page", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-select-"));
  const r = cli(["select", "--pair", "moons?angle=30&n=120", "--methods", "coral,domain-classifier", "--grid", "coral.lambda=0.1,10", "--estimator", "logreg", "--target-labels-per-class", "4", "--json", "--out", dir]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual([doc.schema, doc.version], ["transferlab/select", 1]);
  assert.deepEqual(doc.candidates.map((c: { label: string }) => c.label), ["source-only", "target-only", "coral(lambda=0.1)", "coral(lambda=10)", "domain-classifier"]);
  assert.equal(doc.choice.rule, "cv-target");
  assert.ok(doc.choice.reasons.length >= 2);
  assert.ok(typeof doc.candidates[0].scores.snd.score === "number");
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "select.json"), "utf8")).choice, doc.choice);
  assert.match(readFileSync(join(dir, "report.html"), "utf8"), /chosen: /);
});

test("evaluate --validators all: selection {validators: {name: {spearman, regret, pick}}, guard: {pick, accuracy, regret}}", () => {
  const r = cli(["evaluate", "--pair", "moons?angle=30&n=120", "--methods", "coral", "--grid", "coral.lambda=0.1,10", "--estimator", "logreg", "--seeds", "2", "--target-labels-per-class", "4", "--validators", "all", "--jobs", "1", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const sel = JSON.parse(r.stdout).selection;
  for (const v of ["source-val", "iwcv", "dev", "entropy", "snd", "circular", "mixval", "cv-target"]) {
    const q = sel.validators[v];
    assert.ok(q, `${v} present`);
    assert.ok(q.spearman === null || (q.spearman >= -1 && q.spearman <= 1), `${v} spearman in [-1, 1]`);
    assert.ok(q.regret >= 0, `${v} regret ≥ 0`);
    assert.equal(typeof q.pick, "string");
  }
  assert.ok(sel.guard.accuracy >= 0 && sel.guard.accuracy <= 100);
  assert.ok(sel.guard.regret >= 0);
  assert.equal(sel.guard.picks.length, 2);
});

test("bad input: unknown validator or a grid for a method not asked → one line, exit 2, nothing written", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "tl-select-")), "out");
  const a = cli(["select", "--pair", "moons?n=60", "--validators", "snd,magic", "--out", dir]);
  assert.equal(a.status, 2);
  assert.equal(a.stderr.trim().split("\n").length, 1);
  assert.match(a.stderr, /unknown validator 'magic'/);
  const b = cli(["select", "--pair", "moons?n=60", "--methods", "coral", "--grid", "kmm.B=1,2", "--out", dir]);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /grid is given for 'kmm'/);
  assert.ok(!existsSync(dir));
});
