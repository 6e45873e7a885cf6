// `transferlab demo`: parses options, runs the reference experiment (src/experiment/demo.ts), writes out/demo/
// (results.json, figures, report.html) and prints the summary table (or JSON with --json).
import type { Command } from "commander";
import { invalidParam } from "../../core/errors.js";
import { runDemo, demoSummaryTable, type DemoOptions } from "../../experiment/index.js";

interface RawOptions {
  seed?: string;
  seeds?: string;
  rotation?: string;
  targetLabels?: string;
  lambda?: string;
  epochs?: string;
  out: string;
  plots: boolean;
  json?: boolean;
  quiet?: boolean;
  transductive?: boolean;
  numpyCompatible?: boolean;
  data?: string;
}

/** A number written in full (no trailing junk, unlike parseFloat), or a clear INVALID_PARAMETER error. */
export function parseNumberOption(flag: string, raw: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  const kind = opts.integer ? "an integer" : "a number";
  const range = opts.min !== undefined && opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : opts.min !== undefined ? ` ≥ ${opts.min}` : "";
  if (!Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw invalidParam(flag, `must be ${kind}${range}, got '${raw}'`);
  }
  return v;
}

/** Seeds: --seed N alone → [N]; --seeds K alone → 0..K−1 (the Python seed study's seeds); both → N..N+K−1. */
export function demoSeeds(seed: number | undefined, count: number | undefined): number[] {
  if (count === undefined) return [seed ?? 42];
  const first = seed ?? 0;
  return Array.from({ length: count }, (_, i) => first + i);
}

export function demoOptionsFrom(o: RawOptions): DemoOptions {
  const seed = o.seed !== undefined ? parseNumberOption("--seed", o.seed, { integer: true, min: 0, max: 0xffffffff }) : undefined;
  const count = o.seeds !== undefined ? parseNumberOption("--seeds", o.seeds, { integer: true, min: 1, max: 10000 }) : undefined;
  const seeds = demoSeeds(seed, count);
  if (seeds[seeds.length - 1]! > 0xffffffff) throw invalidParam("--seeds", "the last seed would exceed 2^32 − 1");
  if (o.data !== undefined && o.data !== "numpy" && o.data !== "transferlab") throw invalidParam("--data", `must be 'numpy' or 'transferlab', got '${o.data}'`);
  if (o.numpyCompatible && o.data === "transferlab") throw invalidParam("--data", "--numpy-compatible and --data transferlab contradict each other");
  // The original protocol comes with the original's data unless asked otherwise.
  const numpyCompatible = o.numpyCompatible || o.data === "numpy" || (o.data === undefined && !!o.transductive);
  const opts: DemoOptions = { seeds, transductive: !!o.transductive, numpyCompatible };
  if (o.rotation !== undefined) opts.rotationDeg = parseNumberOption("--rotation", o.rotation, { min: -3600, max: 3600 });
  if (o.targetLabels !== undefined) {
    opts.targetLabels = parseNumberOption("--target-labels", o.targetLabels, { integer: true, min: 2, max: 100000 });
    if (opts.targetLabels % 2 !== 0) throw invalidParam("--target-labels", `must be even (half per class), got ${opts.targetLabels}`);
  }
  if (o.lambda !== undefined) opts.lambda = parseNumberOption("--lambda", o.lambda, { min: 0 });
  if (o.epochs !== undefined) opts.epochs = parseNumberOption("--epochs", o.epochs, { integer: true, min: 0, max: 100000 });
  return opts;
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("run the reference experiment: rotated Gaussians; SVM from scratch, direct transfer, MMD transfer")
    .option("--seed <n>", "seed (default 42; with --seeds, the first seed)")
    .option("--seeds <k>", "run k seeds (alone: seeds 0..k-1, as the Python seed study) and test transfer against from-scratch")
    .option("--rotation <deg>", "target rotation in degrees: the strength of the shift (default 45)")
    .option("--target-labels <n>", "labelled target points, even (default 50)")
    .option("--lambda <x>", "weight of the MMD² term (default 0.5)")
    .option("--epochs <n>", "MMD training epochs (default 100)")
    .option("--transductive", "the original protocol: the test inputs double as the unlabelled target sample (implies --data numpy)")
    .option("--data <generator>", "'numpy': numpy's legacy generator, seed s gives the Python tutorial's exact data; 'transferlab': transferlab's Rng (default without --transductive)")
    .option("--numpy-compatible", "same as --data numpy")
    .option("--out <dir>", "output folder", "out/demo")
    .option("--no-plots", "skip figures and report.html (results.json only)")
    .option("--json", "print the summary as JSON on stdout")
    .option("--quiet", "print nothing but errors (and --json output)")
    .action(async (raw: RawOptions) => {
      const options = demoOptionsFrom(raw);
      const bar = !raw.quiet && process.stderr.isTTY ? await progressBar() : null;
      let files: string[];
      let run;
      try {
        // The report room (vega, resvg) loads only now, not at every command start.
        const { writeDemoOutputs } = await import("../../report/index.js");
        run = await runDemo(options, { onProgress: bar ? (done, total, msg) => bar.update(done, total, msg) : undefined });
        files = await writeDemoOutputs(run, raw.out, { plots: raw.plots, onStage: bar ? (msg) => bar.task(msg) : undefined });
      } finally {
        bar?.stop();
      }
      const { demoJsonSummary } = await import("../../report/index.js");
      if (raw.json) process.stdout.write(`${JSON.stringify(demoJsonSummary(run.results, raw.out), null, 2)}\n`);
      else if (!raw.quiet) process.stdout.write(`${demoSummaryTable(run.results)}\nWrote ${files.map((f) => `${raw.out}/${f}`).join(", ")}\n`);
    });
}

/** cli-progress bar on stderr; only created when stderr is a terminal. */
async function progressBar(): Promise<{ update(done: number, total: number, msg: string): void; task(msg: string): void; stop(): void }> {
  const { SingleBar, Presets } = (await import("cli-progress")).default;
  const bar = new SingleBar({ stream: process.stderr, format: " {bar} {percentage}% | {task}", hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total, task) {
      if (!started) {
        bar.start(total, 0, { task });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { task });
    },
    task(task) {
      if (started) bar.update({ task });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
