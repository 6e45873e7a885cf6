// Issue 13's command-line examples, each as a regression test: the run either refuses with one typed line (exit 2,
// "transferlab: error [CODE]: …", naming the flag/file/row/column) or gives the right result — never a silent
// wrong one. Runs the CLI in-process (test/cli/run.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, type CliRun } from "./run.js";
import { tempDir } from "../tmp.js";
import { loadOptdigits } from "../../src/data/index.js";
import { openRunFolder, RUN_MARKER } from "../../src/core/atomic.js";

const dir = tempDir("tl-cli-13-");

/** One line on stderr, "transferlab: error [code]: …", exit code 2. */
function refused(r: CliRun, code: string, ...patterns: RegExp[]): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`^transferlab: error \\[${code}\\]: `));
  for (const p of patterns) assert.match(lines[0]!, p);
  assert.equal(r.stdout, "");
}

const quick = ["--seeds", "2", "--jobs", "1", "--json"];

test("seeds are decimal integers in [0, 2^32): 1e20, 0x10, 1.5, -1, 2^32 and a last seed past 2^32 are refused", async () => {
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--first-seed", "1e20"), "INVALID_PARAMETER", /'--first-seed'/, /1e20/);
  refused(await cli("evaluate", "--pair", "moons?n=60", "--seeds", "0x10", "--jobs", "1"), "INVALID_PARAMETER", /'--seeds'/, /0x10/);
  refused(await cli("evaluate", "--pair", "moons?n=60", "--seeds", "1e9", "--jobs", "1"), "INVALID_PARAMETER", /'--seeds'/);
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--first-seed", "1.5"), "INVALID_PARAMETER", /'--first-seed'/);
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--first-seed", "-1"), "INVALID_PARAMETER", /'--first-seed'/);
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--first-seed", String(2 ** 32)), "INVALID_PARAMETER", /'--first-seed'/);
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--first-seed", String(2 ** 32 - 1)), "INVALID_PARAMETER", /'--seeds'/, /2\^32/);
  refused(await cli("demo", "--seed", "1e20", "--out", join(dir, "never")), "INVALID_PARAMETER", /'--seed'/);
  assert.equal(existsSync(join(dir, "never")), false, "nothing is written for a refused command line");
});

test("distinct seeds give distinct splits: --first-seed 4294967290 --seeds 2 runs seeds …290 and …291", async () => {
  const r = await cli("evaluate", "--pair", "moons?n=60", ...quick, "--first-seed", "4294967290");
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { seeds: number[]; methods: Array<{ name: string; perSeed?: number[]; accuracy?: unknown }> };
  assert.deepEqual(doc.seeds, [4294967290, 4294967291]);
});

test("no prototype keys: --estimator __proto__, --param kmm.__proto__=1, --grid coral.constructor=1, a generator named constructor", async () => {
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--estimator", "__proto__"), "INVALID_PARAMETER", /'--estimator'/);
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--methods", "kmm", "--param", "kmm.__proto__=1"), "INVALID_PARAMETER", /'--param'/, /__proto__/);
  refused(await cli("select", "--pair", "moons?n=60", "--methods", "coral", "--grid", "coral.constructor=1,2"), "INVALID_PARAMETER", /'--grid'/);
  refused(await cli("evaluate", "--pair", "constructor", ...quick), "INVALID_PARAMETER", /unknown dataset "constructor"/);
  refused(await cli("evaluate", "--pair", "moons?__proto__=1", ...quick), "INVALID_PARAMETER", /__proto__/);
});

test("no ignored combinations: --pair with --source/--target, file flags without a file, --grid without --validators", async () => {
  refused(await cli("evaluate", "--pair", "moons?n=60", "--source", "a.csv", ...quick), "INVALID_PARAMETER", /--pair cannot be combined with --source/);
  refused(await cli("evaluate", "--pair", "moons?n=60", "--target", "optdigits", ...quick), "INVALID_PARAMETER", /--target/);
  refused(await cli("evaluate", "--pair", "moons?n=60", "--label", "y", ...quick), "INVALID_PARAMETER", /--label applies to files/);
  refused(await cli("assess", "--source", "mnist", "--target", "optdigits", "--missing", "drop"), "INVALID_PARAMETER", /--missing applies to files/);
  refused(await cli("evaluate", "--pair", "moons?n=60", "--grid", "coral.lambda=1,2", ...quick), "INVALID_PARAMETER", /--grid needs --validators/);
  refused(await cli("evaluate", "--pair", "moons?n=60", "--scaling", "none", "--scale", "standard", ...quick), "INVALID_PARAMETER", /--scaling is the old name of --scale/);
});

test("generator specs are checked: moons?bogus=3 names the key; a repeated key and a non-number are errors", async () => {
  refused(await cli("evaluate", "--pair", "moons?bogus=3", ...quick), "INVALID_PARAMETER", /'bogus'/, /generator 'moons' has no parameter 'bogus'/);
  refused(await cli("evaluate", "--pair", "moons?n=60&n=80", ...quick), "INVALID_PARAMETER", /given twice/);
  refused(await cli("evaluate", "--pair", "moons?n=0x40", ...quick), "INVALID_PARAMETER", /'n'/);
});

test("--param ot-linear.reg=1e300 is a typed error, not a TypeError inside ml-matrix", async () => {
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--methods", "ot-linear", "--param", "ot-linear.reg=1e300"), "NON_FINITE");
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--methods", "coral", "--param", "coral.lambda=1e999"), "INVALID_PARAMETER", /not a finite number/);
});

test("--seeds 1 says 'no test' instead of a p-value", async () => {
  const r = await cli("evaluate", "--pair", "moons?n=80", "--seeds", "1", "--jobs", "1", "--methods", "coral");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /no test/);
  assert.doesNotMatch(r.stdout, /p=1\.000/);
});

test("labels in invalid UTF-8 (caf\\xe9, caf\\xe8) are a typed error naming file, row and column; --encoding latin1 keeps them apart", async () => {
  const rows = (n: number, k: number) => Array.from({ length: n }, (_, i) => Buffer.concat([Buffer.from(`${(i % 2) + 0.1 * k},${i % 3},caf`), Buffer.from([i % 2 ? 0xe9 : 0xe8]), Buffer.from("\n")]));
  const s = join(dir, "latin-s.csv");
  const t = join(dir, "latin-t.csv");
  writeFileSync(s, Buffer.concat([Buffer.from("x1,x2,label\n"), ...rows(40, 0)]));
  writeFileSync(t, Buffer.concat([Buffer.from("x1,x2,label\n"), ...rows(40, 1)]));
  refused(await cli("evaluate", "--source", s, "--target", t, ...quick), "DATA_FORMAT", /latin-s\.csv, row 2, column "label"/, /not valid UTF-8/);
  const r = await cli("evaluate", "--source", s, "--target", t, ...quick, "--encoding", "latin1", "--target-labels-per-class", "3");
  assert.equal(r.code, 0, r.stderr);
  const shown = await cli("datasets", "show", s, "--encoding", "latin1", "--json");
  assert.deepEqual((JSON.parse(shown.stdout) as { summary: { classCounts: Record<string, number> } }).summary.classCounts, { "café": 20, "cafè": 20 });
  refused(await cli("evaluate", "--source", s, "--target", t, ...quick, "--encoding", "utf-16"), "INVALID_PARAMETER", /'--encoding'/);
});

test("dataset names: assess --source moons says moons is a generator (not 'unknown … moons …'); an existing d/s2.csv beside a dataset name is read as a file", async () => {
  const r = await cli("assess", "--source", "moons", "--target", "optdigits");
  refused(r, "INVALID_PARAMETER", /"moons" is a generator/, /--pair moons/);
  assert.doesNotMatch(r.stderr, /unknown dataset/);
  // A file of optdigits-like rows (64 pixel columns + label) next to the bundled optdigits.
  const digits = await loadOptdigits();
  const d = join(dir, "d");
  mkdirSync(d, { recursive: true });
  const lines = [`${Array.from({ length: 64 }, (_, j) => `p${j}`).join(",")},label`];
  for (let i = 0; i < 300; i++) lines.push(`${Array.from(digits.X.data.subarray(i * 64, (i + 1) * 64)).join(",")},${digits.classNames![digits.y[i]!]}`);
  writeFileSync(join(d, "s2.csv"), `${lines.join("\n")}\n`);
  const e = await cli("evaluate", "--source", join(d, "s2.csv"), "--target", "optdigits", "--seeds", "1", "--jobs", "1", "--json", "--target-labels-per-class", "2");
  assert.equal(e.code, 0, e.stderr);
  const doc = JSON.parse(e.stdout) as { source: { rows: number }; target: { rows: number } };
  assert.equal(doc.source.rows, 300);
  assert.equal(doc.target.rows, 1797);
});

test("output paths are checked before any work: --out at a file, under a file, in a folder that cannot be written", async () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  // The data do not exist: an output error first shows the path was checked before loading anything.
  const missing = ["--source", join(dir, "nope-s.csv"), "--target", join(dir, "nope-t.csv"), "--seeds", "2", "--jobs", "1"];
  refused(await cli("evaluate", ...missing, "--out", file), "OUTPUT_UNWRITABLE", /is a file, not a folder/);
  refused(await cli("evaluate", ...missing, "--out", join(file, "sub")), "OUTPUT_UNWRITABLE", /a part of the path is a file/);
  refused(await cli("assess", "--source", join(dir, "nope-s.csv"), "--target", join(dir, "nope-t.csv"), "--out", join(file, "sub")), "OUTPUT_UNWRITABLE");
  refused(await cli("fit", ...missing.slice(0, 4), "--method", "coral", "--out", dir), "OUTPUT_UNWRITABLE", /is a folder, not a file/);
  // Read-only: /proc refuses new files even for root; a chmod 555 folder refuses them for anyone else.
  const ro = join(dir, "read-only");
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  const readOnly = process.getuid?.() === 0 ? "/proc/transferlab-out" : join(ro, "out");
  refused(await cli("evaluate", ...missing, "--out", readOnly), "OUTPUT_UNWRITABLE", /not writable/);
  refused(await cli("demo", "--out", readOnly, "--epochs", "1"), "OUTPUT_UNWRITABLE", /not writable/);
  chmodSync(ro, 0o755);
});

test("run folders are all or nothing: a failing run leaves the previous folder byte for byte; a run never replaces a folder of other files; a second live run is refused", async () => {
  const out = join(dir, "runs");
  const ok = await cli("evaluate", "--pair", "moons?n=60", "--seeds", "2", "--jobs", "1", "--out", out);
  assert.equal(ok.code, 0, ok.stderr);
  const snapshot = () => Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), "utf8")]));
  const before = snapshot();
  assert.deepEqual(Object.keys(before).sort(), [RUN_MARKER, "report.html", "results.json"].sort());
  // Fails after loading, in the fits: the previous results stay whole.
  const bad = await cli("evaluate", "--pair", "moons?n=60", "--seeds", "2", "--jobs", "1", "--out", out, "--methods", "ot-linear", "--param", "ot-linear.reg=1e300");
  assert.equal(bad.code, 2);
  assert.deepEqual(snapshot(), before);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith(".runs.")), [], "no temporary folder or lock is left behind");
  // A folder the user filled is never replaced.
  const mine = join(dir, "mine");
  mkdirSync(mine);
  writeFileSync(join(mine, "notes.txt"), "mine");
  refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--out", mine), "OUTPUT_UNWRITABLE", /holds files a transferlab run did not write \(notes\.txt\)/);
  // Another live run holds the folder: refused before any work.
  const held = openRunFolder(out);
  try {
    refused(await cli("evaluate", "--pair", "moons?n=60", ...quick, "--out", out), "LOCKED", /another run \(pid \d+\)/);
  } finally {
    held.release();
  }
  assert.deepEqual(snapshot(), before);
});

test("hints name only options that exist (every --flag in src/ code and messages, outside CSS and comments, is one the CLI defines)", async () => {
  const { knownFlags } = await import("../../src/cli/options.js");
  const known = knownFlags();
  const unknown: string[] = [];
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".ts") ? [join(d, e.name)] : []));
  for (const f of walk("src").filter((f) => !f.endsWith("cli/options.ts"))) {
    // Messages and hints, not comments (a comment may name a bench script's own flags).
    const text = readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
    for (const m of text.matchAll(/(?<![\w([-])--[a-z][a-z0-9-]*(?![\w:-])/g)) {
      if (!known.has(m[0])) unknown.push(`${f}: ${m[0]}`);
    }
  }
  assert.deepEqual(unknown, []);
});

test("every command takes its options from the one table (same flag, same meaning)", async () => {
  const { buildProgram } = await import("../../src/cli/program.js");
  const { knownFlags } = await import("../../src/cli/options.js");
  const known = knownFlags();
  const stray: string[] = [];
  const visit = (c: import("commander").Command, path: string) => {
    for (const o of c.options) if (o.long && !known.has(o.long.replace(/^--no-/, "--no-")) && !known.has(o.long)) stray.push(`${path} ${o.long}`);
    for (const s of c.commands) visit(s, `${path} ${s.name()}`);
  };
  visit(buildProgram(), "transferlab");
  assert.deepEqual(stray, []);
});

test("issue 16: the library's file handling through the CLI — --domain-column splits one file, --missing and --features apply, counted against the file", async () => {
  const lines = ["x1,x2,site,label"];
  let a = 0, b = 0;
  for (let i = 0; i < 80; i++) {
    const site = i % 2 ? "A" : "B";
    const x1 = i === 4 ? "NA" : String(((i * 7) % 13) / 3);
    if (i !== 4 && site === "A") a++;
    else if (i !== 4) b++;
    lines.push(`${x1},${((i * 5) % 11) / 2},${site},${i % 3 === 0 ? "yes" : "no"}`);
  }
  const f = join(dir, "sites.csv");
  writeFileSync(f, `${lines.join("\n")}\n`);
  const args = ["evaluate", "--pair", f, "--domain-column", "site", "--source-value", "A", "--target-value", "B", "--seeds", "2", "--jobs", "1", "--json", "--target-labels-per-class", "2"];
  refused(await cli(...args), "DATA_FORMAT", /sites\.csv, row 6, column "x1": missing value/, /--missing drop/);
  const r = await cli(...args, "--missing", "drop");
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { source: { name: string; rows: number; features: number }; target: { name: string; rows: number } };
  assert.deepEqual([doc.source.name, doc.source.rows, doc.target.name, doc.target.rows], ["A", a, "B", b]);
  const one = JSON.parse((await cli(...args, "--missing", "mean", "--features", "x2")).stdout) as { source: { rows: number; features: number } };
  assert.deepEqual([one.source.rows, one.source.features], [40, 1]);
  refused(await cli("evaluate", "--pair", f, "--seeds", "2"), "INVALID_PARAMETER", /one file: say which rows are source and which target with --domain-column/);
  refused(await cli("evaluate", "--source", f, "--target", f, "--source-value", "A", "--seeds", "2"), "INVALID_PARAMETER", /--source-value needs --domain-column/);
});

test("fuzz findings: demo with one seed has no p-value (not p = 1) and accuracy intervals stay in [0, 100]; select's default rule is one of the validators run", async () => {
  const one = await cli("demo", "--seeds", "1", "--epochs", "0", "--no-plots", "--json", "--out", join(dir, "demo-one"));
  assert.equal(one.code, 0, one.stderr);
  for (const c of (JSON.parse(one.stdout) as { comparisons: Array<{ pValue: number | null; test: string }> }).comparisons) assert.deepEqual([c.pValue, c.test], [null, "none (one seed)"]);
  // Two seeds of near-100 % accuracies: Student's t reached 108 % before the interval was clipped.
  const two = await cli("demo", "--seeds", "2", "--epochs", "1", "--no-plots", "--json", "--out", join(dir, "demo-two"));
  assert.equal(two.code, 0, two.stderr);
  for (const [id, a] of Object.entries((JSON.parse(two.stdout) as { accuracy: Record<string, { ci95: [number, number]; mean: number }> }).accuracy)) {
    assert.ok(a.ci95[0] >= 0 && a.ci95[1] <= 100 && a.ci95[0] <= a.mean && a.mean <= a.ci95[1], `${id}: [${a.ci95.join(", ")}]`);
  }
  // --validators without cv-target, with labelled target rows: the rule defaults to dev (it refused before).
  const rows = (shift: number) => ["x1,x2,label", ...Array.from({ length: 30 }, (_, i) => `${(i % 7) + shift + 3 * (i % 2)},${(i % 5) - shift},${i % 2 ? "a" : "b"}`)].join("\n");
  writeFileSync(join(dir, "sel-s.csv"), rows(0));
  writeFileSync(join(dir, "sel-t.csv"), rows(0.5));
  const sel = await cli("select", "--source", join(dir, "sel-s.csv"), "--target", join(dir, "sel-t.csv"), "--methods", "coral", "--validators", "dev,entropy", "--estimator", "logreg", "--jobs", "1", "--json");
  assert.equal(sel.code, 0, sel.stderr);
  assert.equal((JSON.parse(sel.stdout) as { choice: { rule: string } }).choice.rule, "dev");
  refused(await cli("select", "--source", join(dir, "sel-s.csv"), "--target", join(dir, "sel-t.csv"), "--methods", "coral", "--validators", "dev", "--rule", "snd", "--jobs", "1"), "INVALID_PARAMETER", /the rule 'snd' is not among the validators run \(dev\)/);
});

test("fuzz finding: assess --permutations is not ignored — refused with --approximate, a note when the memory budget switches the test", async () => {
  const f = join(dir, "perm-s.csv"), g = join(dir, "perm-t.csv");
  const rows = (shift: number) => ["x1,x2,label", ...Array.from({ length: 30 }, (_, i) => `${(i % 7) + shift},${(i % 5) - shift},${i % 2 ? "a" : "b"}`)].join("\n");
  writeFileSync(f, rows(0));
  writeFileSync(g, rows(0.5));
  refused(await cli("assess", "--source", f, "--target", g, "--approximate", "--permutations", "7", "--json"), "INVALID_PARAMETER", /'--permutations'/, /--approximate uses the linear-time z-test/);
  const small = await cli("assess", "--source", f, "--target", g, "--memory-budget", "1KB", "--permutations", "7", "--json");
  assert.equal(small.code, 0, small.stderr);
  const doc = JSON.parse(small.stdout) as { mmd: { test: { kind: string } }; notes: string[] };
  assert.notEqual(doc.mmd.test.kind, "permutation");
  assert.ok(doc.notes.some((n) => /--permutations 7 was not used/.test(n)), doc.notes.join("\n"));
});
