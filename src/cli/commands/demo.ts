// `transferlab demo`: parses options, runs the reference experiment (src/experiment/demo.ts), writes out/demo/
// (results.json, figures, report.html) and prints the summary table (or JSON with --json).
import type { Command } from "commander";
import { openOutFolder } from "../out-folder.js";
import { runDemo, demoSummaryTable, type DemoOptions } from "../../experiment/index.js";
import { addOptions, invalid, parseOptions, SEED_LIMIT } from "../options.js";
import { progressView } from "../progress.js";

const OPTS = ["seed", "seeds", "rotation", "targetLabels", "lambda", "epochs", "transductive", "demoData", "numpyCompatible", "out", "plots", "json", "quiet"] as const;
type Parsed = ReturnType<typeof parseOptions<(typeof OPTS)[number]>>;

/** Seeds: --seed N alone → [N]; --seeds K alone → 0..K−1 (the Python seed study's seeds); both → N..N+K−1. */
export function demoSeeds(seed: number | undefined, count: number | undefined): number[] {
  if (count === undefined) return [seed ?? 42];
  const first = seed ?? 0;
  return Array.from({ length: count }, (_, i) => first + i);
}

export function demoOptionsFrom(o: Parsed): DemoOptions {
  const seeds = demoSeeds(o.seed, o.seeds);
  if (seeds[seeds.length - 1]! >= SEED_LIMIT) throw invalid("seeds", "the last seed would exceed 2^32 − 1");
  if (o.numpyCompatible && o.demoData === "transferlab") throw invalid("demoData", "--numpy-compatible and --data transferlab contradict each other");
  // The original protocol comes with the original's data unless asked otherwise.
  const numpyCompatible = !!o.numpyCompatible || o.demoData === "numpy" || (o.demoData === undefined && !!o.transductive);
  const opts: DemoOptions = { seeds, transductive: !!o.transductive, numpyCompatible };
  if (o.rotation !== undefined) opts.rotationDeg = o.rotation;
  if (o.targetLabels !== undefined) opts.targetLabels = o.targetLabels;
  if (o.lambda !== undefined) opts.lambda = o.lambda;
  if (o.epochs !== undefined) opts.epochs = o.epochs;
  return opts;
}

export function register(program: Command): void {
  const cmd = program
    .command("demo")
    .description("run the reference experiment: rotated Gaussians; SVM from scratch, direct transfer, MMD transfer");
  addOptions(cmd, OPTS, {
    defaults: { out: "out/demo" },
    help: {
      seed: "seed (default 42; with --seeds, the first seed)",
      seeds: "run k seeds (alone: seeds 0..k-1, as the Python seed study) and test transfer against from-scratch",
      out: "output folder (all or nothing: a finished run replaces it whole, a failed one leaves it as it was)",
    },
  });
  cmd.action(async (_: unknown, c: Command) => {
    const raw = parseOptions(c, OPTS);
    const options = demoOptionsFrom(raw);
    const out = openOutFolder(raw.out!);
    try {
      const bar = raw.quiet || raw.json ? null : await progressView("demo");
      let files: string[];
      let run;
      try {
        // The report room (vega, resvg) loads only now, not at every command start.
        const { writeDemoOutputs } = await import("../../report/index.js");
        run = await runDemo(options, { onProgress: bar?.update });
        files = await writeDemoOutputs(run, out.dir, { plots: raw.plots !== false, onStage: bar ? (msg) => bar.stage(msg) : undefined });
      } finally {
        bar?.stop();
      }
      out.commit();
      const { demoJsonSummary } = await import("../../report/index.js");
      if (raw.json) process.stdout.write(`${JSON.stringify(demoJsonSummary(run.results, raw.out!), null, 2)}\n`);
      else if (!raw.quiet) process.stdout.write(`${demoSummaryTable(run.results)}\nWrote ${files.map((f) => `${raw.out}/${f}`).join(", ")}\n`);
    } finally {
      out.release();
    }
  });
}
