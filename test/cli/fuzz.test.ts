// A fast-check fuzz suite over the command line, run in-process: random malformed files (bad bytes, ragged rows,
// NaN/Inf, huge numbers, quotes, empty files) and random option strings. The property: every run either refuses
// with a typed error (exit 2, one line "transferlab: error [CODE]: …") or succeeds with a correct result — never an
// internal error, a stack, NaN in the output, or exit 0 with a wrong result. "Correct" is checked against an
// independent reading of the same file (a tiny reference CSV reader below, not the library's).
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { cli } from "./run.js";
import { tempDir } from "../tmp.js";
import { file, referenceRead, sane } from "./fuzz-kit.js";

const dir = tempDir("tl-cli-fuzz-");
let n = 0;
const counts = { runs: 0, ok: 0, refused: 0 };
process.on("exit", () => {
  if (counts.runs > 0) process.stdout.write(`# cli fuzz: ${counts.runs} runs, ${counts.ok} correct results, ${counts.refused} typed refusals\n`);
});

test("fuzz: datasets show on random malformed files is a typed refusal or the file's true rows and classes", async () => {
  await fc.assert(fc.asyncProperty(file, async (bytes) => {
    const f = join(dir, `f${n++}.csv`);
    writeFileSync(f, bytes);
    const r = await cli("datasets", "show", f, "--json", "--label", "label");
    const outcome = sane(r, `datasets show of ${JSON.stringify(bytes.toString("latin1"))}`);
    counts.runs++;
    counts[outcome]++;
    const ref = referenceRead(bytes);
    if (outcome === "ok") {
      // A file our plain reader reads must come back with exactly its rows and classes; any other accepted file
      // must be one the plain reader declines only for what the library legitimately handles (quotes, blank labels).
      const doc = JSON.parse(r.stdout) as { summary: { rows: number; classCounts: Record<string, number> } };
      if (ref) {
        assert.equal(doc.summary.rows, ref.rows);
        assert.deepEqual(doc.summary.classCounts, ref.classes);
      }
    } else if (ref) {
      assert.fail(`a well-formed file was refused: ${r.stderr}`);
    }
  }), { numRuns: 150, seed: 1313 });
});

test("fuzz: evaluate on two random files is a typed refusal or a finite result over the files' rows", async () => {
  await fc.assert(fc.asyncProperty(file, file, async (a, b) => {
    const s = join(dir, `s${n}.csv`);
    const t = join(dir, `t${n++}.csv`);
    writeFileSync(s, a);
    writeFileSync(t, b);
    const r = await cli("evaluate", "--source", s, "--target", t, "--seeds", "2", "--jobs", "1", "--json", "--target-labels-per-class", "1", "--label", "label");
    const outcome = sane(r, "evaluate on random files");
    counts.runs++;
    counts[outcome]++;
    if (outcome === "ok") {
      const doc = JSON.parse(r.stdout) as { source: { rows: number }; target: { rows: number }; methods: Array<{ accuracy: { perSeed: number[] } }> };
      const rs = referenceRead(a);
      const rt = referenceRead(b);
      if (rs) assert.equal(doc.source.rows, rs.rows);
      if (rt) assert.equal(doc.target.rows, rt.rows);
      for (const m of doc.methods) for (const v of m.accuracy.perSeed) assert.ok(v >= 0 && v <= 100);
    }
  }), { numRuns: 60, seed: 1314 });
});

// ---- random option strings ------------------------------------------------------------------------------------------
const FLAGS = ["--seeds", "--first-seed", "--jobs", "--scale", "--scaling", "--methods", "--estimator", "--param", "--protocol", "--target-labels-per-class",
  "--memory-budget", "--margin", "--pair", "--label", "--features", "--missing", "--missing-token", "--encoding", "--domain-column", "--validators", "--grid", "--rule", "--bogus"];
const value = fc.oneof(
  fc.constantFrom("0", "1", "2", "-1", "1e20", "0x10", "1.5", "4294967296", "NaN", "Infinity", "", " ", "__proto__", "constructor", "coral", "kmm,coral", "all",
    "svc", "knn", "none", "auto", "pixel", "standard", "2GB", "0B", "1TB", "coral.lambda=1", "coral.__proto__=1", "kmm.B=1e300", "coral.lambda=1,2", "moons?n=40",
    "moons?bogus=1", "utf-8", "latin1", "drop", "mean", "x1", "9"),
  fc.string({ maxLength: 8 }),
);
const argv = fc.array(fc.tuple(fc.constantFrom(...FLAGS), value), { maxLength: 4 }).map((pairs) => pairs.flatMap(([f, v]) => [f, v]));

test("fuzz: random evaluate option strings are a typed refusal (commander's usage errors included) or a finite result", async () => {
  await fc.assert(fc.asyncProperty(argv, async (args) => {
    const base = args.includes("--pair") ? [] : ["--pair", "moons?n=40"];
    const r = await cli("evaluate", ...base, "--jobs", "1", "--seeds", "2", ...args, "--json");
    counts.runs++;
    if (r.code !== 0 && !/^transferlab: error/m.test(r.stderr)) {
      // commander's own usage errors (unknown option, missing value): one "error:" line plus the help hint, exit 1.
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^error: /);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      counts.refused++;
      return;
    }
    counts[sane(r, `evaluate ${args.join(" ")}`)]++;
    if (r.code === 0) {
      const doc = JSON.parse(r.stdout) as { seeds: number[] };
      const s = args.lastIndexOf("--seeds");
      if (s >= 0) assert.equal(doc.seeds.length, Number(args[s + 1]), "the seeds asked for are the seeds run");
      assert.equal(new Set(doc.seeds).size, doc.seeds.length, "distinct seeds");
    }
  }), { numRuns: 120, seed: 1315 });
});
