// The estimator boundary: what every fit and predict checks first, so a library caller's misuse (labels −1, a
// plain array as labels, an unknown constructor key) is a typed error naming the argument and the row.
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { MAX_CLASSES, checkMatrix, describe } from "../core/args.js";
import type { Labels } from "../core/domain.js";
import type { EstimatorSnapshot, FitOptions } from "./types.js";
import { z } from "zod";

/** Refuses keys an estimator does not have (and prototype keys such as __proto__), naming the known ones. */
export function checkEstimatorParams(name: string, raw: unknown, defaults: object): void {
  if (raw === undefined) return;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalidParam("params", `${name}: parameters must be an object, got ${describe(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(defaults, key)) throw invalidParam(key, `${name} has no parameter '${key}'`, `its parameters: ${Object.keys(defaults).join(", ")}`);
    const v = (raw as Record<string, unknown>)[key];
    if (typeof v === "symbol" || typeof v === "function" || typeof v === "bigint") throw invalidParam(key, `${name}: parameter '${key}' must be a number, string, boolean or array, got ${describe(v)}`);
  }
}

export function checkInputs(name: string, X: unknown, what = "X"): asserts X is Matrix {
  if (!(X instanceof Matrix)) throw invalidParam(what, `${name}: ${what} must be a Matrix, got ${describe(X)}`, "Matrix.from(rows) or new Matrix(rows, cols, Float32Array)");
  checkMatrix(X, what);
}

/** X a Matrix, y an Int32Array of class indices 0…MAX_CLASSES−1 (one per row), and the options' types. */
export function checkFitArgs(name: string, X: unknown, y: unknown, opts: unknown): asserts y is Labels {
  checkInputs(name, X);
  if (!(y instanceof Int32Array)) throw invalidParam("y", `${name}: labels must be an Int32Array of class indices, got ${describe(y)}`, "Int32Array.from(labels)");
  if (X.rows === 0) throw new TransferLabError("EMPTY_DOMAIN", `${name}: no training rows`, { param: "X" });
  if (X.cols === 0) throw new TransferLabError("EMPTY_DOMAIN", `${name}: no features`, { param: "X" });
  if (y.length !== X.rows) throw new TransferLabError("SHAPE_MISMATCH", `${name}: X has ${X.rows} rows but y has ${y.length} labels`, { param: "y" });
  for (let i = 0; i < y.length; i++) {
    if (y[i]! < 0 || y[i]! >= MAX_CLASSES) throw new TransferLabError("LABEL_MISMATCH", `${name}: label ${y[i]} at row ${i + 1} is not a class index 0..k-1`, { row: i + 1, param: "y" });
  }
  if (opts === undefined) return;
  if (opts === null || typeof opts !== "object") throw invalidParam("opts", `${name}: fit options must be an object, got ${describe(opts)}`);
  const o = opts as FitOptions;
  if (o.sampleWeight !== undefined && !(o.sampleWeight instanceof Float32Array)) throw invalidParam("sampleWeight", `${name}: sampleWeight must be a Float32Array, got ${describe(o.sampleWeight)}`);
  if (o.numClasses !== undefined && !(Number.isInteger(o.numClasses) && o.numClasses >= 1 && o.numClasses <= MAX_CLASSES)) throw invalidParam("numClasses", `${name}: numClasses must be an integer in 1..${MAX_CLASSES}, got ${describe(o.numClasses)}`);
  if (o.rng !== undefined && !(o.rng instanceof Rng)) throw invalidParam("rng", `${name}: rng must be an Rng, got ${describe(o.rng)}`);
  if (o.memoryBudget !== undefined && !(typeof o.memoryBudget === "number" && o.memoryBudget > 0)) throw invalidParam("memoryBudget", `${name}: memoryBudget must be a positive number of bytes, got ${describe(o.memoryBudget)}`);
}

/** Largest finite float32: stored inputs (support vectors, training rows) must fit the float32 matrices they fill. */
const F32_MAX = 3.4028234663852886e38;
/** Schema pieces for saved estimator states. */
export const stateSchema = {
  count: z.int().min(1),
  classes: z.int().min(1).max(MAX_CLASSES),
  f32: z.number().min(-F32_MAX).max(F32_MAX),
  /** A finite float64 (JSON can hold 1e999, which reads as Infinity: refused). */
  f64: z.number(),
};

/**
 * The state of a saved estimator (a model file's), checked against its schema before anything is built from it: a
 * damaged or edited snapshot is a typed DATA_FORMAT error naming the field, never a model that predicts garbage.
 */
export function snapshotState<S extends z.ZodType>(name: string, version: number, s: EstimatorSnapshot, schema: S): z.output<S> {
  if (s === null || typeof s !== "object" || s.kind !== name || s.version !== version) {
    throw new TransferLabError("DATA_FORMAT", `not a ${name} v${version} snapshot (kind ${describe(s?.kind)}, version ${describe(s?.version)})`);
  }
  if (s.params !== undefined && (s.params === null || typeof s.params !== "object" || Array.isArray(s.params))) {
    throw new TransferLabError("DATA_FORMAT", `the ${name} snapshot is damaged: params must be an object, got ${describe(s.params)}`);
  }
  const r = schema.safeParse(s.state);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TransferLabError("DATA_FORMAT", `the ${name} snapshot is damaged: state${issue.path.map((k) => `.${String(k)}`).join("")}: ${issue.message}`, {}, "fit and save the model again");
  }
  return r.data;
}
