// Transfer Component Analysis: a kernel embedding W that minimises the MMD between the embedded domains
// while keeping their variance. Pan, Tsang, Kwok & Yang, "Domain Adaptation via Transfer Component
// Analysis", IEEE TNN 2011 (unsupervised TCA, eq. 8): the leading eigenvectors of (K·L·K + μI)⁻¹·K·H·K.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { fitsBudget, formatBytes, requireBudget, throwIfAborted, defineFeatureMethod } from "../base.js";
import { TransferLabError } from "../../core/errors.js";
import { rbfMatrix } from "../instance/rbf.js";
import { matrixState, savableMap, type TargetMap } from "../target-map.js";
import { fixSigns, generalizedSymEig, mat64, matmul, toMatrix, topColumns, type Mat64 } from "../../core/linalg.js";

export type TcaKernel = { type: "linear" } | { type: "rbf"; gamma: number };

export interface TcaOptions {
  dim: number;
  mu: number;
  kernel: TcaKernel;
}

export interface TcaModel {
  /** Transfer components (n×dim), normalised so that Wᵀ(KLK + μI)W = I, sign fixed (largest entry > 0). */
  W: Mat64;
  eigenvalues: Float64Array;
  /** The training inputs [Xs; Xt] the kernel is taken against. */
  basis: Matrix;
  /** Embeds any inputs: k(X, basis)·W. */
  embed: TargetMap;
}

/** k(X, Y) in float64 (n×m). */
export function kernelMatrix(X: Matrix, Y: Matrix, kernel: TcaKernel): Mat64 {
  const n = X.rows, m = Y.rows, d = X.cols;
  if (kernel.type === "rbf") return mat64(n, m, rbfMatrix(X, Y, kernel.gamma));
  const K = mat64(n, m);
  const x = X.data, y = Y.data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) s += x[i * d + p]! * y[j * d + p]!;
      K.data[i * m + j] = s;
    }
  }
  return K;
}

/** k(X, basis)·W as a savable target map. */
export function kernelMap(basis: Matrix, kernel: TcaKernel, W: Mat64): TargetMap {
  return savableMap({ kind: "kernel", kernel, basis: matrixState(basis), W: matrixState(W) }, (X) => toMatrix(matmul(kernelMatrix(X, basis, kernel), W)));
}

/** Bytes TCA allocates for n = ns + nt points (about six n×n float64 matrices). */
export function tcaMemoryBytes(n: number): number {
  return 6 * 8 * n * n;
}

export function tcaFit(Xs: Matrix, Xt: Matrix, opts: TcaOptions): TcaModel {
  const ns = Xs.rows, nt = Xt.rows, n = ns + nt;
  if (!Number.isInteger(opts.dim) || opts.dim < 1 || opts.dim > n) {
    throw new TransferLabError("INVALID_PARAMETER", `TCA dimension must be an integer in [1, ${n}], got ${opts.dim}`, { param: "dim" });
  }
  const basis = Matrix.vstack([Xs, Xt]);
  const K = kernelMatrix(basis, basis, opts.kernel);
  // K·L·K = (K·e)(K·e)ᵀ with e = [1/ns …, −1/nt …]: a rank-one matrix, no n³ product needed.
  const Ke = new Float64Array(n);
  const K1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let se = 0, s1 = 0;
    for (let j = 0; j < n; j++) {
      const k = K.data[i * n + j]!;
      se += k * (j < ns ? 1 / ns : -1 / nt);
      s1 += k;
    }
    Ke[i] = se;
    K1[i] = s1;
  }
  // K·H·K = K·K − (K·1)(K·1)ᵀ/n.
  const KHK = matmul(K, K);
  const B = mat64(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      KHK.data[i * n + j]! -= (K1[i]! * K1[j]!) / n;
      B.data[i * n + j] = Ke[i]! * Ke[j]! + (i === j ? opts.mu : 0);
    }
  }
  const { values, vectors } = generalizedSymEig(KHK, B);
  const W = fixSigns(topColumns(vectors, opts.dim));
  const eigenvalues = Float64Array.from({ length: opts.dim }, (_, c) => values[values.length - 1 - c]!);
  return {
    W, eigenvalues, basis,
    embed: kernelMap(basis, opts.kernel, W),
  };
}


export const tca = defineFeatureMethod({
  name: "tca",
  description: "Transfer Component Analysis: a kernel embedding minimising the MMD between domains while keeping variance",
  reference: "Pan, Tsang, Kwok & Yang, Domain Adaptation via Transfer Component Analysis, IEEE TNN 2011",
  params: z.object({
    dim: z.number().int().positive().default(30).describe("number of transfer components (capped at n_s + n_t)"),
    mu: z.number().positive().default(1).describe("trade-off μ of the regulariser tr(WᵀW)"),
    kernel: z.enum(["linear", "rbf"]).default("linear").describe("kernel k(x, y)"),
    gamma: z.number().positive().nullable().default(null).describe("RBF width γ in exp(−γ‖x−y‖²); null = 1/d"),
    maxSamples: z.number().int().min(2).default(1000).describe("above this many points (or the memory budget), fit on a stratified random subsample and embed all points against it (landmark/Nyström TCA)"),
  }),
  fitMap({ source, target }, p, ctx) {
    const ns = source.X.rows, nt = target.X.rows, n = ns + nt;
    const kernel: TcaKernel = p.kernel === "linear" ? { type: "linear" } : { type: "rbf", gamma: p.gamma ?? 1 / source.X.cols };
    // Largest n whose six n×n float64 matrices fit the budget.
    let cap = Math.min(p.maxSamples, n);
    while (cap > 2 && !fitsBudget(ctx, tcaMemoryBytes(cap))) cap = Math.floor(cap * 0.9);
    requireBudget(ctx, tcaMemoryBytes(cap), `TCA on ${cap} points`, "lower maxSamples");
    const notes: string[] = [];
    let Xs = source.X, Xt = target.X;
    if (cap < n) {
      const ks = Math.max(1, Math.min(ns, Math.round((cap * ns) / n))), kt = Math.max(1, Math.min(nt, cap - ks));
      const rng = ctx.rng.fork("tca-subsample");
      Xs = source.X.takeRows(Array.from(rng.permutation(ns).subarray(0, ks)).sort((a, b) => a - b));
      Xt = target.X.takeRows(Array.from(rng.permutation(nt).subarray(0, kt)).sort((a, b) => a - b));
      notes.push(`tca: ${n} points (${formatBytes(tcaMemoryBytes(n))} of kernel matrices, O(n³) eigensolver); fitted on a random subsample of ${ks} source + ${kt} target points and embedded every point against it (landmark TCA)`);
    }
    const dim = Math.min(p.dim, Xs.rows + Xt.rows);
    if (dim < p.dim) notes.push(`tca: dim ${p.dim} capped at ${dim}`);
    throwIfAborted(ctx.signal);
    const m = tcaFit(Xs, Xt, { dim, mu: p.mu, kernel });
    return { mappedSource: m.embed(source.X), mapTarget: m.embed, mapSource: m.embed, notes, details: { W: m.W, eigenvalues: m.eigenvalues } };
  },
});
