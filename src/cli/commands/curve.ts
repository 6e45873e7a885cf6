// `transferlab curve`: parses flags, runs experiment/curve.ts on the runner, prints report/curve-text.ts (or JSON).
import type { Command } from "commander";
import { resolveDomainPair } from "../../data/index.js";
import { labelCurve } from "../../experiment/index.js";
import { progressView } from "../progress.js";
import { addOptions, invalid, parseOptions, SEED_LIMIT } from "../options.js";
import { checkPixelScale, DATA_OPTIONS, pairSpecOf, protocolScale } from "../data-options.js";

const OPTS = [...DATA_OPTIONS, "targetLabelsGrid", "methods", "estimator", "seeds", "firstSeed", "scale", "jobs", "json"] as const;

export function register(program: Command): void {
  const cmd = program
    .command("curve")
    .description("how many target labels is the source worth? source-only, target-only and source+target pooled for 1, 2, 5, 10, 20 labelled target points per class");
  addOptions(cmd, OPTS, {
    defaults: { targetLabelsGrid: "1,2,5,10,20", methods: "source-target", estimator: "svc", seeds: "5", firstSeed: "0", scale: "auto", jobs: "1" },
    help: { methods: "methods beside source-only and target-only" },
    aliases: { grid: "targetLabelsGrid" },
  });
  cmd.action(async (_: unknown, c: Command) => {
    const o = parseOptions(c, OPTS);
    if (o.firstSeed! + o.seeds! - 1 >= SEED_LIMIT) throw invalid("seeds", `the last seed ${o.firstSeed! + o.seeds! - 1} would reach 2^32`);
    const { spec, load } = pairSpecOf(c, o);
    const { loadScaling, scale } = protocolScale(o.scale!);
    const pair = await resolveDomainPair(spec, { scaling: loadScaling, seed: o.firstSeed!, load });
    checkPixelScale(o.scale, pair.kind);
    const progress = o.json ? null : await progressView("curve");
    let r;
    try {
      r = await labelCurve(pair, { grid: o.targetLabelsGrid!, methods: o.methods!, estimator: o.estimator!, seeds: o.seeds!, firstSeed: o.firstSeed!, scale, jobs: o.jobs!, progress: progress?.update, fitProgress: progress?.fit });
    } finally {
      progress?.stop();
    }
    const { formatCurve } = await import("../../report/index.js");
    process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : formatCurve(r));
  });
}
