// Deploy: fit one method on everything the user has (all source rows, all target inputs, any labelled target
// rows) and keep what prediction needs in one model file — the scaling, feature names, class names, method and
// parameters, the fitted model (FittedModel.save) and a schema version. Loading checks the version and the
// features by name; predictions carry the user's class names.
import { bytesSchema, checkDomainArg, fnSchema, paramRecord, parseArgs, seedSchema, signalSchema } from "../core/args.js";
import type { FitProgress } from "../core/progress.js";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { TransferLabError } from "../core/errors.js";
import type { Domain, LabelledDomain, UnlabelledDomain } from "../core/domain.js";
import { getMethod, restoreFitted, type FitData, type FittedModel, type FittedState } from "../adapt/index.js";
import { estimatorFactory, type EstimatorName } from "../estimators/index.js";
import { writeFileAtomic } from "../core/atomic.js";
import { applyScale, scalePair, type Scale, type ScaleInfo } from "../data/index.js";
import { checkResultHeader, resultHeader, resultHeaderShape, resultId, RESULT_VERSIONS } from "./schemas.js";

/** The model file's identifier and version (./schemas.ts: `schema: "transferlab/model"`, `version`). */
export const MODEL_FORMAT = resultId("model");
export const MODEL_VERSION = RESULT_VERSIONS.model;

export interface FitModelOptions {
  method: string;
  /** The method's parameters (validated by the method). */
  params?: Record<string, unknown>;
  estimator?: EstimatorName;
  estimatorParams?: Record<string, unknown>;
  /** Input scaling, fitted on the inputs only (default "none"). */
  scale?: Scale;
  /** The method's random stream is new Rng(seed).fork(`method:<name>`), as in evaluate (default 0). */
  seed?: number;
  memoryBudget?: number;
  signal?: AbortSignal;
  /** Fit the estimator so predictProba works (an SVC adds Platt scaling); default true. */
  probabilities?: boolean;
  /** A long fit's own progress (fraction, message), e.g. "KMM: QP iteration 50/1000". */
  progress?: FitProgress;
}

export interface FitModelData {
  source: LabelledDomain;
  /** Every target input (labels, if any, are not read: give labelled rows in targetLabelled). */
  target: UnlabelledDomain;
  targetLabelled?: LabelledDomain;
}

const modelFileSchema = z.object({
  ...resultHeaderShape("model"),
  method: z.string(),
  params: z.record(z.string(), z.unknown()),
  estimator: z.object({ name: z.string(), params: z.record(z.string(), z.unknown()) }),
  features: z.array(z.string()),
  classes: z.array(z.string()),
  scale: z.object({ rule: z.enum(["global", "standard", "none"]), divisor: z.number().positive().optional(), mean: z.array(z.number()).optional(), std: z.array(z.number().positive()).optional() }),
  fitted: z.object({ kind: z.enum(["estimator", "constant", "method"]), method: z.string() }).passthrough(),
  trainedOn: z.object({ source: z.number(), targetInputs: z.number(), targetLabelled: z.number() }),
}).superRefine((m, ctx) => {
  // The parts must agree with each other: a damaged file is refused here, not read as a different model.
  const d = m.features.length;
  if (new Set(m.features).size !== d) ctx.addIssue({ code: "custom", path: ["features"], message: "feature names repeat" });
  if (m.classes.length === 0 || new Set(m.classes).size !== m.classes.length) ctx.addIssue({ code: "custom", path: ["classes"], message: "class names must be distinct, at least one" });
  if (m.scale.rule === "standard" && !(m.scale.mean?.length === d && m.scale.std?.length === d)) ctx.addIssue({ code: "custom", path: ["scale"], message: `a standard scale needs ${d} means and ${d} standard deviations` });
  if (m.scale.rule === "global" && m.scale.divisor === undefined) ctx.addIssue({ code: "custom", path: ["scale", "divisor"], message: "a global scale needs its divisor" });
  const k = (m.fitted as { numClasses?: unknown }).numClasses;
  if (k !== undefined && k !== m.classes.length) ctx.addIssue({ code: "custom", path: ["fitted", "numClasses"], message: `${String(k)} classes, but the file names ${m.classes.length}` });
});
export type ModelFile = z.infer<typeof modelFileSchema>;

/** A fitted, deployable model. */
export class TransferModel {
  private constructor(readonly file: ModelFile, private readonly fitted: FittedModel) {}

  get method(): string { return this.file.method; }
  get featureNames(): readonly string[] { return this.file.features; }
  get classNames(): readonly string[] { return this.file.classes; }
  get notes(): readonly string[] { return this.fitted.notes; }

  /** Class indices (into classNames) of target rows: a Domain (columns matched by name) or a Matrix (by position). */
  predictCodes(X: Matrix | Domain): Int32Array {
    const codes = Int32Array.from(this.fitted.predict(this.inputs(X)));
    const k = this.file.classes.length;
    const bad = codes.findIndex((c) => c < 0 || c >= k);
    if (bad >= 0) throw new TransferLabError("DATA_FORMAT", `the model predicts class ${codes[bad]} for row ${bad + 1}, but its file names ${k} classes: the file is damaged`, { row: bad + 1 }, "fit and save the model again");
    return codes;
  }

  /** Predicted class names. */
  predict(X: Matrix | Domain): string[] {
    return Array.from(this.predictCodes(X), (c) => this.file.classes[c]!);
  }

  /** Probabilities, one column per class name (in classNames order). */
  predictProba(X: Matrix | Domain): Matrix {
    const P = this.fitted.predictProba(this.inputs(X));
    const k = this.file.classes.length;
    if (P.cols === k) return P;
    const out = new Matrix(P.rows, k);
    for (let i = 0; i < P.rows; i++) for (let c = 0; c < Math.min(k, P.cols); c++) out.data[i * k + c] = P.data[i * P.cols + c]!;
    return out;
  }

  toJSON(): ModelFile { return this.file; }

  /** Writes the model file atomically (a failed save leaves no file). */
  save(path: string): void {
    writeFileAtomic(path, `${JSON.stringify(this.file)}\n`);
  }

  static load(path: string): TransferModel {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new TransferLabError("FILE_NOT_FOUND", "cannot read the model file", { file: path });
    }
    return TransferModel.parse(text, path);
  }

  /** Reads a model file's text; a truncated or foreign file, or another schema version, is a typed error. */
  static parse(text: string, file = "(model)"): TransferModel {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new TransferLabError("DATA_FORMAT", "the model file is truncated or not JSON", { file }, "save it again with transferlab fit --out");
    }
    checkResultHeader(raw, "model", file);
    // The first release named the identifier `format`; the content is the same.
    const { format: _legacy, ...doc } = raw as Record<string, unknown>;
    const r = modelFileSchema.safeParse({ ...doc, schema: doc.schema ?? _legacy });
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new TransferLabError("DATA_FORMAT", `the model file is damaged: ${issue.path.join(".") || "(top)"}: ${issue.message}`, { file });
    }
    try {
      return new TransferModel(r.data, restoreFitted(r.data.fitted as unknown as FittedState));
    } catch (e) {
      // A damaged part (the fitted state, an estimator's snapshot) is named with the file it came from.
      if (e instanceof TransferLabError && e.where.file === undefined) throw TransferLabError.revive(e.code, `${file}: ${e.message}`, { ...e.where, file }, e.hint);
      throw e;
    }
  }

  /** @internal used by fitModel. */
  static of(file: ModelFile, fitted: FittedModel): TransferModel {
    return new TransferModel(file, fitted);
  }

  /** Rows in the training feature order, scaled as the training rows were. */
  private inputs(X: Matrix | Domain): Matrix {
    if (!(X instanceof Matrix)) checkDomainArg(X, "X", "optional");
    const M = X instanceof Matrix ? X : alignByName(X, this.file.features);
    if (M.cols !== this.file.features.length) {
      throw new TransferLabError("FEATURE_MISMATCH", `the model was fitted on ${this.file.features.length} features, got ${M.cols}`);
    }
    const scaled = applyScale(M, this.file.scale as ScaleInfo);
    const bad = scaled.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const row = Math.floor(bad / scaled.cols) + 1;
      throw new TransferLabError("NON_FINITE", `not a finite number after the model's ${this.file.scale.rule} scaling`, { row, column: this.file.features[bad % scaled.cols] });
    }
    return scaled;
  }
}

/** The columns of d in the order of `names`; every model feature must be present and no other. */
export function alignByName(d: Domain, names: readonly string[]): Matrix {
  const have = d.featureNames;
  if (!have) return d.X;
  const missing = names.filter((n) => !have.includes(n));
  const extra = have.filter((n) => !names.includes(n));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", …" : ""}`);
    if (extra.length) parts.push(`not in the model ${extra.slice(0, 8).join(", ")}${extra.length > 8 ? ", …" : ""}`);
    throw new TransferLabError("FEATURE_MISMATCH", `the rows' features differ from the model's (${parts.join("; ")})`, {}, "give rows with the features the model was fitted on");
  }
  if (have.every((n, j) => n === names[j])) return d.X;
  const col = names.map((n) => have.indexOf(n));
  const out = new Matrix(d.X.rows, names.length);
  for (let i = 0; i < d.X.rows; i++) for (let j = 0; j < col.length; j++) out.data[i * col.length + j] = d.X.data[i * d.X.cols + col[j]!]!;
  return out;
}

/** Fits `opts.method` on everything given and returns a model that predicts, saves and loads. */
const fitModelOptionsSchema = z.strictObject({
  method: z.string(), params: paramRecord.optional(), estimator: z.string().optional(), estimatorParams: paramRecord.optional(),
  scale: z.enum(["global", "standard", "none"]).optional(), seed: seedSchema.optional(), memoryBudget: bytesSchema.optional(),
  signal: signalSchema.optional(), probabilities: z.boolean().optional(), progress: fnSchema<FitProgress>().optional(),
});

export async function fitModel(data: FitModelData, rawOpts: FitModelOptions): Promise<TransferModel> {
  const opts = parseArgs(fitModelOptionsSchema, rawOpts, "fit") as FitModelOptions;
  if (data === null || typeof data !== "object") throw new TransferLabError("INVALID_PARAMETER", "fit needs data { source, target, targetLabelled? }", { param: "data" });
  checkDomainArg(data.source, "source", "required");
  checkDomainArg(data.target, "target", "optional");
  if (data.targetLabelled !== undefined) checkDomainArg(data.targetLabelled, "targetLabelled", "required");
  const m = getMethod(opts.method);
  const params = m.parseParams(opts.params ?? {}) as Record<string, unknown>;
  const estimator = opts.estimator ?? "svc";
  const estimatorParams = opts.estimatorParams ?? {};
  const plain = estimatorFactory(estimator, estimatorParams);
  const factory = opts.probabilities === false ? plain : () => { const e = plain(); return e.withProbabilities?.() ?? e; };
  const { source, target, targetLabelled } = data;
  const features = source.featureNames ? [...source.featureNames] : Array.from({ length: source.X.cols }, (_, j) => `x${j + 1}`);
  const t = target.featureNames ? alignByName(target, features) : target.X;
  const scaled = scalePair(source.X, t, opts.scale ?? "none");
  const tl = targetLabelled && targetLabelled.X.rows > 0
    ? { ...targetLabelled, X: applyScale(targetLabelled.featureNames ? alignByName(targetLabelled, features) : targetLabelled.X, scaled.info) }
    : undefined;
  const fitData: FitData = {
    source: { ...source, X: scaled.source },
    target: { name: target.name, X: scaled.target },
    ...(tl ? { targetLabelled: tl } : {}),
  };
  const fitted = await m.fit(fitData, {
    rng: new Rng(opts.seed ?? 0).fork(`method:${m.name}`),
    estimator: factory,
    memoryBudget: opts.memoryBudget,
    signal: opts.signal,
    ...(opts.progress ? { progress: opts.progress } : {}),
  }, params);
  if (!fitted.save) throw new TransferLabError("UNSUPPORTED", `method '${m.name}' cannot save its fitted model`);
  let k = source.classNames?.length ?? 0;
  for (const v of source.y) k = Math.max(k, v + 1);
  const classes = source.classNames ? [...source.classNames] : Array.from({ length: k }, (_, c) => String(c));
  const file: ModelFile = {
    ...resultHeader("model"), method: m.name, params,
    estimator: { name: estimator, params: estimatorParams },
    features, classes, scale: scaled.info,
    fitted: fitted.save() as unknown as ModelFile["fitted"],
    trainedOn: { source: source.X.rows, targetInputs: target.X.rows, targetLabelled: tl?.X.rows ?? 0 },
  };
  return TransferModel.of(file, fitted);
}
