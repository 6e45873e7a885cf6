// The reference experiment end to end, side by side in one run: the Python original without plots
// (shared/reference/seed_reference_seeds.py, torch + scikit-learn) and `transferlab demo --no-plots --seeds 1`
// (seed 0 on both sides), each as a fresh process, alternating, median wall time of N rounds.
// transferlab runs twice per round: from the checkout (bin/transferlab.js: dist/ when it is newer than every
// src/ file — `npm ci` builds it — else tsx, which transpiles on every start) and as built JavaScript (src
// transpiled once by esbuild into a temporary folder laid out like dist/), which is what an installed package runs.
// `npm run bench -- demo [--json] [--rounds 3] [--with-plots] [--skip-python]`. The reference folder is found at
// $TRANSFERLAB_REFERENCE_DIR, ../shared/reference or /work/shared/reference; Python at /usr/bin/python3.
// Wall times include process start and imports (what a user waits for). The machine may be shared: the
// ratio of medians from the same run is the number to read, not the absolute seconds.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function referenceDir(): string | null {
  for (const d of [process.env.TRANSFERLAB_REFERENCE_DIR, join(root, "..", "shared", "reference"), "/work/shared/reference"]) {
    if (d && existsSync(join(d, "seed_reference_seeds.py"))) return d;
  }
  return null;
}

function pythonMissing(python: string): string | null {
  if (!existsSync(python)) return `${python} not found`;
  const r = spawnSync(python, ["-c", "import torch, sklearn, numpy"], { encoding: "utf8" });
  return r.status === 0 ? null : "python3-torch / python3-sklearn not installed (apt-get install python3-torch python3-sklearn)";
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

/** Transpiles src/ to <work>/build/dist (no bundling) with links to native/, assets/ and node_modules/,
 *  so relative paths resolve as they do from dist/. Returns the CLI entry, or why it could not. */
async function buildForBench(work: string): Promise<{ main: string } | { missing: string }> {
  try {
    const esbuild = await import("esbuild");
    const base = join(work, "build");
    await esbuild.build({ entryPoints: tsFiles(join(root, "src")), outdir: join(base, "dist"), outbase: join(root, "src"), format: "esm", platform: "node", target: "node20", logLevel: "silent" });
    for (const d of ["native", "assets", "node_modules", "package.json"]) if (existsSync(join(root, d))) symlinkSync(join(root, d), join(base, d));
    return { main: join(base, "dist", "cli", "main.js") };
  } catch (e) {
    return { missing: `could not transpile src with esbuild: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const ri = args.indexOf("--rounds");
  const rounds = ri >= 0 ? Math.max(1, Number(args[ri + 1])) : 3;
  const withPlots = args.includes("--with-plots");
  const python = "/usr/bin/python3";
  const ref = referenceDir();
  const missing = args.includes("--skip-python") ? "skipped (--skip-python)"
    : ref === null ? "reference scripts not found (set TRANSFERLAB_REFERENCE_DIR)" : pythonMissing(python);
  const work = mkdtempSync(join(tmpdir(), "transferlab-bench-demo-"));
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE; // as the reference README asks before timing numpy/torch
  delete env.OPENBLAS_L2_SIZE;

  const built = await buildForBench(work);
  const tl: number[] = [], tlTrain: number[] = [], tlBuilt: number[] = [], py: number[] = [], pyTrain: number[] = [];
  const accs: { transferlab?: unknown; python?: unknown } = {};
  try {
    for (let r = 0; r < rounds; r++) {
      // transferlab: the CLI as a user runs it in a checkout (bin/transferlab.js: dist if fresh, else tsx).
      const out = join(work, `tl-${r}`);
      const tlArgs = [join(root, "bin", "transferlab.js"), "demo", "--seeds", "1", "--quiet", "--out", out, ...(withPlots ? [] : ["--no-plots"])];
      let t = performance.now();
      const a = spawnSync(process.execPath, tlArgs, { cwd: root, encoding: "utf8", env });
      tl.push((performance.now() - t) / 1000);
      if (a.status !== 0) throw new Error(`transferlab demo failed: ${a.stderr}`);
      const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
      tlTrain.push(res.timings.trainingSeconds);
      accs.transferlab = res.perSeed[0].accuracy;

      if ("main" in built) {
        t = performance.now();
        const c = spawnSync(process.execPath, [built.main, ...tlArgs.slice(1)], { cwd: root, encoding: "utf8", env });
        tlBuilt.push((performance.now() - t) / 1000);
        if (c.status !== 0) throw new Error(`built transferlab demo failed: ${c.stderr}`);
      }

      if (!missing) {
        const pj = join(work, `py-${r}.json`);
        t = performance.now();
        const b = spawnSync(python, [join(ref!, "seed_reference_seeds.py"), "0", "0", "--json", pj], { cwd: work, encoding: "utf8", env });
        py.push((performance.now() - t) / 1000);
        if (b.status !== 0) throw new Error(`python reference failed: ${b.stderr}`);
        const row = JSON.parse(readFileSync(pj, "utf8"))[0];
        pyTrain.push(row.train_s);
        accs.python = { scratch: row.scratch * 100, direct: row.direct * 100, mmd: row.transfer * 100 };
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const result = {
    rounds,
    transferlab: { command: `transferlab demo${withPlots ? "" : " --no-plots"} --seeds 1`, wallSeconds: median(tl), trainingSeconds: median(tlTrain), all: tl, accuracy: accs.transferlab },
    transferlabBuilt: "main" in built ? { wallSeconds: median(tlBuilt), all: tlBuilt } : built,
    python: missing
      ? { missing }
      : { command: "python3 seed_reference_seeds.py 0 0", wallSeconds: median(py), trainingSeconds: median(pyTrain), all: py, accuracy: accs.python },
    speedup: missing ? null : {
      wall: median(py) / median(tl),
      wallBuilt: tlBuilt.length ? median(py) / median(tlBuilt) : null,
      training: median(pyTrain) / median(tlTrain),
    },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const f = (v: number) => `${v.toFixed(2)} s`;
  console.log(`demo benchmark, seed 0, median of ${rounds} alternating rounds (wall time includes process start)`);
  console.log(`  transferlab ${result.transferlab.command.padEnd(44)} wall ${f(median(tl))}   MMD training ${f(median(tlTrain))}`);
  if (tlBuilt.length) console.log(`  transferlab ${"same, built JavaScript (no tsx)".padEnd(44)} wall ${f(median(tlBuilt))}`);
  else console.log(`  transferlab built: skipped — ${(built as { missing: string }).missing}`);
  if (missing) console.log(`  python reference: skipped — ${missing}`);
  else {
    console.log(`  python      ${"seed_reference_seeds.py 0 0 (no plots)".padEnd(44)} wall ${f(median(py))}   MMD training ${f(median(pyTrain))}`);
    const sp = result.speedup!;
    console.log(`  speed-up (python / transferlab): wall ${sp.wall.toFixed(2)}× from the checkout${sp.wallBuilt ? `, ${sp.wallBuilt.toFixed(2)}× built` : ""}, MMD training ${sp.training.toFixed(2)}× (target ≥ 3× wall)`);
  }
  console.log("  (shared machine: absolute times are noisy; compare the ratio)");
}
