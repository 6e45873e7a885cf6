// Small helpers shared by the metrics: standardisation, random splits and subsamples, the normal quantile.
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

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const dd = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((dd[0]! * q + dd[1]!) * q + dd[2]!) * q + dd[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
