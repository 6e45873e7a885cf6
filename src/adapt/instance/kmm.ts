// Kernel Mean Matching (Huang, Smola, Gretton, Borgwardt & Schölkopf, NIPS 2006): source weights β that make
// the weighted source mean embedding match the target's in an RBF feature space,
//   minimise ½ βᵀKβ − κᵀβ,  K_ij = k(xs_i, xs_j),  κ_i = (n_s/n_t) Σ_j k(xs_i, xt_j),
//   subject to 0 ≤ β_i ≤ B and |Σβ_i − n_s| ≤ n_s·ε  (ε default (√n_s − 1)/√n_s, as in the paper and ADAPT).
// The QP is solved to tolerance by accelerated projected gradient (./qp-box-sum.ts). When the dense n_s×n_s
// kernel does not fit the memory budget, K is replaced by a Nyström factor ΦΦᵀ (Williams & Seeger 2001) with
// `landmarks` points drawn from source ∪ target, κ by Φ_s Φ_tᵀ1 — memory O(n·m) — and the fit says so.
// MNIST→optdigits (bench/fit-speed.ts --source-rows n, svc, seed 0), exact vs Nyström (256 landmarks) target
// accuracy: n = 2,000 10.14 vs 10.14 %, 4,000 12.02 vs 11.90 %, 10,000 25.87 vs 26.46 % (CPU 902 s, 985 MB vs
// 15 s, 239 MB peak RSS).
import { z } from "zod";
import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import { Matrix } from "../../core/matrix.js";
import { TransferLabError } from "../../core/errors.js";
import { defineInstanceMethod, denseBytes, fitsBudget, formatBytes, memoryBudget, requireBudget, throwIfAborted } from "../base.js";
import type { FitContext } from "../types.js";
import { rbfMatrix, rbfRowSums, rbfBlock, resolveGamma } from "./rbf.js";
import { solveBoxSumQp, type BoxSumQp } from "./qp-box-sum.js";

export const kmmParams = z.object({
  gamma: z.number().positive().nullable().default(null).describe("RBF kernel width γ in exp(−γ‖x−y‖²); null = 1/d"),
  B: z.number().positive().default(1000).describe("upper bound on each weight"),
  eps: z.number().nonnegative().nullable().default(null).describe("slack of the sum constraint |Σβ − n_s| ≤ n_s·eps; null = (√n_s − 1)/√n_s"),
  maxIter: z.number().int().positive().default(3000).describe("iterations of the QP solver"),
  tol: z.number().positive().default(1e-8).describe("QP stopping tolerance (relative change of β)"),
  approximation: z.enum(["auto", "exact", "nystrom"]).default("auto").describe("auto = exact kernel up to exactMaxRows source rows when it fits the memory budget, else Nyström"),
  exactMaxRows: z.number().int().positive().default(4000).describe("auto: largest source size solved with the exact kernel (the QP's cost grows as n_s² per iteration)"),
  landmarks: z.number().int().positive().default(256).describe("Nyström landmarks (when approximating)"),
});

export const kmm = defineInstanceMethod({
  name: "kmm",
  description: "Kernel Mean Matching: source weights matching the target's kernel mean embedding (box- and sum-constrained QP)",
  reference: "Huang, Smola, Gretton, Borgwardt & Schölkopf, Correcting Sample Selection Bias by Unlabeled Data, NIPS 2006",
  params: kmmParams,
  weights({ source, target }, p, ctx) {
    const ns = source.X.rows, nt = target.X.rows;
    const gamma = resolveGamma(p.gamma, source.X.cols);
    const eps = p.eps ?? (Math.sqrt(ns) - 1) / Math.sqrt(ns);
    const denseNeed = denseBytes(ns, ns);
    const exact = p.approximation === "exact" || (p.approximation === "auto" && ns <= p.exactMaxRows && fitsBudget(ctx, denseNeed));
    const notes: string[] = [];
    let qp: BoxSumQp;
    if (exact) {
      requireBudget(ctx, denseNeed, `exact KMM on ${ns} source points (a ${ns}×${ns} kernel)`, "use approximation 'nystrom' or 'auto'");
      const K = rbfMatrix(source.X, source.X, gamma);
      throwIfAborted(ctx.signal);
      const kappa = rbfRowSums(source.X, target.X, gamma);
      for (let i = 0; i < ns; i++) kappa[i]! *= ns / nt;
      qp = { n: ns, mul: denseMul(K, ns), kappa, upper: p.B, sumLo: ns * (1 - eps), sumHi: ns * (1 + eps) };
    } else {
      qp = nystromQp(source.X, target.X, gamma, p.landmarks, ctx, p.B, eps);
      const why = p.approximation !== "auto" ? "as asked"
        : ns > p.exactMaxRows ? `because ${ns} source rows exceed exactMaxRows=${p.exactMaxRows} (the exact QP costs n_s² per iteration)`
        : `because the exact ${ns}×${ns} kernel needs ${formatBytes(denseNeed)}, above the memory budget of ${formatBytes(memoryBudget(ctx))}`;
      notes.push(`KMM: used a Nyström approximation of the kernel with ${Math.min(p.landmarks, ns + nt)} landmarks ${why}; approximation: "exact" forces the exact kernel`);
    }
    ctx.progress?.(0, `KMM: solving the ${exact ? "exact" : "Nyström"} QP on ${ns} source points`);
    const r = solveBoxSumQp(qp, { maxIter: p.maxIter, tol: p.tol, signal: ctx.signal, onIter: (k) => { if (k % 50 === 0) ctx.progress?.(k / p.maxIter, `KMM: QP iteration ${k}/${p.maxIter}`); } });
    throwIfAborted(ctx.signal);
    if (!r.converged) notes.push(`KMM: QP stopped at maxIter=${p.maxIter} before reaching tol=${p.tol}`);
    return { weights: r.beta, notes, details: { objective: r.objective, iterations: r.iterations, converged: r.converged, approximation: exact ? "exact" : "nystrom" } };
  },
});

function denseMul(K: Float64Array, n: number) {
  return (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * n;
      for (let j = 0; j < n; j++) s += K[o + j]! * v[j]!;
      out[i] = s;
    }
  };
}

/** K ≈ ΦΦᵀ with Φ = K(X, L)·U·Λ^{-1/2} from the eigendecomposition of K(L, L). */
function nystromQp(Xs: Matrix, Xt: Matrix, gamma: number, landmarks: number, ctx: FitContext, B: number, eps: number): BoxSumQp {
  const ns = Xs.rows, nt = Xt.rows;
  const m = Math.min(landmarks, ns + nt);
  // Φ_s (ns×r) plus one m-row kernel block for Φ_t, K(L,L) and its eigenvectors.
  requireBudget(ctx, denseBytes(ns, m) + denseBytes(Math.min(256, nt), m) + 3 * denseBytes(m, m), `Nyström KMM with ${m} landmarks on ${ns} source points`, "lower 'landmarks'");
  const rng = ctx.rng.fork("kmm-nystrom");
  const pick = rng.permutation(ns + nt).subarray(0, m);
  const L = new Matrix(m, Xs.cols);
  for (let k = 0; k < m; k++) {
    const i = pick[k]!;
    L.data.set(i < ns ? Xs.row(i) : Xt.row(i - ns), k * Xs.cols);
  }
  const Kmm = rbfMatrix(L, L, gamma);
  const rows: number[][] = [];
  for (let i = 0; i < m; i++) rows.push(Array.from(Kmm.subarray(i * m, (i + 1) * m)));
  const eig = new EigenvalueDecomposition(new MlMatrix(rows), { assumeSymmetric: true });
  const lam = eig.realEigenvalues;
  const U = eig.eigenvectorMatrix;
  const lmax = Math.max(...lam);
  const keep: number[] = [];
  for (let k = 0; k < m; k++) if (lam[k]! > 1e-10 * lmax) keep.push(k);
  const r = keep.length;
  if (r === 0) throw new TransferLabError("INTERNAL", "Nyström KMM: the landmark kernel is zero");
  // W = U_keep Λ^{-1/2} (m×r)
  const W = new Float64Array(m * r);
  for (let a = 0; a < m; a++) for (let c = 0; c < r; c++) W[a * r + c] = U.get(a, keep[c]!) / Math.sqrt(lam[keep[c]!]!);
  const features = (X: Matrix, visit: (i: number, phi: Float64Array) => void): void => {
    const blk = 256;
    const buf = new Float64Array(blk * m);
    const phi = new Float64Array(r);
    for (let r0 = 0; r0 < X.rows; r0 += blk) {
      throwIfAborted(ctx.signal);
      const r1 = Math.min(X.rows, r0 + blk);
      rbfBlock(X, r0, r1, L, gamma, buf);
      for (let i = r0; i < r1; i++) {
        phi.fill(0);
        const o = (i - r0) * m;
        for (let a = 0; a < m; a++) {
          const k = buf[o + a]!;
          if (k === 0) continue;
          for (let c = 0; c < r; c++) phi[c]! += k * W[a * r + c]!;
        }
        visit(i, phi);
      }
    }
  };
  const Phi = new Float64Array(ns * r);
  features(Xs, (i, phi) => Phi.set(phi, i * r));
  const tSum = new Float64Array(r);
  features(Xt, (_i, phi) => { for (let c = 0; c < r; c++) tSum[c]! += phi[c]!; });
  const kappa = new Float64Array(ns);
  for (let i = 0; i < ns; i++) {
    let s = 0;
    for (let c = 0; c < r; c++) s += Phi[i * r + c]! * tSum[c]!;
    kappa[i] = (s * ns) / nt;
  }
  const z = new Float64Array(r);
  const mul = (v: Float64Array, out: Float64Array): void => {
    z.fill(0);
    for (let i = 0; i < ns; i++) {
      const vi = v[i]!;
      if (vi === 0) continue;
      for (let c = 0; c < r; c++) z[c]! += Phi[i * r + c]! * vi;
    }
    for (let i = 0; i < ns; i++) {
      let s = 0;
      for (let c = 0; c < r; c++) s += Phi[i * r + c]! * z[c]!;
      out[i] = s;
    }
  };
  return { n: ns, mul, kappa, upper: B, sumLo: ns * (1 - eps), sumHi: ns * (1 + eps) };
}
