// Small dense float64 linear algebra (shared service: feature and OT methods; the data summary's column means). Decompositions come from ml-matrix
// (symmetric EVD, Cholesky); this file only adapts storage (row-major Float64Array) and adds the few
// compositions we need (covariance, symmetric matrix functions, generalized symmetric eigenproblem).
// Float64 throughout: covariance square roots and their inverses amplify float32 rounding.
import { EigenvalueDecomposition, CholeskyDecomposition, Matrix as MlMatrix } from "ml-matrix";
import { Matrix } from "./matrix.js";
import { TransferLabError } from "./errors.js";

/** A dense row-major float64 matrix. */
export interface Mat64 {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function mat64(rows: number, cols: number, data?: Float64Array): Mat64 {
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function toMat64(m: Matrix): Mat64 {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}

export function toMatrix(m: Mat64): Matrix {
  return new Matrix(m.rows, m.cols, Float32Array.from(m.data));
}

export function identity(n: number, scale = 1): Mat64 {
  const I = mat64(n, n);
  for (let i = 0; i < n; i++) I.data[i * n + i] = scale;
  return I;
}

export function transpose(A: Mat64): Mat64 {
  const T = mat64(A.cols, A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) T.data[j * A.rows + i] = A.data[i * A.cols + j]!;
  return T;
}

/** C = op(A)·op(B) in float64 (i-p-j order streams rows). */
export function matmul(A: Mat64, B: Mat64, transA = false, transB = false): Mat64 {
  const a = transA ? transpose(A) : A;
  const b = transB ? transpose(B) : B;
  if (a.cols !== b.rows) throw new TransferLabError("SHAPE_MISMATCH", `cannot multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const m = a.rows, k = a.cols, n = b.cols;
  const C = mat64(m, n);
  const ad = a.data, bd = b.data, cd = C.data;
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const av = ad[i * k + p]!;
      if (av === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) cd[ci + j]! += av * bd[bp + j]!;
    }
  }
  return C;
}

export function add(A: Mat64, B: Mat64, beta = 1): Mat64 {
  const C = mat64(A.rows, A.cols);
  for (let i = 0; i < A.data.length; i++) C.data[i] = A.data[i]! + beta * B.data[i]!;
  return C;
}

export function addDiagonal(A: Mat64, v: number): Mat64 {
  const C = mat64(A.rows, A.cols, A.data.slice());
  for (let i = 0; i < Math.min(A.rows, A.cols); i++) C.data[i * A.cols + i]! += v;
  return C;
}

/** Column means (float64) of row-major data (a Mat64, a float32 Matrix read in place, a tensor's storage), weighted
 *  by `weights` (one a row) when given; zeros for no rows. The one column mean of the code base. */
export function colMeans(X: { rows: number; cols: number; data: ArrayLike<number> }, weights?: ArrayLike<number>): Float64Array {
  const n = X.rows, d = X.cols, x = X.data;
  const mu = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    total += w;
    if (w === 0) continue;
    for (let j = 0; j < d; j++) mu[j]! += weights ? w * x[i * d + j]! : x[i * d + j]!;
  }
  for (let j = 0; j < d; j++) mu[j]! /= total > 0 ? total : 1;
  return mu;
}

/** X − 1·muᵀ (a copy). */
export function center(X: Mat64, mu: Float64Array): Mat64 {
  const C = mat64(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) C.data[i * X.cols + j] = X.data[i * X.cols + j]! - mu[j]!;
  return C;
}

/**
 * Covariance of the rows of X, divided by n − ddof (ddof = 1 is numpy's np.cov; ddof = 0 is the
 * biased estimate POT uses for its linear map). Returns zeros for a single row with ddof = 1. Float64
 * throughout; X may be a Mat64 or a float32 Matrix (read in place, no float64 copy of the rows).
 * The float64 covariance, for maps built from matrix functions of it (CORAL's and the OT linear map's square
 * roots, Subspace Alignment's eigenvectors, JDA's scatter), where a small ridge amplifies rounding: CORAL's A at
 * λ = 1e-3 is within 1e-6 of numpy with these sums, 5e-5 with float32 products. Measures (CORAL distance, H-score,
 * shift summary, PCA views) use the engine's covariance, whose products run on the kernel tier (engine/covariance.ts;
 * 10,000 × 784: bench/covariance.ts).
 */
export function covariance(X: Mat64 | Matrix, ddof = 1): Mat64 {
  const n = X.rows, d = X.cols, x = X.data;
  const mu = colMeans(X);
  const C = mat64(d, d);
  const denom = n - ddof;
  if (denom <= 0) return C;
  // Σ_p (x_p − μ)(x_p − μ)ᵀ over the upper triangle, rows in blocks: each entry keeps its running sum in a
  // register across the block's rows, added in row order (the same sums as Xcᵀ·Xc row by row), so C is read
  // and written once per block instead of once per row.
  const B = 16;
  const xt = new Float64Array(d * B); // the block's centred rows, feature-major: xt[j·B + r]
  const c = C.data;
  for (let p0 = 0; p0 < n; p0 += B) {
    const b = Math.min(B, n - p0);
    for (let r = 0; r < b; r++) for (let j = 0; j < d; j++) xt[j * B + r] = x[(p0 + r) * d + j]! - mu[j]!;
    for (let i = 0; i < d; i++) {
      const xi = i * B;
      for (let j = i; j < d; j++) {
        const xj = j * B;
        let s = c[i * d + j]!;
        for (let r = 0; r < b; r++) s += xt[xi + r]! * xt[xj + r]!;
        c[i * d + j] = s;
      }
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = c[i * d + j]! / denom;
      c[i * d + j] = v;
      c[j * d + i] = v;
    }
  }
  return C;
}

function symmetrize(A: Mat64): void {
  const n = A.rows;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (A.data[i * n + j]! + A.data[j * n + i]!);
      A.data[i * n + j] = v;
      A.data[j * n + i] = v;
    }
  }
}

function toMl(A: Mat64): MlMatrix {
  const rows: number[][] = [];
  for (let i = 0; i < A.rows; i++) rows.push(Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));
  return new MlMatrix(rows);
}

function fromMl(M: MlMatrix): Mat64 {
  const out = mat64(M.rows, M.columns);
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.columns; j++) out.data[i * M.columns + j] = M.get(i, j);
  return out;
}

/** Symmetric eigendecomposition A = V·diag(values)·Vᵀ, eigenvalues ascending, eigenvectors in columns. */
export function symEig(A: Mat64): { values: Float64Array; vectors: Mat64 } {
  if (A.rows !== A.cols) throw new TransferLabError("SHAPE_MISMATCH", `symmetric eigendecomposition needs a square matrix, got ${A.rows}×${A.cols}`);
  const S = mat64(A.rows, A.cols, A.data.slice());
  symmetrize(S);
  // ml-matrix fails with a TypeError on Inf/NaN (e.g. a covariance overflowed by a huge regularisation parameter).
  if (!S.data.every(Number.isFinite)) {
    throw new TransferLabError("NON_FINITE", `a ${A.rows}×${A.cols} matrix to decompose holds non-finite values (an overflow)`, {}, "check the scale of the method's parameters");
  }
  const evd = new EigenvalueDecomposition(toMl(S), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const V = fromMl(evd.eigenvectorMatrix);
  // ml-matrix's tql2 returns ascending order; sort anyway so callers can rely on it.
  const order = vals.map((_, i) => i).sort((p, q) => vals[p]! - vals[q]!);
  const values = Float64Array.from(order, (i) => vals[i]!);
  const vectors = mat64(V.rows, V.cols);
  for (let r = 0; r < V.rows; r++) for (let c = 0; c < order.length; c++) vectors.data[r * V.cols + c] = V.data[r * V.cols + order[c]!]!;
  return { values, vectors };
}

/** f(A) for symmetric A through its eigendecomposition: V·diag(f(λ))·Vᵀ. */
export function symFunction(A: Mat64, f: (lambda: number) => number): Mat64 {
  const { values, vectors: V } = symEig(A);
  const n = A.rows;
  const out = mat64(n, n);
  const fl = values.map(f);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += V.data[i * n + k]! * fl[k]! * V.data[j * n + k]!;
      out.data[i * n + j] = s;
      out.data[j * n + i] = s;
    }
  }
  return out;
}

/**
 * Principal square root of a symmetric positive semi-definite matrix. Eigenvalues that round to slightly
 * negative values (|λ| ≤ 1e-10·max |λ|) are clamped to 0; clearly negative ones are an error.
 */
export function sqrtmSym(A: Mat64): Mat64 {
  const tol = psdTolerance(A);
  return symFunction(A, (l) => {
    if (l < -tol) throw new TransferLabError("INTERNAL", `matrix square root needs a positive semi-definite matrix (eigenvalue ${l})`);
    return Math.sqrt(Math.max(l, 0));
  });
}

/**
 * Inverse principal square root of a symmetric positive definite matrix. Eigenvalues are floored at
 * 1e-14·max |λ|: with features of very different magnitudes (e.g. a constant column beside values near 1e6) a
 * regulariser far below rounding level makes the smallest computed eigenvalue noise, possibly ≤ 0.
 */
export function invSqrtmSym(A: Mat64): Mat64 {
  const { values } = symEig(A);
  const top = values.length ? Math.max(Math.abs(values[0]!), Math.abs(values[values.length - 1]!)) : 0;
  if (!(top > 0) || values[values.length - 1]! <= 0) {
    throw new TransferLabError("INTERNAL", "inverse square root needs a positive definite matrix", {}, "increase the regularisation added to the covariance");
  }
  const floor = 1e-14 * top;
  return symFunction(A, (l) => 1 / Math.sqrt(Math.max(l, floor)));
}

function psdTolerance(A: Mat64): number {
  let m = 0;
  for (const v of A.data) m = Math.max(m, Math.abs(v));
  return 1e-10 * m * A.rows;
}

/**
 * Cholesky factor L (lower) with A = L·Lᵀ. When A is positive definite in exact arithmetic but not numerically
 * (e.g. a rank-one term of size 1e24 beside μ·I = I, from inputs near 1e6), a jitter of 1e-14, 1e-12, … times
 * the mean diagonal is added until the factorisation succeeds; `jitter` reports what was added.
 */
export function cholesky(A: Mat64): Mat64 & { jitter: number } {
  const S = mat64(A.rows, A.cols, A.data.slice());
  symmetrize(S);
  let meanDiag = 0;
  for (let i = 0; i < S.rows; i++) meanDiag += Math.abs(S.data[i * S.cols + i]!) / S.rows;
  for (let e = -Infinity; e <= -6; e = e === -Infinity ? -14 : e + 2) {
    const jitter = e === -Infinity ? 0 : meanDiag * 10 ** e;
    const T = jitter === 0 ? S : addDiagonal(S, jitter);
    const ch = new CholeskyDecomposition(toMl(T));
    if (ch.isPositiveDefinite()) return { ...fromMl(ch.lowerTriangularMatrix), jitter };
  }
  throw new TransferLabError("INTERNAL", "matrix is not positive definite", {}, "increase the regularisation");
}

/** Solves L·X = B for lower-triangular L (forward substitution, column by column of B). */
export function solveLower(L: Mat64, B: Mat64): Mat64 {
  const n = L.rows, m = B.cols;
  const X = mat64(n, m, B.data.slice());
  for (let i = 0; i < n; i++) {
    const lii = L.data[i * n + i]!;
    for (let k = 0; k < i; k++) {
      const lik = L.data[i * n + k]!;
      if (lik === 0) continue;
      for (let j = 0; j < m; j++) X.data[i * m + j]! -= lik * X.data[k * m + j]!;
    }
    for (let j = 0; j < m; j++) X.data[i * m + j]! /= lii;
  }
  return X;
}

/** Solves Lᵀ·X = B for lower-triangular L (back substitution). */
export function solveUpperT(L: Mat64, B: Mat64): Mat64 {
  const n = L.rows, m = B.cols;
  const X = mat64(n, m, B.data.slice());
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const lki = L.data[k * n + i]!;
      if (lki === 0) continue;
      for (let j = 0; j < m; j++) X.data[i * m + j]! -= lki * X.data[k * m + j]!;
    }
    const lii = L.data[i * n + i]!;
    for (let j = 0; j < m; j++) X.data[i * m + j]! /= lii;
  }
  return X;
}

/**
 * Generalized symmetric-definite eigenproblem A·w = λ·B·w (B positive definite), as scipy.linalg.eigh(A, B):
 * eigenvalues ascending, eigenvectors in columns normalised so that Wᵀ·B·W = I.
 * Reduced to a standard problem with B = L·Lᵀ: C = L⁻¹·A·L⁻ᵀ, W = L⁻ᵀ·Y.
 */
export function generalizedSymEig(A: Mat64, B: Mat64): { values: Float64Array; vectors: Mat64 } {
  const L = cholesky(B);
  const Y1 = solveLower(L, A); // L⁻¹A
  const C = transpose(solveLower(L, transpose(Y1))); // (L⁻¹(L⁻¹A)ᵀ)ᵀ = L⁻¹AL⁻ᵀ
  const { values, vectors } = symEig(C);
  return { values, vectors: solveUpperT(L, vectors) };
}

/**
 * Flips each eigenvector column so that its entry of largest magnitude is positive: a deterministic sign
 * convention (eigenvectors are only defined up to sign), used identically by the reference script.
 */
export function fixSigns(V: Mat64): Mat64 {
  const out = mat64(V.rows, V.cols, V.data.slice());
  for (let c = 0; c < V.cols; c++) {
    let best = 0, arg = 0;
    for (let r = 0; r < V.rows; r++) {
      const a = Math.abs(V.data[r * V.cols + c]!);
      if (a > best + 1e-12 * best) { best = a; arg = r; }
    }
    if (V.data[arg * V.cols + c]! < 0) for (let r = 0; r < V.rows; r++) out.data[r * V.cols + c] = -out.data[r * V.cols + c]!;
  }
  return out;
}

/** The last k columns of V in reverse order (top-k eigenvectors when eigenvalues are ascending). */
export function topColumns(V: Mat64, k: number): Mat64 {
  const out = mat64(V.rows, k);
  for (let c = 0; c < k; c++) {
    const src = V.cols - 1 - c;
    for (let r = 0; r < V.rows; r++) out.data[r * k + c] = V.data[r * V.cols + src]!;
  }
  return out;
}

/** Adds a row vector to every row of X (in place). */
export function addRowVector(X: Mat64, v: ArrayLike<number>, scale = 1): Mat64 {
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) X.data[i * X.cols + j]! += scale * v[j]!;
  return X;
}
