// Results writers: atomic (no temp file left, old content replaced whole) and readable by an independent parser;
// run folders: the swap's crash window recovered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import Papa from "papaparse";
import { openRunFolder, recoverRunFolder, RUN_MARKER, writeCsvAtomic, writeJsonAtomic } from "../../src/core/atomic.js";
import { TransferLabError } from "../../src/core/errors.js";
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

test("run folders: a run killed between the swap's two renames is recovered by the next run with nothing lost (roll forward)", async (t) => {
  const dir = tempDir("tl-swap-", t);
  const target = join(dir, "out");
  const first = openRunFolder(target);
  writeFileSync(join(first.dir, "a.txt"), "first");
  first.commit();
  // The child commits a second run and is killed right after moving the first aside.
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "swap-crash-child.ts"), target], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const [, signal] = (await once(child, "exit")) as [number | null, string | null];
  assert.equal(signal, "SIGKILL", output);
  // The window's state on disk: no folder at the target, the previous one aside, the finished one beside it.
  assert.equal(existsSync(target), false);
  assert.deepEqual(readdirSync(dir).sort(), [`.out.lock`, `.out.old-${child.pid}`, `.out.run-${child.pid}`].sort());
  // The next run on the target finds the killed run's output whole, and no leftovers.
  const next = openRunFolder(target);
  assert.equal(readFileSync(join(target, "a.txt"), "utf8"), "second");
  assert.equal(readFileSync(join(target, "b.txt"), "utf8"), "second");
  assert.ok(JSON.parse(readFileSync(join(target, RUN_MARKER), "utf8")).finished, "the folder rolled forward is the finished run");
  assert.deepEqual(readdirSync(dir).filter((f) => /\.(run|old)-/.test(f)), [`.out.run-${process.pid}`]);
  next.release();
  assert.deepEqual(readdirSync(dir), ["out"]);
  assert.deepEqual(readdirSync(target).sort(), [RUN_MARKER, "a.txt", "b.txt"].sort());
});

test("run folders: an unfinished run of a dead process is removed and the previous folder put back when it was left aside", (t) => {
  const dir = tempDir("tl-swap-", t);
  const target = join(dir, "out");
  // A dead run's state, made by hand: the previous folder aside (as after the first rename), the new one unfinished.
  const deadPid = 2 ** 22 + 12345; // above Linux's largest possible pid (2^22, PID_MAX_LIMIT): never a live process
  mkdirSync(join(dir, `.out.old-${deadPid}`));
  writeFileSync(join(dir, `.out.old-${deadPid}`, "a.txt"), "previous");
  mkdirSync(join(dir, `.out.run-${deadPid}`));
  writeFileSync(join(dir, `.out.run-${deadPid}`, RUN_MARKER), JSON.stringify({ pid: deadPid, started: "x" }));
  recoverRunFolder(target);
  assert.deepEqual(readdirSync(dir), ["out"]);
  assert.equal(readFileSync(join(target, "a.txt"), "utf8"), "previous");
});

test("run folders: leftovers and a stale lock carrying this process's own pid (a restarted container's pid 1) are a dead run's, not ours", (t) => {
  const dir = tempDir("tl-swap-", t);
  const target = join(dir, "out");
  // What a killed earlier process with our pid left between its two renames, and its lock (an older release's
  // lock held only the pid): before, recovery skipped "our own" leftovers, removed the finished folder as if it
  // were this run's, and every later commit failed on the old folder left in the way; the lock refused forever.
  const me = process.pid;
  mkdirSync(join(dir, `.out.old-${me}`));
  writeFileSync(join(dir, `.out.old-${me}`, "a.txt"), "previous");
  mkdirSync(join(dir, `.out.run-${me}`));
  writeFileSync(join(dir, `.out.run-${me}`, "a.txt"), "finished");
  writeFileSync(join(dir, `.out.run-${me}`, RUN_MARKER), JSON.stringify({ pid: me, started: "2026-01-01T00:00:00Z", finished: "2026-01-01T00:01:00Z" }));
  writeFileSync(join(dir, ".out.lock"), String(me));
  const run = openRunFolder(target);
  assert.equal(readFileSync(join(target, "a.txt"), "utf8"), "finished", "the dead run's finished output was rolled forward");
  writeFileSync(join(run.dir, "a.txt"), "new");
  run.commit();
  assert.deepEqual(readdirSync(dir), ["out"]);
  assert.equal(readFileSync(join(target, "a.txt"), "utf8"), "new");
  // A second run in this same process while the first holds the lock is still refused.
  const held = openRunFolder(target);
  assert.throws(() => openRunFolder(target), (e: TransferLabError) => e.code === "LOCKED");
  held.release();
});

test("run folders: a run killed after marking itself finished but before its first rename is rolled forward too", (t) => {
  const dir = tempDir("tl-swap-", t);
  const target = join(dir, "out");
  const first = openRunFolder(target);
  writeFileSync(join(first.dir, "a.txt"), "first");
  first.commit();
  const deadPid = 2 ** 22 + 777; // above PID_MAX_LIMIT: never a live process
  mkdirSync(join(dir, `.out.run-${deadPid}`));
  writeFileSync(join(dir, `.out.run-${deadPid}`, "a.txt"), "second");
  writeFileSync(join(dir, `.out.run-${deadPid}`, RUN_MARKER), JSON.stringify({ pid: deadPid, started: "x", finished: "y" }));
  recoverRunFolder(target);
  assert.deepEqual(readdirSync(dir), ["out"]);
  assert.equal(readFileSync(join(target, "a.txt"), "utf8"), "second");
});
