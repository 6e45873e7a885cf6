// The one covariance of a float32 feature matrix (rows are examples), with its products on the kernel tier:
// means in float64, rows centred in float64 and stored as float32 (so data far from the origin, e.g. mean 1e4 and
// unit variance, loses nothing to cancellation), then X_cᵀX_c block by block through the tier's GEMM, the blocks
// summed in float64. Entries carry float32 product rounding (relative ~1e-7 of √(C_ii·C_jj); test/engine/
// covariance.test.ts, bench/covariance.ts). Every measure uses it. Maps built from matrix functions of a covariance
// (CORAL's and the OT linear map's square roots with a small ridge, Subspace Alignment's eigenvectors, JDA's
// generalized eigenproblem) need float64 sums: they keep core/linalg.ts's float64 covariance.
import type { Matrix } from "../core/matrix.js";
import { colMeans, mat64, type Mat64 } from "../core/linalg.js";
import { TransferLabError } from "../core/errors.js";
import { kernels } from "./kernels/index.js";

export interface CovarianceOptions {
  /** Divide by n − ddof: 1 is np.cov's unbiased estimate, 0 the population one. Every caller says which. */
  ddof: 0 | 1;
  /** Frequency weights, one a row (np.cov's fweights): row r counts w_r times, n = Σ w. */
  weights?: ArrayLike<number>;
}

/** Rows per GEMM: float32 sums run over at most this many rows; the blocks are summed in float64. */
export const COVARIANCE_BLOCK = 4096;

/** A row-major float32 matrix: a core Matrix, or a tensor's storage seen as rows (the deep CORAL loss). */
export type Rows = Pick<Matrix, "rows" | "cols" | "data">;

/** X − 1·meanᵀ as float32 (the difference taken in float64, then rounded once), into `out` when given. */
export function centredRows(X: Rows, mean: Float64Array = colMeans(X), out: Float32Array = new Float32Array(X.rows * X.cols)): Float32Array {
  const n = X.rows, d = X.cols, x = X.data;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = x[i * d + j]! - mean[j]!;
  return out;
}

/** Covariance of the rows of X (d×d, float64 storage), divided by n − ddof (n = Σ weights when weighted). */
export function covariance(X: Matrix, opts: CovarianceOptions): Mat64 {
  const n = X.rows, d = X.cols, x = X.data, w = opts.weights;
  if (opts.ddof !== 0 && opts.ddof !== 1) throw new TransferLabError("INVALID_PARAMETER", `covariance: ddof must be 0 or 1, got ${String(opts.ddof)}`, { param: "ddof" });
  if (w && w.length !== n) throw new TransferLabError("SHAPE_MISMATCH", `covariance: ${w.length} weights for ${n} rows`, { param: "weights" });
  let total = n;
  if (w) {
    total = 0;
    for (let i = 0; i < n; i++) {
      if (!(w[i]! >= 0)) throw new TransferLabError("INVALID_PARAMETER", `covariance: weight ${w[i]} at row ${i + 1} is not a non-negative number`, { param: "weights", row: i + 1 });
      total += w[i]!;
    }
  }
  if (total - opts.ddof <= 0) throw new TransferLabError("EMPTY_DOMAIN", `a covariance needs at least ${opts.ddof + 1} row${opts.ddof ? "s" : ""}, got ${total}`);
  const mean = colMeans(X, w);
  const C = mat64(d, d);
  const out = C.data;
  const block = Math.min(n, COVARIANCE_BLOCK);
  const Xc = new Float32Array(block * d);
  const part = new Float32Array(d * d);
  for (let i0 = 0; i0 < n; i0 += block) {
    const b = Math.min(block, n - i0);
    for (let i = 0; i < b; i++) {
      const s = w ? Math.sqrt(w[i0 + i]!) : 1; // Σ w·x xᵀ = Σ (√w·x)(√w·x)ᵀ
      const o = (i0 + i) * d;
      for (let j = 0; j < d; j++) Xc[i * d + j] = s * (x[o + j]! - mean[j]!);
    }
    kernels().gemm(true, false, d, d, b, 1, Xc, d, Xc, d, 0, part, d);
    for (let q = 0; q < d * d; q++) out[q]! += part[q]!;
  }
  const denom = total - opts.ddof;
  for (let i = 0; i < d; i++) {
    out[i * d + i]! /= denom;
    for (let j = i + 1; j < d; j++) {
      const v = (0.5 * (out[i * d + j]! + out[j * d + i]!)) / denom; // the tier's GEMM need not be bit-symmetric
      out[i * d + j] = v;
      out[j * d + i] = v;
    }
  }
  return C;
}
