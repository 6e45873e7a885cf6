// CORAL distance (Sun & Saenko, "Deep CORAL", ECCV-W 2016): ‖C_S − C_T‖²_F / (4d²), with C the feature covariance
// (n − 1 denominator, the engine's covariance). It compares second-order statistics only: equal covariances give 0 even when the means differ.
import type { Matrix } from "../core/matrix.js";
import { TransferLabError } from "../core/errors.js";
import { assertSameColumns } from "../core/validate.js";
import { centredRows, covariance, kernels } from "../engine/index.js";

export function coralDistance(X: Matrix, Y: Matrix): number {
  assertSameColumns(X, Y);
  const d = X.cols;
  if (d * d > X.rows * X.rows + Y.rows * Y.rows + X.rows * Y.rows) return coralDistanceGram(X, Y);
  const a = covariance(X, { ddof: 1 }).data, b = covariance(Y, { ddof: 1 }).data;
  let s = 0;
  for (let q = 0; q < d * d; q++) s += (a[q]! - b[q]!) ** 2;
  return s / (4 * d * d);
}

/**
 * The same distance without a d×d matrix, for wide data (d² above n² + m² + nm: 300 rows × 10,000 features would
 * need two 800 MB covariances): with centred X̃, Ỹ, ‖C_S‖² = ‖X̃X̃ᵀ‖²/(n−1)², ‖C_T‖² likewise, and
 * tr(C_S C_T) = ‖X̃Ỹᵀ‖²/((n−1)(m−1)), so ‖C_S − C_T‖² needs only the n×n, m×m and n×m Gram matrices.
 */
export function coralDistanceGram(X: Matrix, Y: Matrix): number {
  const n = X.rows, m = Y.rows, d = X.cols;
  if (n < 2 || m < 2) throw new TransferLabError("EMPTY_DOMAIN", `a covariance needs at least 2 rows, got ${Math.min(n, m)}`);
  const xc = centredRows(X), yc = centredRows(Y);
  const frob2 = (A: Float32Array, a: number, B: Float32Array, b: number): number => {
    const G = new Float32Array(a * b);
    kernels().gemm(false, true, a, b, d, 1, A, d, B, d, 0, G, b);
    let s = 0;
    for (const g of G) s += g * g;
    return s;
  };
  const s = frob2(xc, n, xc, n) / (n - 1) ** 2 + frob2(yc, m, yc, m) / (m - 1) ** 2 - (2 * frob2(xc, n, yc, m)) / ((n - 1) * (m - 1));
  return Math.max(0, s) / (4 * d * d);
}
