// The sweep's journal and local runner, checked against independent truth:
//  - every table equals `evaluate` run directly on the same pair and options (its own plan, pool and scoring);
//  - --jobs 2 gives bit-identical predictions to --jobs 1;
//  - the CLI killed with SIGKILL at random moments (12 times), then rerun: every task is in the journal exactly
//    once and the results equal an uninterrupted run's; a torn last line (a crash mid-write) is ignored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Journal, JOURNAL_FILE } from "../../src/experiment/sweep/journal.js";
import { checkSweepSpec } from "../../src/experiment/sweep/spec.js";
import { runSweep } from "../../src/experiment/sweep/run.js";
import { evaluate } from "../../src/experiment/evaluate.js";
import { resolveDomainPair } from "../../src/data/registry.js";
import { Rng } from "../../src/core/rng.js";
import { tempDir } from "../tmp.js";

const raw = {
  pairs: ["moons?angle=40&n=90", { pair: "covariate?n=90", seed: 2 }],
  methods: ["coral", { name: "self-training", params: { rounds: 2 }, grid: { threshold: [0.8, 0.95] } }, "oracle"],
  estimators: "knn", targetLabelsPerClass: [2, 4], seeds: 4,
};

const records = (dir: string) => readFileSync(join(dir, JOURNAL_FILE), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string; pred: string });
/** Results without timings (seconds differ between runs). */
const numbers = (dir: string) => JSON.stringify(JSON.parse(readFileSync(join(dir, "results.json"), "utf8")).results);

test("each table equals evaluate run directly; jobs 2 gives the same predictions bit for bit", async (t) => {
  const spec = checkSweepSpec(raw);
  const one = tempDir("tl-sweep-1-", t), two = tempDir("tl-sweep-2-", t);
  const s1 = await runSweep(spec, { out: one, jobs: 1 });
  // Per pair and K: source-only and coral are seed-invariant (one task each), target-only and the two
  // self-training variants run per seed (4 each), the oracle two folds per seed; the baselines the four
  // evaluations share run once.
  assert.equal(s1.tasks, 2 * 2 * (1 + 1 + 4 + 4 * 2 + 4 * 2));
  assert.deepEqual([s1.done, s1.skipped, s1.failed, s1.duplicates], [s1.tasks, 0, 0, 0]);
  await runSweep(spec, { out: two, jobs: 2 });
  const preds = (dir: string) => new Map(records(dir).map((r) => [r.id, r.pred]));
  assert.deepEqual(preds(two), preds(one));
  assert.equal(numbers(two), numbers(one));

  for (const table of s1.results) {
    const entry = raw.pairs.find((p) => table.pair.startsWith(typeof p === "string" ? "moons" : "covariate"))!;
    const pair = typeof entry === "string" ? await resolveDomainPair(entry, { scaling: "none" }) : await resolveDomainPair(entry.pair, { scaling: "none", seed: entry.seed });
    const common = { estimator: "knn" as const, targetLabelsPerClass: table.targetLabelsPerClass, seeds: 4, scale: "none" as const, protocol: "transductive" as const };
    for (const [label, method, params] of [["coral", "coral", {}], ["self-training[threshold=0.8]", "self-training", { rounds: 2, threshold: 0.8 }], ["self-training[threshold=0.95]", "self-training", { rounds: 2, threshold: 0.95 }], ["oracle", "oracle", {}]] as const) {
      const direct = await evaluate(pair, { ...common, methods: [method], methodParams: { [method]: params } });
      for (const name of ["source-only", "target-only"]) {
        assert.deepEqual(table.methods.find((m) => m.name === name)!.perSeed, direct.methods.find((m) => m.name === name)!.accuracy!.perSeed);
      }
      assert.deepEqual(table.methods.find((m) => m.name === label)!.perSeed, direct.methods.find((m) => m.name === method)!.accuracy!.perSeed, `${table.pair} K=${table.targetLabelsPerClass} ${label}`);
    }
  }
  // A rerun runs nothing and gives the same results.
  const again = await runSweep(spec, { out: one, jobs: 1 });
  assert.deepEqual([again.done, again.skipped, again.duplicates], [0, s1.tasks, 0]);
  assert.equal(numbers(one), JSON.stringify(again.results));
});

test("journal: a torn last line is cut off and ignored, a recorded id is never appended twice", (t) => {
  const dir = tempDir("tl-journal-", t);
  const j = Journal.open(dir);
  const out = (k: number) => ({ pred: Int32Array.from([k, -k, 2 ** 31 - 1]), notes: [`n${k}`], converged: k !== 2, seconds: k / 10 });
  assert.equal(j.append("a", out(1)), true);
  assert.equal(j.append("b", out(2)), true);
  assert.equal(j.append("a", out(3)), false);
  assert.throws(() => Journal.open(dir), /another run \(pid \d+\) is writing this sweep's journal/);
  j.close();
  const full = readFileSync(join(dir, JOURNAL_FILE), "utf8");
  // A crash in the middle of writing a third record leaves a prefix of it.
  appendFileSync(join(dir, JOURNAL_FILE), JSON.stringify({ id: "c", pred: "AAAA", notes: [], seconds: 0, by: "local" }).slice(0, 25));
  // A lock left by a process that no longer exists is taken over.
  writeFileSync(join(dir, "journal.lock"), "999999999");
  const k = Journal.open(dir);
  assert.equal(readFileSync(join(dir, JOURNAL_FILE), "utf8"), full, "the torn record is cut off");
  assert.equal(k.tornBytes, 25);
  assert.deepEqual([...k.done.keys()], ["a", "b"]);
  assert.deepEqual(k.done.get("a"), out(1));
  assert.equal(k.append("c", out(4)), true);
  k.close();
  // Duplicates in a journal edited by hand are counted, not used twice.
  appendFileSync(join(dir, JOURNAL_FILE), `${readFileSync(join(dir, JOURNAL_FILE), "utf8").split("\n")[0]}\n`);
  const d = Journal.open(dir);
  assert.equal(d.duplicates, 1);
  assert.deepEqual([...d.done.keys()], ["a", "b", "c"]);
  d.close();
});

test("SIGKILL at random moments (12 times), rerun each time: every task done exactly once, results equal an uninterrupted run", async (t) => {
  const dir = tempDir("tl-sweep-kill-", t);
  const specFile = join(dir, "spec.json");
  writeFileSync(specFile, JSON.stringify(raw));
  const cli = (out: string) => [process.execPath, ["bin/transferlab.js", "sweep", specFile, "--out", out, "--json"]] as const;
  const reference = join(dir, "reference");
  const ref = spawnSync(...cli(reference), { encoding: "utf8" });
  assert.equal(ref.status, 0, ref.stderr);
  const total = (JSON.parse(ref.stdout) as { tasks: number }).tasks;

  const out = join(dir, "killed");
  const lines = () => (existsSync(join(out, JOURNAL_FILE)) ? readFileSync(join(out, JOURNAL_FILE), "utf8").split("\n").length - 1 : 0);
  const rng = new Rng(17);
  let kills = 0;
  for (let round = 0; kills < 12 && round < 30 && lines() < total; round++) {
    const before = lines();
    const child = spawn(...cli(out), { stdio: "ignore" });
    let finished = false;
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve((finished = true, undefined))));
    // The moment: after 0–3 new records (so the kill lands among the appends and fits), and with none, at a
    // random time during startup, loading and planning.
    const wantLines = before + rng.int(4);
    const deadline = wantLines === before ? Date.now() + rng.uniform() * 400 : Infinity;
    while (!finished && Date.now() < deadline && (wantLines === before || lines() < wantLines)) await new Promise((r) => setTimeout(r, 1));
    if (!finished && child.kill("SIGKILL")) kills++;
    await exited;
    if (round === 5) appendFileSync(join(out, JOURNAL_FILE), '{"id":"torn","pred":"AA'); // as a power cut mid-write would
  }
  assert.ok(kills >= 10, `killed ${kills} times`);
  const last = spawnSync(...cli(out), { encoding: "utf8" });
  assert.equal(last.status, 0, last.stderr);
  const summary = JSON.parse(last.stdout) as { tasks: number; done: number; skipped: number; duplicates: number };
  assert.equal(summary.tasks, total);
  assert.equal(summary.done + summary.skipped, total);
  assert.equal(summary.duplicates, 0);
  const recs = records(out);
  assert.equal(recs.length, total, "each task recorded once");
  assert.equal(new Set(recs.map((r) => r.id)).size, total);
  assert.ok(statSync(join(out, JOURNAL_FILE)).size > 0);
  const refPreds = new Map(records(reference).map((r) => [r.id, r.pred]));
  for (const r of recs) assert.equal(r.pred, refPreds.get(r.id), `task ${r.id}`);
  assert.equal(numbers(out), numbers(reference));
  // evaluate's page for each table (2 pairs × 2 K), each with its results.json.
  const pages = readdirSync(join(out, "tables"));
  assert.equal(pages.length, 4);
  for (const p of pages) assert.match(readFileSync(join(out, "tables", p, "report.html"), "utf8"), /<html/i);
});
