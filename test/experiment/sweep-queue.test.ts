// `transferlab sweep --queue` with `transferlab worker` processes on a real Redis (redis-server on a free
// loopback port, stopped by its pid). Checked against the local run of the same spec (independent: no queue):
//  - two workers finish a sweep; one is killed with SIGKILL while it holds a task, and that task completes on
//    the other (its journal record names the survivor) once the dead worker's lock expires;
//  - Redis killed and restarted empty mid-sweep: the sweep re-enqueues what was lost and completes;
//  - both sweeps' predictions equal the local run's bit for bit, and so do the tables.
// Data: a generator pair (named) and a CSV pair, which the workers fetch from Redis by content hash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveDomainPair } from "../../src/data/registry.js";
import { encodeCsv } from "../../src/data/io/write.js";
import { JOURNAL_FILE } from "../../src/experiment/sweep/journal.js";
import { tempDir } from "../tmp.js";
import { TestRedis, redisMissing } from "./redis.js";

const skip = redisMissing();

interface Rec { id: string; pred: string; by: string }
/** The journal's complete records. A sweep may be appending while the test polls, so a last line without its
 *  newline is not a record yet (the journal's own reader cuts it the same way). */
function journal(dir: string): Rec[] {
  if (!existsSync(join(dir, JOURNAL_FILE))) return [];
  const lines = readFileSync(join(dir, JOURNAL_FILE), "utf8").split("\n");
  lines.pop(); // "" after the last newline, or a line still being written
  return lines.filter(Boolean).map((l) => JSON.parse(l) as Rec);
}
const results = (dir: string) => JSON.stringify(JSON.parse(readFileSync(join(dir, "results.json"), "utf8")).results);

/** Waits for cond; fails when `alive` (a process that must keep running meanwhile) has exited. */
async function until(what: string, cond: () => boolean, alive?: ChildProcess, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (alive && alive.exitCode !== null) throw new Error(`the process ${alive.spawnargs.slice(2).join(" ")} exited (${alive.exitCode}) while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("two workers, one SIGKILLed mid-task, Redis restarted mid-sweep: both sweeps complete with the local run's numbers", { skip, timeout: 240_000 }, async (t) => {
  const dir = tempDir("tl-sweep-queue-", t);
  const g = await resolveDomainPair("covariate?n=200", { scaling: "none", seed: 3 });
  writeFileSync(join(dir, "src.csv"), encodeCsv(g.source, "y"));
  writeFileSync(join(dir, "tgt.csv"), encodeCsv(g.target, "y"));
  // Sweep b has a slow task (KMM on the whole source) so that Redis restarts while work is left.
  const spec = (name: string, firstSeed: number) => {
    const f = join(dir, name);
    writeFileSync(f, JSON.stringify({
      pairs: ["moons?angle=40&n=300", { source: "src.csv", target: "tgt.csv", label: "y" }],
      methods: [...(name === "b.json" ? ["kmm"] : ["oracle"]), { name: "self-training", grid: { threshold: [0.8, 0.9] } }],
      estimators: "svc", targetLabelsPerClass: 3, seeds: 2, firstSeed,
    }));
    return f;
  };
  const redis = await TestRedis.start(dir);
  const procs: ChildProcess[] = [];
  const logs: { args: string[]; err: () => string }[] = [];
  const cli = (args: string[]) => {
    const p = spawn(process.execPath, ["bin/transferlab.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    procs.push(p);
    let out = "", err = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (err += d));
    const exit = new Promise<number | null>((resolve) => p.on("exit", (code) => resolve(code)));
    logs.push({ args, err: () => err });
    return { p, exit, out: () => out, err: () => err };
  };
  const worker = (name: string) => cli(["worker", "--queue", redis.url, "--name", name, "--lock-duration", "1500", "--stalled-interval", "500", "--data-cache", join(dir, `cache-${name}`)]);
  try {
    // The truth: each spec run here, without a queue.
    for (const [name, seed] of [["a", 0], ["b", 10]] as const) {
      const local = cli(["sweep", spec(`${name}.json`, seed), "--out", join(dir, `local-${name}`), "--json"]);
      assert.equal(await local.exit, 0, local.err());
    }

    // Sweep a: two workers; A is killed as soon as it starts a task.
    const A = worker("A"), B = worker("B");
    const a = cli(["sweep", join(dir, "a.json"), "--out", join(dir, "queue-a"), "--queue", redis.url, "--json"]);
    let held = "";
    await until("worker A to start a task", () => {
      const m = /^([0-9a-f]{32}) start/m.exec(A.err());
      if (m) held = m[1]!;
      return held !== "";
    }, a.p);
    A.p.kill("SIGKILL");
    assert.equal(await a.exit, 0, a.err());
    const recsA = journal(join(dir, "queue-a"));
    assert.ok(!A.err().includes(`${held} done`), "A was killed before it finished the task");
    assert.equal(recsA.find((r) => r.id === held)?.by, "B", "the task A held completed on B");
    assert.match(B.err(), new RegExp(`^${held} done`, "m"));

    // Sweep b: B and a new worker C; Redis is killed (losing every job and result in it) after 3 tasks.
    const C = worker("C");
    const b = cli(["sweep", join(dir, "b.json"), "--out", join(dir, "queue-b"), "--queue", redis.url, "--json"]);
    await until("3 tasks of sweep b", () => journal(join(dir, "queue-b")).length >= 3, b.p);
    await redis.restart();
    const before = journal(join(dir, "queue-b")).length;
    assert.equal(await b.exit, 0, b.err());
    const sb = JSON.parse(b.out()) as { tasks: number; done: number; failed: number; duplicates: number };
    assert.ok(before < sb.tasks, "Redis was restarted before the sweep finished");
    assert.deepEqual([sb.done, sb.failed, sb.duplicates], [sb.tasks, 0, 0]);
    assert.ok(C.err().includes(" done"), "the new worker took part");

    // Every sweep's numbers equal the local run's, bit for bit.
    for (const name of ["a", "b"]) {
      const local = new Map(journal(join(dir, `local-${name}`)).map((r) => [r.id, r.pred]));
      const queued = journal(join(dir, `queue-${name}`));
      assert.equal(queued.length, local.size);
      for (const r of queued) assert.equal(r.pred, local.get(r.id), `sweep ${name}, task ${r.id}`);
      assert.equal(results(join(dir, `queue-${name}`)), results(join(dir, `local-${name}`)));
    }
  } catch (e) {
    // What each process said, to see why.
    for (const [k, p] of logs.entries()) process.stderr.write(`--- process ${k}: ${p.args.join(" ")}\n${p.err().slice(-3000)}\n`);
    throw e;
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    await redis.stop();
  }
});

test("a fit on a queue worker reports its own progress back to the sweep (job progress through Redis)", { skip, timeout: 120_000 }, async (t) => {
  const { runSweep } = await import("../../src/experiment/sweep/run.js");
  const { QueueExecutor } = await import("../../src/experiment/sweep/queue.js");
  const { checkSweepSpec } = await import("../../src/experiment/sweep/spec.js");
  const dir = tempDir("tl-sweep-progress-", t);
  const redis = await TestRedis.start(dir);
  const w = spawn(process.execPath, ["bin/transferlab.js", "worker", "--queue", redis.url, "--name", "W", "--data-cache", join(dir, "cache")], { stdio: ["ignore", "ignore", "pipe"] });
  let werr = "";
  w.stderr!.on("data", (d) => (werr += d));
  const q = new QueueExecutor(redis.url);
  try {
    await until("the worker to be ready", () => werr.includes("ready"), w);
    const messages: string[] = [];
    const out = join(dir, "sweep");
    const summary = await runSweep(checkSweepSpec({ pairs: ["moons?angle=40&n=600"], methods: ["kmm"], estimators: "logreg", targetLabelsPerClass: 3, seeds: 1 }),
      { out, executor: q, fitProgress: (f, m) => { if (m) messages.push(m); } });
    assert.equal(summary.failed, 0);
    assert.ok(journal(out).every((r) => r.by === "W"), "every task ran on the worker");
    // KMM says what it solves before its first iteration (and the throttle always passes the first report).
    assert.ok(messages.some((m) => /^kmm: KMM: /.test(m)), `no KMM progress reached the sweep: ${JSON.stringify(messages.slice(0, 5))}`);
  } catch (e) {
    process.stderr.write(`--- worker:\n${werr.slice(-3000)}\n`);
    throw e;
  } finally {
    await q.close();
    w.kill("SIGKILL");
    await redis.stop();
  }
});
