// One progress style: the library's one callback (core/progress.ts) names what runs now, and the CLI renders it as
// plain lines when stderr is not a terminal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fitTracker, throttleFitProgress } from "../../src/core/progress.js";
import { progressView } from "../../src/cli/progress.js";
import { evaluate, resolveDomainPair } from "../../src/index.js";
import { cli } from "./run.js";
import { tempDir } from "../tmp.js";

test("fitTracker reports the fits running now, several at once, and counts finished ones in any order", () => {
  const calls: Array<[number, number, string]> = [];
  const t = fitTracker(3, (k) => `seed ${k + 1}/3 kmm`, (d, n, now) => calls.push([d, n, now]));
  t.start(0);
  t.start(1);
  t.finish(1);
  t.start(2);
  t.finish(0);
  t.finish(2);
  assert.deepEqual(calls, [
    [0, 3, "seed 1/3 kmm"], [0, 3, "seed 1/3 kmm, seed 2/3 kmm"], [1, 3, "seed 1/3 kmm"], [1, 3, "seed 1/3 kmm, seed 3/3 kmm"], [2, 3, "seed 3/3 kmm"], [3, 3, "done"],
  ]);
});

test("plain lines off a terminal: the first at once, then at most one per interval; each names what runs", async () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  const v = await progressView("evaluate", stream);
  v.update(0, 4, "seed 1/2 coral");
  v.update(1, 4, "seed 2/2 coral");
  v.stage("report.html");
  assert.deepEqual(lines, ["evaluate: 0% seed 1/2 coral\n", "evaluate: report.html\n"]);
});

test("evaluate names the fit that runs (not the last finished one) on stderr; --json is silent", async () => {
  const r = await cli("evaluate", "--pair", "moons?n=60", "--seeds", "2", "--jobs", "1", "--methods", "coral");
  assert.equal(r.code, 0, r.stderr);
  // Seed-invariant fits run first (once for all seeds), then one fit per seed.
  assert.match(r.stderr.split("\n")[0]!, /^evaluate: 0% (source-only|coral) \(all seeds\)$/);
  const j = await cli("evaluate", "--pair", "moons?n=60", "--seeds", "2", "--jobs", "1", "--methods", "coral", "--json");
  assert.equal(j.stderr, "");
});

test("a fit's own progress shows after what runs now, until the next update; a lone fit's fraction is the whole progress", async () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  const v = await progressView("evaluate", stream, { intervalMs: 0 });
  v.update(0, 4, "seed 1/2 kmm");
  v.fit(0.05, "kmm: KMM: QP iteration 50/1000");
  v.update(1, 4, "seed 2/2 kmm");
  assert.deepEqual(lines, ["evaluate: 0% seed 1/2 kmm\n", "evaluate: 0% seed 1/2 kmm · kmm: KMM: QP iteration 50/1000 (5%)\n", "evaluate: 25% seed 2/2 kmm\n"]);
  const one: string[] = [];
  const f = await progressView("fit", { isTTY: false, write: (s: string) => one.push(s) } as unknown as NodeJS.WriteStream, { intervalMs: 0 });
  f.fit(0.5, "Sinkhorn iteration 10/20");
  assert.deepEqual(one, ["fit: 50% Sinkhorn iteration 10/20\n"]);
});

test("on a terminal the bar (cli-progress) shows the running fit's message", async () => {
  let drawn = "";
  const tty = { isTTY: true, columns: 200, write: (s: string) => ((drawn += s), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => tty, removeListener: () => tty } as unknown as NodeJS.WriteStream;
  const v = await progressView("evaluate", tty);
  v.update(0, 2, "seed 1/1 kmm");
  v.fit(0.5, "kmm: KMM: QP iteration 500/1000");
  v.stop();
  assert.match(drawn, /seed 1\/1 kmm · kmm: KMM: QP iteration 500\/1000 \(50%\)/);
});

test("throttleFitProgress passes the first and the last report, and drops a burst in between", () => {
  const got: number[] = [];
  const t = throttleFitProgress((f) => got.push(f), 60_000);
  for (let k = 0; k <= 10; k++) t(k / 10);
  assert.deepEqual(got, [0, 1]);
});

test("--jobs 2: a fit's progress on a worker thread reaches the parent (evaluate's fitProgress)", async () => {
  const pair = await resolveDomainPair("moons?n=80");
  const messages: string[] = [];
  await evaluate(pair, { methods: ["kmm", "self-training"], seeds: 2, jobs: 2, targetLabelsPerClass: 2, fitProgress: (f, m) => {
    assert.ok(f >= 0 && f <= 1, `fraction ${f}`);
    messages.push(m ?? "");
  } });
  // Both methods report from their fits, each on a worker thread (jobs 2), prefixed with the method's name.
  assert.ok(messages.some((m) => /^kmm: KMM: solving the (exact|Nyström) QP on \d+ source points$/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /^self-training: self-training: round \d+\/\d+/.test(m)), messages.join("\n"));
});

test("transferlab fit shows the method's own progress on stderr", async () => {
  const dir = tempDir("tl-cli-progress-");
  const rows = (shift: number) => ["x1,x2,label", ...Array.from({ length: 40 }, (_, i) => `${(i % 7) + shift},${(i % 5) - shift},${i % 2 ? "a" : "b"}`)].join("\n");
  writeFileSync(join(dir, "s.csv"), rows(0));
  writeFileSync(join(dir, "t.csv"), rows(0.5));
  const r = await cli("fit", "--source", join(dir, "s.csv"), "--target", join(dir, "t.csv"), "--method", "kmm", "--out", join(dir, "m.tlm"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr.split("\n")[0]!, /^fit: 0% KMM: solving the (exact|Nyström) QP on 40 source points$/);
});

test("curve reports progress over its whole grid (K named), in the CLI's one style", async () => {
  const { labelCurve } = await import("../../src/experiment/index.js");
  const pair = await resolveDomainPair("moons?n=80");
  const calls: Array<[number, number, string]> = [];
  await labelCurve(pair, { grid: [1, 3], seeds: 2, estimator: "knn", methods: [], progress: (d, t, now) => calls.push([d, t, now]) });
  assert.ok(calls.every(([, t]) => t === 2), "the total is the grid's size");
  assert.ok(calls.every(([d], i) => i === 0 || d >= calls[i - 1]![0]), "done never goes back");
  assert.deepEqual(calls.at(-1)!.slice(0, 2), [2, 2]);
  assert.ok(calls.some(([, , now]) => now.startsWith("K=1: ")) && calls.some(([, , now]) => now.startsWith("K=3: ")));
  const r = await cli("curve", "--pair", "moons?n=80", "--target-labels-per-class", "1,3", "--seeds", "2", "--estimator", "knn");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr.split("\n")[0]!, /^curve: 0% K=1: /);
});
