// How target inputs reach the final estimator's feature space, as something that can be saved. A map is a
// function (X ↦ features); a map that a model file can hold also carries its `state`: plain JSON numbers from
// which ./model-state.ts rebuilds the same function, so predictions after save/load are bit-identical (the
// float64/float32 parameters round-trip exactly through JSON, and the same code applies them).
import type { Matrix } from "../core/matrix.js";
import { center, matmul, toMat64, toMatrix, type Mat64 } from "../core/linalg.js";

/** A dense matrix as JSON (row-major numbers). */
export interface MatrixState { rows: number; cols: number; data: number[] }

export type MapState =
  /** X as is (instance methods, OT — the source moved onto the target —, CORAL, baselines, self-training). */
  | { kind: "identity" }
  /** (X − mean)·W; without mean, X·W (subspace alignment, JDA). */
  | { kind: "linear"; mean?: number[]; W: MatrixState }
  /** k(X, basis)·W (TCA). */
  | { kind: "kernel"; kernel: { type: "linear" } | { type: "rbf"; gamma: number }; basis: MatrixState; W: MatrixState }
  /** Feature augmentation's target copy [x, 0, x]. */
  | { kind: "augment" };

/** A target map; `state` is present when the map can be saved. */
export type TargetMap = ((X: Matrix) => Matrix) & { readonly state?: MapState };

export function savableMap(state: MapState, apply: (X: Matrix) => Matrix): TargetMap {
  return Object.assign((X: Matrix) => apply(X), { state });
}

export function identityMap(): TargetMap {
  return savableMap({ kind: "identity" }, (X) => X);
}

export function matrixState(m: { rows: number; cols: number; data: ArrayLike<number> }): MatrixState {
  return { rows: m.rows, cols: m.cols, data: Array.from(m.data) };
}

/** (X − mean)·W (or X·W), in float64, rounded to float32 once at the end. */
export function linearMap(W: Mat64, mean?: Float64Array): TargetMap {
  return savableMap({ kind: "linear", ...(mean ? { mean: Array.from(mean) } : {}), W: matrixState(W) }, (X) => {
    const x = toMat64(X);
    return toMatrix(matmul(mean ? center(x, mean) : x, W));
  });
}
