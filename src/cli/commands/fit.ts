// `transferlab fit`: fit one method on all source rows, all target inputs and any labelled target rows, and
// write a model file (src/experiment/model.ts); `transferlab predict` applies it to new target rows.
import type { Command } from "commander";
import { TransferLabError } from "../../core/errors.js";
import { loadDomain, type Scale } from "../../data/index.js";
import { writeCsvAtomic } from "../../core/atomic.js";
import { fitModel, TransferModel } from "../../experiment/index.js";
import { getEstimator, type EstimatorName } from "../../estimators/index.js";
import { parseInteger } from "../args.js";
import { loadUserData } from "../target-data.js";

/** `key=value` (repeatable); the value is read as JSON when it parses, else as text. */
function parseKeyValues(flags: string[], param: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(f);
    if (!m) throw new TransferLabError("INVALID_PARAMETER", `expected name=value, got '${f}'`, { param }, `e.g. --${param} lambda=0.5`);
    let v: unknown = m[2];
    try { v = JSON.parse(m[2]!); } catch { /* plain text */ }
    out[m[1]!] = v;
  }
  return out;
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function register(program: Command): void {
  program
    .command("fit")
    .description("fit one method on the source, every target input and any labelled target rows; save the model")
    .option("--source <S>", "labelled source: a file or a dataset name")
    .option("--target <T>", "target: a file (rows with an empty label cell are unlabelled) or a dataset name")
    .option("--pair <spec>", "instead of --source/--target: a pair name or generator spec, e.g. 'moons?angle=45&n=400'")
    .requiredOption("--method <name>", "the method (transferlab methods lists them)")
    .requiredOption("--out <file>", "model file to write, e.g. model.tlm")
    .option("--param <key=value>", "a method parameter (repeatable)", collect, [] as string[])
    .option("--estimator <name>", "svc | logreg | knn | mlp", "svc")
    .option("--estimator-param <key=value>", "an estimator parameter (repeatable)", collect, [] as string[])
    .option("--label <column>", "label column of the files")
    .option("--scale <rule>", "global | standard | none | auto (images: global, files: standard, synthetic: none)", "auto")
    .option("--target-labels-per-class <K>", "dataset names only: draw K labelled target points per class")
    .option("--seed <s>", "seed of the method's random stream", "0")
    .action(async (o: { source?: string; target?: string; pair?: string; method: string; out: string; param: string[]; estimator: string; estimatorParam: string[]; label?: string; scale: string; targetLabelsPerClass?: string; seed: string }) => {
      getEstimator(o.estimator);
      if (!["global", "standard", "none", "auto"].includes(o.scale)) throw new TransferLabError("INVALID_PARAMETER", `unknown scale '${o.scale}'`, { param: "scale" }, "use global, standard, none or auto");
      const seed = parseInteger(o.seed, "seed", 0);
      const data = await loadUserData({ ...o, seed, targetLabelsPerClass: o.targetLabelsPerClass !== undefined ? parseInteger(o.targetLabelsPerClass, "target-labels-per-class", 0) : undefined });
      const model = await fitModel(data, {
        method: o.method, params: parseKeyValues(o.param, "param"), estimator: o.estimator as EstimatorName,
        estimatorParams: parseKeyValues(o.estimatorParam, "estimator-param"), scale: o.scale === "auto" ? data.autoScale : (o.scale as Scale), seed,
      });
      model.save(o.out);
      const f = model.toJSON();
      process.stdout.write(`${f.method} fitted on ${f.trainedOn.source} source rows, ${f.trainedOn.targetInputs} target inputs, ${f.trainedOn.targetLabelled} labelled target rows; ${f.features.length} features, classes ${f.classes.join(", ")}; scale ${f.scale.rule}\n`);
      for (const n of [...data.notes, ...model.notes]) process.stdout.write(`note: ${n}\n`);
      process.stdout.write(`wrote ${o.out}\n`);
    });

  program
    .command("predict")
    .description("predict new target rows with a saved model; writes one row per input row")
    .requiredOption("--model <file>", "model file written by transferlab fit")
    .requiredOption("--input <file>", "rows to predict (the model's feature columns, matched by name)")
    .requiredOption("--out <file>", "predictions CSV to write")
    .option("--proba", "also write one probability column per class")
    .option("--label <column>", "a label column in the input to leave out of the features")
    .action(async (o: { model: string; input: string; out: string; proba?: boolean; label?: string }) => {
      const model = TransferModel.load(o.model);
      const rows = await loadDomain(o.input, { ...(o.label !== undefined ? { label: o.label } : {}), unlabelledRows: true });
      // Everything is computed before anything is written: a failure leaves no output.
      const pred = model.predict(rows);
      const P = o.proba ? model.predictProba(rows) : null;
      const k = model.classNames.length;
      const header = ["prediction", ...(P ? model.classNames.map((c) => `p_${c}`) : [])];
      const out = pred.map((p, i) => [p, ...(P ? Array.from(P.data.subarray(i * k, (i + 1) * k), (v) => Number(v.toPrecision(7))) : [])]);
      writeCsvAtomic(o.out, header, out);
      process.stdout.write(`${pred.length} predictions written to ${o.out}\n`);
    });
}
