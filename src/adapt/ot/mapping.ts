// From a coupling to a map of source points (Courty et al., TPAMI 2017, eq. 13): each training source point
// goes to the barycentre of the targets it is coupled with, x̂_i = Σ_j P_ij x_j / Σ_j P_ij. New points follow
// the displacement of their nearest training source point (POT's ot.da out-of-sample transform):
// x ↦ x + (x̂_k − x_k), k = argmin_k ‖x − x_k‖².
import { Matrix } from "../../core/matrix.js";
import type { Mat64 } from "../../core/linalg.js";

/** Barycentric images of the training source points (rows with no mass stay at zero, as POT).
 *  Entries below 2⁻⁶⁴ of their row's largest are skipped: together they move an image by less than m·2⁻⁶⁴ of the
 *  targets' extent (< 1e-14 for m = 1e5), below the rounding of the sum itself, and at small reg they are
 *  almost all of the plan (MNIST→optdigits at reg 0.01: ~98 %). */
export function barycentricMap(plan: Mat64, Xt: Matrix): Matrix {
  const n = plan.rows, m = plan.cols, d = Xt.cols;
  const out = new Matrix(n, d);
  const acc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    let mass = 0, top = 0;
    for (let j = 0; j < m; j++) { const p = plan.data[i * m + j]!; if (p > top) top = p; else if (p !== p) { top = NaN; break; } } // NaN: row left at zero, as before
    const floor = top * 2 ** -64;
    for (let j = 0; j < m; j++) {
      const p = plan.data[i * m + j]!;
      if (!(p > floor)) continue;
      mass += p;
      for (let k = 0; k < d; k++) acc[k]! += p * Xt.data[j * d + k]!;
    }
    if (mass > 0 && Number.isFinite(mass)) for (let k = 0; k < d; k++) out.data[i * d + k] = acc[k]! / mass;
  }
  return out;
}

export interface SourceMap {
  /** Training source points and their images. */
  xs: Matrix;
  mapped: Matrix;
  /** Out-of-sample: nearest training source point's displacement (exact images for the training points). */
  apply(X: Matrix): Matrix;
}

export function displacementMap(xs: Matrix, mapped: Matrix): SourceMap {
  const n = xs.rows, d = xs.cols;
  return {
    xs, mapped,
    apply(X: Matrix): Matrix {
      const out = new Matrix(X.rows, d);
      for (let r = 0; r < X.rows; r++) {
        let best = Infinity, arg = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < d; k++) { const t = X.data[r * d + k]! - xs.data[i * d + k]!; s += t * t; }
          if (s < best) { best = s; arg = i; }
        }
        for (let k = 0; k < d; k++) {
          out.data[r * d + k] = X.data[r * d + k]! + mapped.data[arg * d + k]! - xs.data[arg * d + k]!;
        }
      }
      return out;
    },
  };
}
