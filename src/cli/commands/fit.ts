// `transferlab fit`: fit one method on all source rows, all target inputs and any labelled target rows, and
// write a model file (src/experiment/model.ts); `transferlab predict` applies it to new target rows.
import type { Command } from "commander";
import { loadDomain } from "../../data/index.js";
import { checkOutputPath, writeCsvAtomic } from "../../core/atomic.js";
import { fitModel, TransferModel } from "../../experiment/index.js";
import { loadUserData, USER_DATA_HELP } from "../target-data.js";
import { addOptions, keyValuesOf, parseOptions } from "../options.js";
import { progressView } from "../progress.js";
import { checkPixelScale, DATA_OPTIONS, loadOptionsOf, protocolScale } from "../data-options.js";

const FIT_OPTS = [...DATA_OPTIONS, "method", "outFile", "keyParam", "estimator", "estimatorParam", "scale", "targetLabelsPerClass", "seed", "memoryBudget"] as const;
const PREDICT_OPTS = ["model", "input", "outFile", "proba", "label", "features", "missing", "missingToken", "header", "encoding"] as const;

export function register(program: Command): void {
  const fit = program
    .command("fit")
    .description("fit one method on the source, every target input and any labelled target rows; save the model");
  addOptions(fit, FIT_OPTS, {
    required: ["method", "outFile"],
    defaults: { estimator: "svc", scale: "auto", seed: "0" },
    help: {
      ...USER_DATA_HELP,
      outFile: "model file to write, e.g. model.tlm (written whole or not at all)",
      seed: "seed of the method's random stream",
    },
  });
  fit.action(async (_: unknown, c: Command) => {
    const o = parseOptions(c, FIT_OPTS);
    checkOutputPath(o.outFile!);
    const { loadScaling, scale } = protocolScale(o.scale!);
    const data = await loadUserData(c, o, { seed: o.seed!, scaling: loadScaling });
    checkPixelScale(o.scale, data.kind);
    // A long method (KMM, Sinkhorn, Lp-L1, JDA, self-training) reports its own progress on stderr.
    const progress = await progressView("fit");
    let model;
    try {
      model = await fitModel(data, {
        method: o.method!, params: keyValuesOf(o.keyParam), estimator: o.estimator!,
        estimatorParams: keyValuesOf(o.estimatorParam), scale: scale === "auto" ? data.autoScale : scale, seed: o.seed!,
        ...(o.memoryBudget !== undefined ? { memoryBudget: o.memoryBudget } : {}),
        progress: progress.fit,
      });
    } finally {
      progress.stop();
    }
    model.save(o.outFile!);
    const f = model.toJSON();
    process.stdout.write(`${f.method} fitted on ${f.trainedOn.source} source rows, ${f.trainedOn.targetInputs} target inputs, ${f.trainedOn.targetLabelled} labelled target rows; ${f.features.length} features, classes ${f.classes.join(", ")}; scale ${f.scale.rule}\n`);
    for (const n of [...data.notes, ...model.notes]) process.stdout.write(`note: ${n}\n`);
    process.stdout.write(`wrote ${o.outFile}\n`);
  });

  const predict = program
    .command("predict")
    .description("predict new target rows with a saved model; writes one row per input row");
  addOptions(predict, PREDICT_OPTS, {
    required: ["model", "input", "outFile"],
    help: { outFile: "predictions CSV to write (written whole or not at all)", label: "a label column in the input to leave out of the features" },
  });
  predict.action(async (_: unknown, c: Command) => {
    const o = parseOptions(c, PREDICT_OPTS);
    checkOutputPath(o.outFile!);
    const model = TransferModel.load(o.model!);
    const rows = await loadDomain(o.input!, { ...loadOptionsOf(o), unlabelledRows: true });
    // Everything is computed before anything is written: a failure leaves no output.
    const pred = model.predict(rows);
    const P = o.proba ? model.predictProba(rows) : null;
    const k = model.classNames.length;
    const header = ["prediction", ...(P ? model.classNames.map((cl) => `p_${cl}`) : [])];
    const out = pred.map((p, i) => [p, ...(P ? Array.from(P.data.subarray(i * k, (i + 1) * k), (v) => Number(v.toPrecision(7))) : [])]);
    writeCsvAtomic(o.outFile!, header, out);
    process.stdout.write(`${pred.length} predictions written to ${o.outFile}\n`);
  });
}
