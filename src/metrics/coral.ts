// CORAL distance (Sun & Saenko, "Deep CORAL", ECCV-W 2016): ‖C_S − C_T‖²_F / (4d²), with C the feature covariance
// (n − 1 denominator). It compares second-order statistics only: equal covariances give 0 even when the means differ.
import type { Matrix } from "../core/matrix.js";
import { TransferLabError } from "../core/errors.js";
import { assertSameColumns } from "../core/validate.js";
import { kernels } from "../engine/index.js";

/** Covariance matrix (d×d, float64, n − 1 denominator); centring in float64, the product through the kernel tier. */
export function covariance(X: Matrix): Float64Array {
  const n = X.rows, d = X.cols;
  if (n < 2) throw new TransferLabError("EMPTY_DOMAIN", `a covariance needs at least 2 rows, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += X.data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const out = new Float64Array(d * d);
  const block = 4096;
  const Xc = new Float32Array(Math.min(n, block) * d);
  const part = new Float32Array(d * d);
  for (let i0 = 0; i0 < n; i0 += block) {
    const b = Math.min(block, n - i0);
    for (let i = 0; i < b; i++) for (let j = 0; j < d; j++) Xc[i * d + j] = X.data[(i0 + i) * d + j]! - mean[j]!;
    kernels().gemm(true, false, d, d, b, 1, Xc, d, Xc, d, 0, part, d);
    for (let q = 0; q < d * d; q++) out[q]! += part[q]!;
  }
  for (let q = 0; q < d * d; q++) out[q]! /= n - 1;
  return out;
}

export function coralDistance(X: Matrix, Y: Matrix): number {
  assertSameColumns(X, Y);
  const d = X.cols;
  const a = covariance(X), b = covariance(Y);
  let s = 0;
  for (let q = 0; q < d * d; q++) s += (a[q]! - b[q]!) ** 2;
  return s / (4 * d * d);
}
