// The saved form of a fitted model (FittedModel.save): plain JSON, restored by ./restore.ts with bit-identical
// predictions. Most methods are "a target map + the final estimator" (or a constant class when one class was
// present); a method with its own fitted state — a deep network's config and engine/nn/serialize weights —
// saves { kind: "method", state } and rebuilds it in its Adapter.restore.
import { Matrix } from "../core/matrix.js";
import { TransferLabError } from "../core/errors.js";
import type { FittedModel } from "./types.js";
import type { EstimatorSnapshot } from "../estimators/index.js";
import type { MapState, TargetMap } from "./target-map.js";
import { z } from "zod";

interface Common {
  /** Registry name of the method that was fitted. */
  method: string;
  notes: string[];
}

export type FittedState =
  /** features: the estimator's (mapped) feature count; inputs: the fitted inputs' feature count. */
  | (Common & { kind: "estimator"; numClasses: number; features: number; inputs?: number; map: MapState; estimator: EstimatorSnapshot })
  | (Common & { kind: "constant"; numClasses: number; features: number; inputs?: number; map: MapState; cls: number })
  | (Common & { kind: "method"; state: unknown });

type Core = { kind: "estimator"; numClasses: number; features: number; inputs?: number; estimator: EstimatorSnapshot } | { kind: "constant"; numClasses: number; features: number; inputs?: number; cls: number };

/** The state of a map-plus-estimator model; a map without state cannot be saved. */
export function savedState(core: Core, map: TargetMap, method: string, notes: readonly string[]): FittedState {
  if (!map.state) {
    throw new TransferLabError("UNSUPPORTED", `method '${method}' learned a target map that cannot be saved`, {}, "build mapTarget with savableMap/linearMap from src/adapt/target-map.ts");
  }
  return { ...core, map: map.state, method, notes: [...notes] };
}

// ---- checking a saved state before restoring it (a model file is user input: a damaged one is a typed error) -------
const matrixState = z.object({ rows: z.int().min(1), cols: z.int().min(1), data: z.array(z.number()) })
  .refine((m) => m.data.length === m.rows * m.cols, "data must hold rows × cols values");
const mapState = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("identity") }),
  z.object({ kind: z.literal("linear"), mean: z.array(z.number()).optional(), W: matrixState })
    .refine((s) => s.mean === undefined || s.mean.length === s.W.rows, "mean needs one value per input feature (rows of W)"),
  z.object({ kind: z.literal("kernel"), kernel: z.union([z.object({ type: z.literal("linear") }), z.object({ type: z.literal("rbf"), gamma: z.number().positive() })]), basis: matrixState, W: matrixState })
    .refine((s) => s.basis.rows === s.W.rows, "W needs one row per basis point"),
  z.object({ kind: z.literal("augment") }),
]);
const common = { method: z.string(), notes: z.array(z.string()) };
const mapped = { numClasses: z.int().min(1), features: z.int().min(1), inputs: z.int().min(1).optional(), map: mapState };
const fittedState = z.discriminatedUnion("kind", [
  z.object({ ...common, kind: z.literal("estimator"), ...mapped, estimator: z.looseObject({ kind: z.string(), version: z.literal(1), params: z.record(z.string(), z.unknown()), state: z.unknown() }) }),
  z.object({ ...common, kind: z.literal("constant"), ...mapped, cls: z.int().min(0) }).refine((s) => s.cls < s.numClasses, "cls must be below numClasses"),
  z.object({ ...common, kind: z.literal("method"), state: z.unknown() }),
]);

/** A saved fitted model's state, checked whole (the estimator's own state is checked by its load). */
export function checkFittedState(raw: unknown): FittedState {
  const r = fittedState.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TransferLabError("DATA_FORMAT", `the saved model is damaged: fitted${issue.path.map((k) => `.${String(k)}`).join("")}: ${issue.message}`, {}, "fit and save the model again");
  }
  return r.data as FittedState;
}

/** Target inputs through the map, checked against the estimator's feature count (shared by fit and restore). */
export function checkedMap(map: TargetMap, dim: number, method: string, inputs?: number): (X: Matrix) => Matrix {
  return (X) => {
    if (inputs !== undefined && X.cols !== inputs) throw new TransferLabError("FEATURE_MISMATCH", `method '${method}' was fitted on ${inputs} features, got ${X.cols}`);
    const m = map(X);
    if (m.cols !== dim) throw new TransferLabError("FEATURE_MISMATCH", `method '${method}' maps inputs to ${m.cols} features, the estimator has ${dim}`);
    // Extreme inputs (or a map's extreme coefficients) overflow float32: a typed error, not a silent prediction.
    const bad = m.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new TransferLabError("NON_FINITE", `method '${method}' maps row ${Math.floor(bad / dim) + 1} to a feature that is not a finite number`, { row: Math.floor(bad / dim) + 1 });
    return m;
  };
}

/** The model when one class was present: that class, with certainty (the inputs are still checked). */
export function constantPredictor(c: number, k: number, toFeatures: (X: Matrix) => Matrix): Pick<FittedModel, "predict" | "predictProba"> {
  return {
    predict: (X) => { toFeatures(X); return new Int32Array(X.rows).fill(c); },
    predictProba: (X) => {
      toFeatures(X);
      const p = new Matrix(X.rows, Math.max(k, c + 1));
      for (let i = 0; i < X.rows; i++) p.data[i * p.cols + c] = 1;
      return p;
    },
  };
}
