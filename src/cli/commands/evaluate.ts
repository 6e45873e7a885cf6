// `transferlab evaluate`: the standard protocol (see src/experiment/evaluate.ts); argument parsing only.
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { TransferLabError } from "../../core/errors.js";
import { resolveDomainPair, type Scale, type Protocol } from "../../data/index.js";
import { evaluate, formatEvaluation, EVALUATE_DEFAULTS as D, formatSelectionSummary, labelCurve } from "../../experiment/index.js";
import { getEstimator, type EstimatorName } from "../../estimators/index.js";
import { type MethodName, DEFAULT_MEMORY_BUDGET, getMethod, readPretrainedFile } from "../../adapt/index.js";
import { parseBytes, parseGridFlags, parseInteger, parseRule, parseValidators } from "../args.js";

interface Opts {
  source?: string;
  target?: string;
  pair?: string;
  label?: string;
  methods: string;
  estimator: string;
  targetLabelsPerClass: string;
  pretrained?: string;
  seeds: string;
  firstSeed: string;
  scale: string;
  protocol: string;
  param: string[];
  memoryBudget?: string;
  jobs: string;
  margin: string;
  imageShape?: string;
  json?: boolean;
  out?: string;
  validators?: string;
  grid: string[];
  rule?: string;
}

/** `HxW` (e.g. 28x28): the rows of users' files are images of that shape (deep methods then use the CNN). */
export function parseImageShape(s: string): [number, number] {
  const m = /^(\d+)[x×](\d+)$/.exec(s.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new TransferLabError("INVALID_PARAMETER", `expected HxW (e.g. 28x28), got '${s}'`, { param: "image-shape" });
  return [Number(m[1]), Number(m[2])];
}

/** `--pretrained FILE`: every parameter-transfer method asked for fine-tunes the saved network (read once here, so a
 * missing or corrupt file stops the run before any fit). */
function usePretrained(methods: string[], params: Record<string, Record<string, unknown>>, file: string): void {
  const targets = methods.filter((m) => getMethod(m).family === "parameter");
  if (targets.length === 0) throw new TransferLabError("INVALID_PARAMETER", "--pretrained applies to parameter-transfer methods, and none was asked for", { param: "pretrained" }, "e.g. --methods finetune,ewc (transferlab methods lists the parameter family)");
  readPretrainedFile(file);
  for (const m of targets) (params[m] ??= {}).pretrained = file;
}

/** One worker per core, at most 4 (each holds its own copy of the data and of libsvm). */
const defaultJobs = () => Math.max(1, Math.min(4, availableParallelism()));

/** `method.key=value`; the value is read as JSON when it parses (numbers, booleans, null, arrays), else as text. */
export function parseParamFlags(flags: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of flags) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9_]+)=(.*)$/.exec(f);
    if (!m) throw new TransferLabError("INVALID_PARAMETER", `expected method.name=value, got '${f}'`, { param: "param" }, "e.g. --param ot-sinkhorn.reg=0.01");
    let v: unknown = m[3];
    try { v = JSON.parse(m[3]!); } catch { /* plain text */ }
    (out[m[1]!] ??= {})[m[2]!] = v;
  }
  return out;
}

export function register(program: Command): void {
  program
    .command("evaluate")
    .description("run methods on a source→target pair with the standard protocol and compare them with source-only and target-only")
    .option("--source <S>", "source dataset name (e.g. mnist) or file")
    .option("--target <T>", "target dataset name (e.g. optdigits) or file")
    .option("--pair <spec>", "instead of --source/--target: a pair name or generator spec, e.g. 'moons?angle=45&n=400'")
    .option("--label <column>", "label column when source and target are files")
    .option("--methods <list>", "comma-separated methods (transferlab methods lists them); source-only and target-only always run", D.methods.join(","))
    .option("--estimator <name>", "svc | logreg | knn | mlp", D.estimator)
    .option("--target-labels-per-class <K>", "labelled target points per class (stratified); 0 = unsupervised (no target labels, target-only not run); a list (1,2,5,10,20) runs the label-efficiency sweep", String(D.targetLabelsPerClass))
    .option("--pretrained <file>", "parameter-transfer methods fine-tune this saved network instead of pretraining (e.g. from transferlab fit --method source-only-net --out FILE)")
    .option("--seeds <N>", "number of seeds", String(D.seeds))
    .option("--first-seed <s>", "first seed", String(D.firstSeed))
    .option("--scale <rule>", "global | standard | none | auto (images: global, files: standard, synthetic: none)", D.scale)
    .option("--protocol <p>", "transductive (every target input unlabelled to the methods) | inductive (a disjoint unlabelled half)", D.protocol)
    .option("--param <method.key=value>", "a method parameter (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--memory-budget <size>", `memory budget for O(n²) methods (default ${DEFAULT_MEMORY_BUDGET / 1024 ** 3} GB)`)
    .option("--image-shape <HxW>", "the rows are images of this height × width (deep methods then use a CNN); bundled digit sets declare theirs")
    .option("--jobs <n>", "worker threads for the fits (results do not depend on it)", String(defaultJobs()))
    .option("--margin <points>", "practical-equivalence margin: a difference under this many accuracy points is 'no meaningful change' whatever its p", String(D.margin))
    .option("--validators <list>", "also measure label-free selection: all or some of source-val, iwcv, dev, entropy, snd, circular, mixval, cv-target")
    .option("--grid <method.key=v1,v2>", "with --validators: parameter values to try (candidates are methods × grid; repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--rule <validator>", "with --validators: the validator the guarded pick uses")
    .option("--json", "print the result as one JSON document on stdout")
    .option("--out <dir>", "also write DIR/results.json (schema transferlab.evaluate) and DIR/report.html (self-contained); a label sweep writes DIR/curve.json and DIR/label_efficiency.svg/.png")
    .action(async (o: Opts) => {
      const methods = o.methods.split(",").map((s) => s.trim()).filter(Boolean);
      getEstimator(o.estimator);
      if (!["transductive", "inductive"].includes(o.protocol)) throw new TransferLabError("INVALID_PARAMETER", `unknown protocol '${o.protocol}'`, { param: "protocol" }, "use transductive or inductive");
      if (!["global", "standard", "none", "auto"].includes(o.scale)) throw new TransferLabError("INVALID_PARAMETER", `unknown scale '${o.scale}'`, { param: "scale" }, "use global, standard, none or auto");
      const seeds = parseInteger(o.seeds, "seeds", 1);
      const firstSeed = parseInteger(o.firstSeed, "first-seed", 0);
      const jobs = parseInteger(o.jobs, "jobs", 1);
      const Ks = o.targetLabelsPerClass.split(",").map((k) => parseInteger(k, "target-labels-per-class", o.targetLabelsPerClass.includes(",") ? 1 : 0));
      const K = Ks[0]!;
      const margin = Number(o.margin);
      if (o.margin.trim() === "" || !Number.isFinite(margin) || margin < 0) throw new TransferLabError("INVALID_PARAMETER", `must be a non-negative number of accuracy points, got '${o.margin}'`, { param: "margin" }, "e.g. --margin 1");
      if (o.pair === undefined && (o.source === undefined || o.target === undefined)) {
        throw new TransferLabError("INVALID_PARAMETER", "give --source and --target (or --pair)", { param: "source" }, "e.g. --source mnist --target optdigits");
      }
      const spec = o.pair ?? `${o.source}→${o.target}`;
      const loaded = await resolveDomainPair(spec, { scaling: "none", seed: firstSeed, load: o.label !== undefined ? { label: o.label } : undefined });
      const shape = o.imageShape !== undefined ? parseImageShape(o.imageShape) : undefined;
      const pair = shape ? { ...loaded, source: { ...loaded.source, imageShape: shape }, target: { ...loaded.target, imageShape: shape } } : loaded;
      const scale = o.scale as Scale | "auto"; // evaluate resolves auto by pair.kind
      const methodParams = parseParamFlags(o.param);
      if (o.pretrained !== undefined) usePretrained(methods, methodParams, o.pretrained);
      if (Ks.length > 1) {
        // The label-efficiency sweep: transferlab curve's runner (experiment/curve.ts) over the list, with the network
        // without adaptation beside deep and parameter methods; its figure is the demo's (report/curve-figure.ts).
        if (o.validators !== undefined || o.protocol !== "transductive") throw new TransferLabError("INVALID_PARAMETER", "a list of target labels per class runs the transductive label sweep, without --validators or another protocol", { param: "target-labels-per-class" });
        const nets = methods.some((m) => ["deep", "parameter"].includes(getMethod(m).family)) && !methods.includes("source-only-net") ? ["source-only-net"] : [];
        const curve = await labelCurve(pair, { grid: Ks, methods: [...nets, ...methods], methodParams, estimator: o.estimator as EstimatorName, seeds, firstSeed, scale, jobs });
        const { formatCurve, writeCurveOutputs } = await import("../../report/index.js"); // vega and resvg load only here
        process.stdout.write(o.json ? `${JSON.stringify(curve, null, 2)}\n` : formatCurve(curve));
        if (o.out !== undefined) {
          const written = await writeCurveOutputs(curve, o.out);
          process.stderr.write(`Wrote ${written.results} and ${written.figure}\n`);
        }
        return;
      }
      const interactive = !o.json && process.stderr.isTTY;
      const result = await evaluate(pair, {
        methods: methods as MethodName[], methodParams, estimator: o.estimator as EstimatorName,
        targetLabelsPerClass: K, seeds, firstSeed, scale, protocol: o.protocol as Protocol,
        memoryBudget: o.memoryBudget !== undefined ? parseBytes(o.memoryBudget) : undefined,
        jobs, margin,
        ...(o.validators ? { validators: parseValidators(o.validators), grid: parseGridFlags(o.grid), ...(o.rule ? { rule: parseRule(o.rule) } : {}) } : {}),
        progress: interactive ? (done, total, msg) => process.stderr.write(`\r[${done}/${total}] ${msg}`.padEnd(60)) : undefined,
      });
      if (interactive) process.stderr.write("\r".padEnd(61) + "\r");
      process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : formatEvaluation(result) + (result.selection ? formatSelectionSummary(result.selection) : ""));
      if (o.out !== undefined) {
        const { writeEvaluateReport } = await import("../evaluate-report.js");
        const written = await writeEvaluateReport(result, o.out);
        process.stderr.write(`Wrote ${written.results} and ${written.report}\n`);
      }
    });
}
