// CORAL (CORrelation ALignment): whiten the source with its own regularised covariance, re-colour it with the
// target's. Sun, Feng & Saenko, "Return of Frustratingly Easy Domain Adaptation", AAAI 2016.
import { z } from "zod";
import type { Matrix } from "../../core/matrix.js";
import { defineFeatureMethod } from "../base.js";
import { addDiagonal, addRowVector, center, colMeans, covariance, invSqrtmSym, matmul, sqrtmSym, toMat64, toMatrix, type Mat64 } from "./linalg.js";

export interface CoralOptions {
  /** Added to both covariance diagonals (the paper's "+ eye(d)" is lambda = 1). */
  lambda: number;
  /**
   * false (paper): X ↦ X·A, second-order statistics only.
   * true: X ↦ (X − μs)·A + μt, also matching the means.
   */
  center: boolean;
}

export interface CoralMap {
  /** A = (Cs + λI)^{-1/2} (Ct + λI)^{1/2}, d×d. */
  A: Mat64;
  muS: Float64Array;
  muT: Float64Array;
  center: boolean;
  apply(X: Matrix): Matrix;
}

/** Fits the CORAL linear map from source inputs Xs to target inputs Xt (covariances as np.cov, ddof = 1). */
export function coralMap(Xs: Matrix, Xt: Matrix, opts: CoralOptions): CoralMap {
  const s = toMat64(Xs), t = toMat64(Xt);
  const Cs = addDiagonal(covariance(s, 1), opts.lambda);
  const Ct = addDiagonal(covariance(t, 1), opts.lambda);
  const A = matmul(invSqrtmSym(Cs), sqrtmSym(Ct));
  const muS = colMeans(s), muT = colMeans(t);
  return {
    A, muS, muT, center: opts.center,
    apply(X: Matrix): Matrix {
      const x = toMat64(X);
      if (!opts.center) return toMatrix(matmul(x, A));
      return toMatrix(addRowVector(matmul(center(x, muS), A), muT));
    },
  };
}

export const coral = defineFeatureMethod({
  name: "coral",
  description: "CORAL: whiten the source with its regularised covariance and re-colour it with the target's",
  reference: "Sun, Feng & Saenko, Return of Frustratingly Easy Domain Adaptation, AAAI 2016",
  params: z.object({
    lambda: z.number().positive().default(1).describe("added to both covariance diagonals (the paper's + eye(d))"),
    center: z.boolean().default(true).describe("also move the source mean onto the target mean; false = the paper's X·A (on the digits pairs the centred map is what reaches the reference 41.9 %)"),
  }),
  fitMap({ source, target }, p) {
    const m = coralMap(source.X, target.X, p);
    return { mappedSource: m.apply(source.X), mapTarget: (X: Matrix) => X, details: { A: m.A, map: m } };
  },
});
