// A short end-to-end demo (2 epochs, 1 seed): every promised file is written, the PNGs are real images,
// results.json validates against its schema and holds consistent numbers; the CLI reports bad options in
// one line with a non-zero exit and prints parseable JSON with --json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { runDemo, resolveDemoSettings } from "../../src/experiment/demo.js";
import { demoResultsSchema } from "../../src/experiment/demo-schema.js";
import { writeDemoOutputs, DEMO_FIGURES } from "../../src/report/demo-page.js";
import { demoSeeds, demoOptionsFrom } from "../../src/cli/commands/demo.js";
import { cli as inProcess } from "../cli/run.js";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

test("a short demo writes every figure (SVG + PNG) and a schema-valid results.json", async () => {
  const dir = mkdtempSync(join(tmpdir(), "transferlab-demo-"));
  try {
    const run = await runDemo({ seeds: [42], epochs: 2 });
    const files = await writeDemoOutputs(run, dir, { plots: true });
    for (const f of DEMO_FIGURES) {
      for (const ext of ["svg", "png"]) assert.ok(files.includes(`${f}.${ext}`) && existsSync(join(dir, `${f}.${ext}`)), `${f}.${ext}`);
      const png = readFileSync(join(dir, `${f}.png`));
      assert.deepEqual([...png.subarray(0, 8)], PNG_MAGIC, `${f}.png signature`);
      assert.ok(png.length > 5000, `${f}.png has content (${png.length} bytes)`);
      assert.match(readFileSync(join(dir, `${f}.svg`), "utf8"), /<text/, `${f}.svg has text`);
    }
    const html = readFileSync(join(dir, "report.html"), "utf8");
    assert.ok(files.includes("report.html") && html.includes("data:image/png;base64") && html.includes(run.results.verdict.line.slice(0, 30)));
    const r = demoResultsSchema.parse(JSON.parse(readFileSync(join(dir, "results.json"), "utf8")));
    assert.equal(r.settings.protocol, "separate-unlabelled");
    assert.equal(r.settings.targetUnlabelledN, 200);
    assert.deepEqual(r.labelEfficiency.grid, [2, 4, 8, 16, 32, 50]);
    // The last grid point is the main run; the summary of one seed is that seed's number.
    const s = r.perSeed[0]!;
    assert.deepEqual(s.labelEfficiency.at(-1)!.accuracy, s.accuracy);
    assert.equal(r.summary.mmd.mean, s.accuracy.mmd);
    for (const m of ["scratch", "direct", "mmd"] as const) {
      const cm = s.confusion[m];
      assert.equal(cm.flat().reduce((a, b) => a + b, 0), 200);
      assert.equal((100 * (cm[0]![0]! + cm[1]![1]!)) / 200, s.accuracy[m]);
    }
    assert.ok(r.featureMap && r.featureMap.points === 1200 && r.featureMap.trustworthiness > 0.9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the label grid is cut at --target-labels, which is always on it", () => {
  assert.deepEqual(resolveDemoSettings({ targetLabels: 10 }).settings.labelGrid, [2, 4, 8, 10]);
  assert.deepEqual(resolveDemoSettings({ targetLabels: 100 }).settings.labelGrid, [2, 4, 8, 16, 32, 50, 100]);
  assert.throws(() => resolveDemoSettings({ targetLabels: 10, labelGrid: [20] }), /label-grid/);
});

test("seeds map as documented and option errors name the flag", async () => {
  assert.deepEqual(demoSeeds(undefined, undefined), [42]);
  assert.deepEqual(demoSeeds(undefined, 3), [0, 1, 2]);
  assert.deepEqual(demoSeeds(7, 2), [7, 8]);
  for (const [args, re] of [
    [["--epochs", "ten"], /parameter '--epochs'.*'ten'/], [["--target-labels", "7"], /even/], [["--lambda", "-1"], /'--lambda'/], [["--seeds", "0"], /'--seeds'/],
    [["--rotation", "45deg"], /'--rotation'/], [["--data", "torch"], /'--data'/], [["--seed", "1e20"], /'--seed'/],
  ] as const) {
    const r = await inProcess("demo", ...args, "--out", join(tmpdir(), "tl-demo-never-written"));
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  assert.equal(demoOptionsFrom({ transductive: true }).numpyCompatible, true);
  assert.equal(demoOptionsFrom({ transductive: true, demoData: "transferlab" }).numpyCompatible, false);
  assert.equal(demoOptionsFrom({}).numpyCompatible, false);
});

const cli = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", ...args], { encoding: "utf8" });

test("CLI: a bad option is one line on stderr and a non-zero exit", () => {
  const r = cli(["--target-labels", "abc"]);
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /--target-labels/);
});

test("CLI: --json --no-plots --seeds 2 prints the summary as JSON and writes results.json only", () => {
  const dir = mkdtempSync(join(tmpdir(), "transferlab-demo-"));
  try {
    const r = cli(["--json", "--no-plots", "--seeds", "2", "--epochs", "1", "--transductive", "--out", dir]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.protocol, "transductive");
    assert.equal(j.dataGenerator, "numpy-legacy"); // the original protocol comes with the original's data
    assert.deepEqual(j.seeds, [0, 1]);
    assert.equal(j.comparisons[0].wins + j.comparisons[0].ties + j.comparisons[0].losses, 2);
    assert.match(j.verdict.line, /^Verdict: (positive transfer|negative transfer|no significant transfer)\./);
    assert.deepEqual(j.files, ["results.json"]);
    demoResultsSchema.parse(JSON.parse(readFileSync(join(dir, "results.json"), "utf8")));
    assert.equal(r.stderr, ""); // no progress bar when stderr is not a terminal
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
