// `transferlab evaluate`: the standard protocol (see src/experiment/evaluate.ts); argument parsing only.
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { openOutFolder } from "../out-folder.js";
import { resolveDomainPair } from "../../data/index.js";
import { TransferLabError } from "../../core/errors.js";
import { evaluate, formatEvaluation, EVALUATE_DEFAULTS as D, formatSelectionSummary, labelCurve } from "../../experiment/index.js";
import { type MethodName, DEFAULT_MEMORY_BUDGET, getMethod, readPretrainedFile } from "../../adapt/index.js";
import { addOptions, given, gridOf, invalid, methodParamsOf, parseOptions, SEED_LIMIT } from "../options.js";
import { checkPixelScale, DATA_OPTIONS, pairSpecOf, protocolScale } from "../data-options.js";
import { progressView } from "../progress.js";

/** `--pretrained FILE`: every parameter-transfer method asked for fine-tunes the saved network (read once here, so a
 * missing or corrupt file stops the run before any fit). */
function usePretrained(methods: string[], params: Record<string, Record<string, unknown>>, file: string): void {
  const targets = methods.filter((m) => getMethod(m).family === "parameter");
  if (targets.length === 0) throw new TransferLabError("INVALID_PARAMETER", "--pretrained applies to parameter-transfer methods, and none was asked for", { param: "pretrained" }, "e.g. --methods finetune,ewc (transferlab methods lists the parameter family)");
  readPretrainedFile(file);
  for (const m of targets) (params[m] ??= Object.create(null)).pretrained = file;
}

/** One worker per core, at most 4 (each holds its own copy of the data and of libsvm). */
const defaultJobs = () => Math.max(1, Math.min(4, availableParallelism()));

const OPTS = [...DATA_OPTIONS, "methods", "estimator", "targetLabelsList", "pretrained", "seeds", "firstSeed", "scale", "protocol", "param", "memoryBudget", "imageShape",
  "jobs", "margin", "validators", "grid", "rule", "json", "out"] as const;

export function register(program: Command): void {
  const cmd = program
    .command("evaluate")
    .description("run methods on a source→target pair with the standard protocol and compare them with source-only and target-only");
  addOptions(cmd, OPTS, {
    defaults: { methods: D.methods.join(","), estimator: D.estimator, targetLabelsList: String(D.targetLabelsPerClass), seeds: String(D.seeds), firstSeed: String(D.firstSeed),
      scale: D.scale, protocol: D.protocol, jobs: String(defaultJobs()), margin: String(D.margin) },
    help: {
      methods: "comma-separated methods (transferlab methods lists them); source-only and target-only always run",
      targetLabelsList: "labelled target points per class (stratified); 0 = unsupervised (no target labels, target-only not run); a list (1,2,5,10,20) runs the label-efficiency sweep",
      memoryBudget: `memory budget for O(n²) methods (default ${DEFAULT_MEMORY_BUDGET / 1024 ** 3} GB)`,
      validators: "also measure label-free selection: all or some of source-val, iwcv, dev, entropy, snd, circular, mixval, cv-target",
      grid: "with --validators: parameter values to try (candidates are methods × grid; repeatable)",
      rule: "with --validators: the validator the guarded pick uses",
      out: "also write DIR/results.json (schema transferlab/evaluate) and DIR/report.html (self-contained); a label sweep writes DIR/curve.json and DIR/label_efficiency.svg/.png; all or nothing",
    },
  });
  cmd
    .action(async (_: unknown, cmd: Command) => {
      const o = parseOptions(cmd, OPTS);
      if (o.validators === undefined) for (const f of ["grid", "rule"] as const) if (given(cmd, f)) throw invalid(f, `${f === "grid" ? "--grid" : "--rule"} needs --validators`);
      if (o.firstSeed! + o.seeds! - 1 >= SEED_LIMIT) throw invalid("seeds", `the last seed ${o.firstSeed! + o.seeds! - 1} would reach 2^32`);
      const out = o.out !== undefined ? openOutFolder(o.out) : undefined;
      try {
        const { spec, load } = pairSpecOf(cmd, o);
        const { loadScaling, scale } = protocolScale(o.scale!);
        const loaded = await resolveDomainPair(spec, { scaling: loadScaling, seed: o.firstSeed!, load });
        checkPixelScale(o.scale, loaded.kind);
        const shape = o.imageShape;
        const pair = shape ? { ...loaded, source: { ...loaded.source, imageShape: shape }, target: { ...loaded.target, imageShape: shape } } : loaded;
        const methodParams = methodParamsOf(o.param);
        if (o.pretrained !== undefined) usePretrained(o.methods!, methodParams, o.pretrained);
        const Ks = o.targetLabelsList!;
        if (Ks.length > 1) {
          // The label-efficiency sweep: transferlab curve's runner (experiment/curve.ts) over the list, with the network
          // without adaptation beside deep and parameter methods; its figure is the demo's (report/curve-figure.ts).
          if (o.validators !== undefined || o.protocol !== "transductive") throw invalid("targetLabelsList", "a list of target labels per class runs the transductive label sweep, without --validators or another protocol");
          const nets = o.methods!.some((m) => ["deep", "parameter"].includes(getMethod(m).family)) && !o.methods!.includes("source-only-net") ? ["source-only-net"] : [];
          const bar = o.json ? null : await progressView("evaluate");
          let curve;
          try {
            curve = await labelCurve(pair, { grid: Ks, methods: [...nets, ...o.methods!], methodParams, estimator: o.estimator!, seeds: o.seeds!, firstSeed: o.firstSeed!, scale, jobs: o.jobs!, progress: bar?.update, fitProgress: bar?.fit });
          } finally {
            bar?.stop();
          }
          const { formatCurve, writeCurveOutputs } = await import("../../report/index.js"); // vega and resvg load only here
          process.stdout.write(o.json ? `${JSON.stringify(curve, null, 2)}\n` : formatCurve(curve));
          if (out) {
            await writeCurveOutputs(curve, out.dir);
            out.commit();
            process.stderr.write(`Wrote ${join(o.out!, "curve.json")} and the label-efficiency figure\n`);
          }
          return;
        }
        const progress = o.json ? null : await progressView("evaluate");
        let result;
        try {
          result = await evaluate(pair, {
            methods: o.methods as MethodName[], methodParams, estimator: o.estimator!,
            targetLabelsPerClass: Ks[0]!, seeds: o.seeds!, firstSeed: o.firstSeed!, scale, protocol: o.protocol!,
            memoryBudget: o.memoryBudget, jobs: o.jobs!, margin: o.margin!,
            ...(o.validators ? { validators: o.validators, grid: gridOf(o.grid), ...(o.rule ? { rule: o.rule } : {}) } : {}),
            progress: progress?.update, fitProgress: progress?.fit,
          });
        } finally {
          progress?.stop();
        }
        process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : formatEvaluation(result) + (result.selection ? formatSelectionSummary(result.selection) : ""));
        if (out) {
          const { writeEvaluateOutputs } = await import("../../report/index.js"); // vega and resvg load only here
          await writeEvaluateOutputs(result, out.dir);
          out.commit();
          process.stderr.write(`Wrote ${join(o.out!, "results.json")} and ${join(o.out!, "report.html")}\n`);
        }
      } finally {
        out?.release();
      }
    });
}
