// KLIEP (Sugiyama, Nakajima, Kashima, von Bünau & Kawanabe, NIPS 2007): the importance w(x) = p_t(x)/p_s(x)
// modelled as w(x) = Σ_l α_l k(x, c_l) with RBF kernels centred on target points, fitted by maximising the
// target log-likelihood Σ_j log w(xt_j) subject to mean_i w(xs_i) = 1 and α ≥ 0.
// Optimiser: the authors' own procedure — projected gradient ascent over step sizes ε = 10³ … 10⁻³, up to 100
// accepted steps per ε, moving to the next ε as soon as the objective stops improving. Deterministic given the
// centres; centres are all target points when n_t ≤ `centers`, else a seeded random subset.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { defineInstanceMethod, denseBytes, requireBudget } from "../base.js";
import { rbfMatrix, resolveGamma } from "./rbf.js";

export const kliepParams = z.object({
  gamma: z.number().positive().nullable().default(null).describe("RBF kernel width γ; null = 1/d"),
  centers: z.number().int().positive().default(100).describe("maximum number of kernel centres (drawn from the target)"),
  maxIterPerStep: z.number().int().positive().default(100).describe("accepted ascent steps per step size ε ∈ {10³,…,10⁻³}"),
});

export interface KliepFit {
  alpha: Float64Array;
  centers: Matrix;
  /** Mean target log-likelihood of the fitted importance model. */
  score: number;
}

/** Fits α; exported for the fidelity test. A = K(target, centres) (n_t×b), bvec = mean_source K(source, centres). */
export function kliepAlpha(A: Float64Array, nt: number, bvec: Float64Array, maxIter: number): { alpha: Float64Array; score: number } {
  const b = bvec.length;
  let c = 0;
  for (let l = 0; l < b; l++) c += bvec[l]! * bvec[l]!;
  const Aalpha = new Float64Array(nt);
  const project = (a: Float64Array): number => {
    let ba = 0;
    for (let l = 0; l < b; l++) ba += bvec[l]! * a[l]!;
    const f = (1 - ba) / c;
    ba = 0;
    for (let l = 0; l < b; l++) { a[l] = Math.max(0, a[l]! + bvec[l]! * f); ba += bvec[l]! * a[l]!; }
    if (!(ba > 0)) return -Infinity; // every coefficient clipped: reject this step
    for (let l = 0; l < b; l++) a[l]! /= ba;
    let score = 0;
    for (let j = 0; j < nt; j++) {
      let s = 0;
      for (let l = 0; l < b; l++) s += A[j * b + l]! * a[l]!;
      Aalpha[j] = s;
      score += Math.log(s);
    }
    return score / nt;
  };
  let alpha = new Float64Array(b).fill(1);
  let score = project(alpha);
  let cur = Aalpha.slice();
  const grad = new Float64Array(b);
  for (let e = 3; e >= -3; e--) {
    const eps = 10 ** e;
    for (let it = 0; it < maxIter; it++) {
      grad.fill(0);
      for (let j = 0; j < nt; j++) {
        const inv = 1 / cur[j]!;
        for (let l = 0; l < b; l++) grad[l]! += A[j * b + l]! * inv;
      }
      const next = new Float64Array(b);
      for (let l = 0; l < b; l++) next[l] = alpha[l]! + eps * grad[l]!;
      const s = project(next);
      if (!(s > score)) break;
      score = s;
      alpha = next;
      cur = Aalpha.slice();
    }
  }
  return { alpha, score };
}

export const kliep = defineInstanceMethod({
  name: "kliep",
  description: "Kullback–Leibler importance estimation: kernel model of p_t/p_s fitted by maximum target likelihood",
  reference: "Sugiyama, Nakajima, Kashima, von Bünau & Kawanabe, Direct Importance Estimation with Model Selection and Its Application to Covariate Shift Adaptation, NIPS 2007",
  params: kliepParams,
  weights({ source, target }, p, ctx) {
    const nt = target.X.rows, ns = source.X.rows;
    const gamma = resolveGamma(p.gamma, source.X.cols);
    const b = Math.min(p.centers, nt);
    requireBudget(ctx, denseBytes(nt + ns, b), `KLIEP with ${b} centres`, "lower 'centers'");
    const idx = nt <= p.centers ? Int32Array.from({ length: nt }, (_, i) => i) : ctx.rng.fork("kliep-centers").permutation(nt).subarray(0, b).sort();
    const C = target.X.takeRows(idx);
    const A = rbfMatrix(target.X, C, gamma);
    const Ks = rbfMatrix(source.X, C, gamma);
    const bvec = new Float64Array(b);
    for (let i = 0; i < ns; i++) for (let l = 0; l < b; l++) bvec[l]! += Ks[i * b + l]! / ns;
    if (!bvec.some((v) => v > 0)) {
      return { weights: new Float64Array(ns).fill(1), notes: ["KLIEP: the source is out of reach of every kernel centre for this gamma (kernel underflow); used uniform weights"] };
    }
    const { alpha, score } = kliepAlpha(A, nt, bvec, p.maxIterPerStep);
    const w = new Float64Array(ns);
    for (let i = 0; i < ns; i++) {
      let s = 0;
      for (let l = 0; l < b; l++) s += Ks[i * b + l]! * alpha[l]!;
      w[i] = s;
    }
    const notes: string[] = [];
    let total = 0;
    for (const v of w) total += v;
    if (!(total > 0)) {
      // Every source point is far from every centre (kernel underflow): no importance signal, keep uniform.
      w.fill(1);
      notes.push("KLIEP: every source weight underflowed to 0 (source far from the target for this gamma); used uniform weights");
    }
    return { weights: w, notes, details: { alpha, score, centers: idx } };
  },
});
