// The saved form of a fitted model (FittedModel.save): plain JSON, restored by ./restore.ts with bit-identical
// predictions. Most methods are "a target map + the final estimator" (or a constant class when one class was
// present); a method with its own fitted state — a deep network's config and engine/nn/serialize weights —
// saves { kind: "method", state } and rebuilds it in its Adapter.restore.
import { Matrix } from "../core/matrix.js";
import { TransferLabError } from "../core/errors.js";
import type { FittedModel } from "./types.js";
import type { EstimatorSnapshot } from "../estimators/index.js";
import type { MapState, TargetMap } from "./target-map.js";

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

/** Target inputs through the map, checked against the estimator's feature count (shared by fit and restore). */
export function checkedMap(map: TargetMap, dim: number, method: string, inputs?: number): (X: Matrix) => Matrix {
  return (X) => {
    if (inputs !== undefined && X.cols !== inputs) throw new TransferLabError("FEATURE_MISMATCH", `method '${method}' was fitted on ${inputs} features, got ${X.cols}`);
    const m = map(X);
    if (m.cols !== dim) throw new TransferLabError("FEATURE_MISMATCH", `method '${method}' maps inputs to ${m.cols} features, the estimator has ${dim}`);
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
