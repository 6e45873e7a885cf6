// Ground costs and marginals for discrete OT between two point clouds.
import type { Matrix } from "../../core/matrix.js";
import { assertSameColumns } from "../../core/validate.js";
import { kernels, sqdistUnchecked } from "../../engine/index.js";
import { mat64, type Mat64 } from "../../core/linalg.js";

export type CostNorm = "none" | "max" | "median";

/**
 * Squared Euclidean costs M_ij = ‖xs_i − xt_j‖² as a float64 matrix (POT's metric="sqeuclidean").
 * precision "float64" sums differences in double precision (what small-reg Sinkhorn and the fidelity
 * checks need: an error δ in M shifts the plan by a factor e^{δ/reg}); "float32" uses the engine's fast
 * kernel (kernels().sqdist) and widens the result.
 */
export function sqeuclideanCost(Xs: Matrix, Xt: Matrix, precision: "float64" | "float32" = "float64"): Mat64 {
  assertSameColumns(Xs, Xt);
  const n = Xs.rows, m = Xt.rows, d = Xs.cols;
  const M = mat64(n, m);
  if (precision === "float32") {
    const out = new Float32Array(n * m);
    kernels().sqdist(Xs.data, n, Xt.data, m, d, out);
    for (let k = 0; k < out.length; k++) M.data[k] = out[k]!;
    return M;
  }
  sqdistUnchecked(Xs.data, n, Xt.data, m, d, M.data);
  return M;
}

/** Divides the costs by their maximum or median, as POT's cost_normalization (in place). */
export function normalizeCost(M: Mat64, norm: CostNorm): Mat64 {
  if (norm === "none") return M;
  let s: number;
  if (norm === "max") {
    s = 0;
    for (const v of M.data) if (v > s) s = v;
  } else {
    const sorted = Float64Array.from(M.data).sort();
    const k = sorted.length;
    s = k % 2 === 1 ? sorted[(k - 1) / 2]! : 0.5 * (sorted[k / 2 - 1]! + sorted[k / 2]!);
  }
  if (s > 0) for (let k = 0; k < M.data.length; k++) M.data[k]! /= s;
  return M;
}

export function uniformWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

