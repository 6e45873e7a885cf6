// One progress style: the library's one callback (core/progress.ts) names what runs now, and the CLI renders it as
// plain lines when stderr is not a terminal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fitTracker } from "../../src/core/progress.js";
import { progressView } from "../../src/cli/progress.js";
import { cli } from "./run.js";

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
