// Principal components of a feature matrix by orthogonal (subspace) iteration on the covariance:
// enough for t-SNE's initialisation and for 2-D views of domains, with no dependency.
import { Matrix } from "../../core/matrix.js";
import { centredRows, covariance } from "../../engine/index.js";
import { colMeans } from "../../core/linalg.js";
import { invalidParam } from "../../core/errors.js";

export interface PcaResult {
  /** n×k projection of the centred data. */
  readonly Y: Matrix;
  /** k×d components (unit rows), largest variance first; sign: largest |coefficient| positive. */
  readonly components: Float64Array;
  /** Variance along each component. */
  readonly variances: Float64Array;
  readonly mean: Float64Array;
}

/** Project X onto its top-k principal components (deterministic). */
export function pca(X: Matrix, k = 2, maxIter = 500): PcaResult {
  const { rows: n, cols: d } = X;
  if (!Number.isInteger(k) || k < 1 || k > d) throw invalidParam("k", `needs 1 ≤ k ≤ ${d} features, got ${k}`);
  if (n < 2) throw invalidParam("X", `PCA needs at least 2 rows, got ${n}`);
  const mean = colMeans(X);
  const Xc = centredRows(X, mean);
  const C = covariance(X, { ddof: 1 }).data;

  // Orthogonal iteration: Q ← orth(C·Q) until the subspace stops moving.
  let Q = new Float64Array(d * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) Q[j * k + c] = Math.cos(1 + j * (c + 1) * 0.7) + (j === c ? 1 : 0);
  orthonormalise(Q, d, k);
  const Z = new Float64Array(d * k);
  for (let it = 0; it < maxIter; it++) {
    Z.fill(0);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      const cab = C[a * d + b]!;
      if (cab === 0) continue;
      for (let c = 0; c < k; c++) Z[a * k + c]! += cab * Q[b * k + c]!;
    }
    orthonormalise(Z, d, k);
    let change = 0;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += Z[j * k + c]! * Q[j * k + c]!;
      change = Math.max(change, 1 - Math.abs(dot));
    }
    Q = Float64Array.from(Z);
    if (change < 1e-12) break;
  }
  // Order by Rayleigh quotient and fix signs.
  const variances = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let v = 0;
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += C[a * d + b]! * Q[b * k + c]!;
      v += Q[a * k + c]! * s;
    }
    variances[c] = v;
  }
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => variances[b]! - variances[a]!);
  const components = new Float64Array(k * d);
  const vs = new Float64Array(k);
  order.forEach((c, r) => {
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(Q[j * k + c]!) > Math.abs(big)) big = Q[j * k + c]!;
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) components[r * d + j] = sign * Q[j * k + c]!;
    vs[r] = variances[c]!;
  });
  const Y = new Matrix(n, k);
  for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Xc[i * d + j]! * components[r * d + j]!;
    Y.data[i * k + r] = s;
  }
  return { Y, components, variances: vs, mean };
}

/** Modified Gram–Schmidt on the k columns of a d×k row-major matrix. */
function orthonormalise(M: Float64Array, d: number, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += M[j * k + c]! * M[j * k + p]!;
      for (let j = 0; j < d; j++) M[j * k + c]! -= dot * M[j * k + p]!;
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += M[j * k + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < d; j++) M[j * k + c]! /= norm;
  }
}
