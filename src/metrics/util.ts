// Small helpers shared by the metrics: standardisation, random splits and subsamples.
import { Matrix, columnMeanStd } from "../core/matrix.js";
import type { Rng } from "../core/rng.js";

export interface Standardizer {
  mean: Float64Array;
  scale: Float64Array;
  apply(X: Matrix): Matrix;
}

/** Per-column mean and standard deviation (constant columns get scale 1, so they map to 0). */
export function fitStandardizer(X: Matrix): Standardizer {
  const { mean, std: scale } = columnMeanStd(X, 1);
  return {
    mean, scale,
    apply(A: Matrix): Matrix {
      const out = new Matrix(A.rows, A.cols);
      for (let i = 0; i < A.rows; i++) {
        const o = i * A.cols;
        for (let j = 0; j < A.cols; j++) out.data[o + j] = (A.data[o + j]! - mean[j]!) / scale[j]!;
      }
      return out;
    },
  };
}

/** Indices 0..n-1 split at random into two halves (the first gets ⌈n/2⌉). */
export function halves(n: number, rng: Rng): [Int32Array, Int32Array] {
  const p = rng.permutation(n);
  const h = Math.ceil(n / 2);
  return [p.slice(0, h).sort(), p.slice(h).sort()];
}

/** A random subset of at most `max` rows (all rows, in order, when n ≤ max). */
export function subsampleRows(X: Matrix, max: number, rng: Rng): { X: Matrix; idx: Int32Array | null } {
  if (X.rows <= max) return { X, idx: null };
  const idx = rng.permutation(X.rows).slice(0, max).sort();
  return { X: X.takeRows(idx), idx };
}
