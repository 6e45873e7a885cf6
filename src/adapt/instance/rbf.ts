// RBF kernel blocks in float64, shared by the instance methods (KMM, KLIEP) and TCA. Direct differences rather than
// ‖x‖² + ‖y‖² − 2x·y, so nearby points keep full precision (the fidelity tests compare to 1e-4 relative).
import type { Matrix } from "../../core/matrix.js";
import { invalidParam } from "../../core/errors.js";
import { sqdistUnchecked } from "../../engine/index.js";

/** γ from a user value, or scikit-learn's default 1/d for RBF kernels when null. */
export function resolveGamma(gamma: number | null, d: number, param = "gamma"): number {
  const g = gamma ?? 1 / d;
  if (!Number.isFinite(g) || g <= 0) throw invalidParam(param, `gamma must be a positive number, got ${g}`);
  return g;
}

/** K[i, j] = exp(−γ‖x_i − y_j‖²) for rows [r0, r1) of X against all of Y, into out ((r1−r0)·m, row-major). */
export function rbfBlock(X: Matrix, r0: number, r1: number, Y: Matrix, gamma: number, out: Float64Array): Float64Array {
  const d = X.cols, len = (r1 - r0) * Y.rows;
  sqdistUnchecked(X.data.subarray(r0 * d, r1 * d), r1 - r0, Y.data, Y.rows, d, out);
  for (let k = 0; k < len; k++) out[k] = Math.exp(-gamma * out[k]!);
  return out;
}

/** The full n×m RBF matrix (caller has checked the memory budget). */
export function rbfMatrix(X: Matrix, Y: Matrix, gamma: number): Float64Array {
  return rbfBlock(X, 0, X.rows, Y, gamma, new Float64Array(X.rows * Y.rows));
}

/** Row sums of the RBF matrix of X against Y, in blocks (O(block·m) memory). */
export function rbfRowSums(X: Matrix, Y: Matrix, gamma: number, block = 256): Float64Array {
  const out = new Float64Array(X.rows);
  const buf = new Float64Array(Math.min(block, X.rows) * Y.rows);
  for (let r0 = 0; r0 < X.rows; r0 += block) {
    const r1 = Math.min(X.rows, r0 + block);
    rbfBlock(X, r0, r1, Y, gamma, buf);
    for (let i = r0; i < r1; i++) {
      let s = 0;
      const o = (i - r0) * Y.rows;
      for (let j = 0; j < Y.rows; j++) s += buf[o + j]!;
      out[i] = s;
    }
  }
  return out;
}
