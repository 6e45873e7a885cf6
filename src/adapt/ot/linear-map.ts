// The linear Monge map between Gaussian approximations of two clouds (Knott & Smith 1984; Peyré & Cuturi,
// "Computational Optimal Transport", remark 2.29): x ↦ x·A + b with
// A = Σs^{-1/2} (Σs^{1/2} Σt Σs^{1/2})^{1/2} Σs^{-1/2}, b = μt − μs·A. Covariances are the biased (1/n)
// estimates plus reg·I, as POT's ot.da.OT_mapping_linear.
import type { Matrix } from "../../core/matrix.js";
import { addDiagonal, addRowVector, colMeans, covariance, invSqrtmSym, matmul, sqrtmSym, toMat64, toMatrix, type Mat64 } from "../../core/linalg.js";

export interface LinearMongeMap {
  A: Mat64;
  b: Float64Array;
  apply(X: Matrix): Matrix;
}

export function linearMongeMap(Xs: Matrix, Xt: Matrix, reg = 1e-8, bias = true): LinearMongeMap {
  const s = toMat64(Xs), t = toMat64(Xt);
  const d = s.cols;
  let Cs: Mat64, Ct: Mat64, muS: Float64Array, muT: Float64Array;
  if (bias) {
    muS = colMeans(Xs); muT = colMeans(Xt);
    Cs = covariance(Xs, 0); Ct = covariance(Xt, 0);
  } else {
    muS = new Float64Array(d); muT = new Float64Array(d);
    Cs = matmul(s, s, true, false); Ct = matmul(t, t, true, false);
    for (let k = 0; k < Cs.data.length; k++) { Cs.data[k]! /= s.rows; Ct.data[k]! /= t.rows; }
  }
  Cs = addDiagonal(Cs, reg); Ct = addDiagonal(Ct, reg);
  const Cs12 = sqrtmSym(Cs);
  const Cs_12 = invSqrtmSym(Cs);
  const M0 = sqrtmSym(matmul(matmul(Cs12, Ct), Cs12));
  const A = matmul(matmul(Cs_12, M0), Cs_12);
  const b = Float64Array.from(muT);
  for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) b[j]! -= muS[k]! * A.data[k * d + j]!;
  return {
    A, b,
    apply: (X) => toMatrix(addRowVector(matmul(toMat64(X), A), b)),
  };
}
