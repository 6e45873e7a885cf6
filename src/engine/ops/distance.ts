// Distances and the domain-alignment losses: pairwise squared distances, RBF kernel matrices, MMD² as
// one fused op (biased V-statistic, unbiased U-statistic, linear-time), and the Deep CORAL loss.
import { invalidParam, shapeMismatch } from "../../core/errors.js";
import { kernels } from "../kernels/index.js";
import { Tensor, out, gradOf, needsGrad, record, alloc, allocZero } from "../tensor.js";
import { gemm } from "./linalg.js";

function pair(x: Tensor, y: Tensor, op: string): [number, number, number] {
  if (x.shape.length !== 2 || y.shape.length !== 2) throw shapeMismatch(`${op}: inputs must be 2-D, got [${x.shape.join(", ")}] and [${y.shape.join(", ")}]`);
  if (x.shape[1] !== y.shape[1]) throw shapeMismatch(`${op}: feature counts differ (${x.shape[1]} and ${y.shape[1]})`);
  return [x.shape[0]!, y.shape[0]!, x.shape[1]!];
}

function gammaList(g: number | readonly number[], op: string): number[] {
  const list = typeof g === "number" ? [g] : [...g];
  if (list.length === 0) throw invalidParam("gamma", `${op}: give at least one bandwidth`);
  for (const v of list) if (!(Number.isFinite(v) && v > 0)) throw invalidParam("gamma", `${op}: bandwidths must be positive numbers, got ${v}`);
  return list;
}

/**
 * Backward of a function of D = sqdist(X, Y) given G = dL/dD (n×m):
 * dX_i += 2·(rowsum(G)_i·x_i − (G·Y)_i), dY_j += 2·(colsum(G)_j·y_j − (Gᵀ·X)_j).
 */
function sqdistBackward(x: Tensor, y: Tensor, G: Float32Array, n: number, m: number, d: number): void {
  const xd = x.data, yd = y.data;
  if (x.requiresGrad) {
    const gx = gradOf(x);
    gemm(false, false, n, d, m, -2, G, m, yd, d, 1, gx, d);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < m; j++) r += G[i * m + j]!;
      const f = 2 * r;
      for (let p = 0; p < d; p++) gx[i * d + p]! += f * xd[i * d + p]!;
    }
  }
  if (y.requiresGrad) {
    const gy = gradOf(y);
    gemm(true, false, m, d, n, -2, G, m, xd, d, 1, gy, d);
    const cs = allocZero(m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cs[j]! += G[i * m + j]!;
    for (let j = 0; j < m; j++) {
      const f = 2 * cs[j]!;
      for (let p = 0; p < d; p++) gy[j * d + p]! += f * yd[j * d + p]!;
    }
  }
}

/** n×m matrix of squared Euclidean distances between the rows of x (n×d) and y (m×d). */
export function sqdist(x: Tensor, y: Tensor): Tensor {
  const [n, m, d] = pair(x, y, "sqdist");
  const rg = needsGrad(x, y);
  const D = out([n, m], rg);
  kernels().sqdist(x.data, n, y.data, m, d, D.data);
  if (rg) {
    record(() => {
      const g = D.grad;
      if (g !== null) sqdistBackward(x, y, g, n, m, d);
    });
  }
  return D;
}

/** RBF kernel matrix Σ_b exp(−γ_b‖x_i − y_j‖²) (n×m). */
export function rbfKernel(x: Tensor, y: Tensor, gamma: number | readonly number[] = 1): Tensor {
  const [n, m, d] = pair(x, y, "rbfKernel");
  const gs = gammaList(gamma, "rbfKernel");
  const rg = needsGrad(x, y);
  const D = alloc(n * m);
  kernels().sqdist(x.data, n, y.data, m, d, D);
  const K = out([n, m], rg);
  const kd = K.data;
  for (let i = 0; i < n * m; i++) {
    let s = 0;
    for (const g of gs) s += expNeg(-g * D[i]!);
    kd[i] = s;
  }
  if (rg) {
    record(() => {
      const g = K.grad;
      if (g === null) return;
      const G = alloc(n * m);
      for (let i = 0; i < n * m; i++) {
        let s = 0;
        for (const gm of gs) s -= gm * expNeg(-gm * D[i]!);
        G[i] = g[i]! * s;
      }
      sqdistBackward(x, y, G, n, m, d);
    });
  }
  return K;
}

export type MmdEstimator = "biased" | "unbiased" | "linear";

export interface MmdOptions {
  /** RBF bandwidth(s) γ in exp(−γ‖·‖²); several give the sum of kernels. Default 1. */
  gamma?: number | readonly number[];
  /** "biased" (V-statistic, default), "unbiased" (U-statistic) or "linear" (Gretton et al. 2012, §6). */
  estimator?: MmdEstimator;
}

/**
 * MMD² between the rows of xs (n×d) and xt (m×d) with an RBF kernel, as one op: one distance matrix over
 * the stacked batch, the kernel and its derivative in one pass over the upper triangle, and a backward
 * of two GEMMs: dZ = 4·g·(rowsum(S)∘Z − S·Z) with S = G + Gᵀ, G_ij = w_ij·k′(D_ij) on the upper triangle.
 */
export function mmd2(xs: Tensor, xt: Tensor, opts: MmdOptions = {}): Tensor {
  const [n, m, d] = pair(xs, xt, "mmd2");
  const gs = gammaList(opts.gamma ?? 1, "mmd2");
  const est = opts.estimator ?? "biased";
  if (est === "linear") return mmdLinear(xs, xt, n, m, d, gs);
  if (est !== "biased" && est !== "unbiased") throw invalidParam("estimator", `unknown MMD estimator '${String(est)}'`, "use biased, unbiased or linear");
  const unbiased = est === "unbiased";
  if (n < (unbiased ? 2 : 1) || m < (unbiased ? 2 : 1)) throw invalidParam("xs", `mmd2 (${est}) needs at least ${unbiased ? 2 : 1} rows on each side, got ${n} and ${m}`);
  const N = n + m;
  const Z = alloc(N * d);
  Z.set(xs.data);
  Z.set(xt.data, n * d);
  const D = alloc(N * N);
  kernels().sqdist(Z, N, Z, N, d, D);
  const rg = needsGrad(xs, xt);
  const G = rg ? alloc(N * N) : null;
  const wss = unbiased ? 1 / (n * (n - 1)) : 1 / (n * n);
  const wtt = unbiased ? 1 / (m * (m - 1)) : 1 / (m * m);
  const wst = -1 / (n * m);
  const nb = gs.length;
  // Off-diagonal pairs, each counted twice by symmetry; the diagonal adds k(0)=nb per row when biased.
  if (G !== null) G.fill(0);
  const rs = rg ? new Float64Array(N) : null; // row sums of G, for backward
  const sss = kernelBlock(D, G, rs, N, 0, n, 0, n, true, gs, wss);
  const stt = kernelBlock(D, G, rs, N, n, N, n, N, true, gs, wtt);
  const sst = kernelBlock(D, G, rs, N, 0, n, n, N, false, gs, wst);
  let val = 2 * sss * wss + 2 * stt * wtt + 2 * sst * wst;
  if (!unbiased) val += nb / n + nb / m;
  const loss = out([1], rg);
  loss.data[0] = val;
  if (rg && G !== null && rs !== null) {
    record(() => {
      const g = loss.grad;
      if (g === null) return;
      const f = 4 * g[0]!;
      const dZ = alloc(N * d);
      gemm(false, false, N, d, N, -f, G, N, Z, d, 0, dZ, d); // G holds the upper triangle: (G + Gᵀ)·Z
      gemm(true, false, N, d, N, -f, G, N, Z, d, 1, dZ, d);
      for (let i = 0; i < N; i++) {
        const c = f * rs[i]!;
        for (let p = 0; p < d; p++) dZ[i * d + p]! += c * Z[i * d + p]!;
      }
      if (xs.requiresGrad) {
        const gx = gradOf(xs);
        for (let q = 0; q < n * d; q++) gx[q]! += dZ[q]!;
      }
      if (xt.requiresGrad) {
        const gt = gradOf(xt), off = n * d;
        for (let q = 0; q < m * d; q++) gt[q]! += dZ[off + q]!;
      }
    });
  }
  return loss;
}

// exp by table: x = (64·q + t)·ln2/64 + r with |r| ≤ ln2/128, so exp(x) = 2^q · 2^(t/64) · e^r and a degree-4
// Taylor polynomial for e^r is exact to ~4e-14 relative; about 2× faster than Math.exp in V8.
const EXP_FRAC = new Float64Array(64);
for (let i = 0; i < 64; i++) EXP_FRAC[i] = Math.pow(2, i / 64);
const EXP_INT = new Float64Array(256);
for (let i = 0; i < 256; i++) EXP_INT[i] = Math.pow(2, i - 200);
const EXP_S = 64 / Math.LN2, EXP_H = Math.LN2 / 64;

/** exp(x) for −87 ≤ x ≤ 38 (0 below −87, where float32 underflows anyway); relative error < 1e-13. */
export function expNeg(x: number): number {
  if (x < -87) return 0;
  const k = Math.floor(x * EXP_S + 0.5);
  const r = x - k * EXP_H;
  return (1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))))) * EXP_FRAC[k & 63]! * EXP_INT[(k >> 6) + 200]!;
}

/**
 * Σ k(D_ij) over rows [i0, i1) × columns [j0, j1) (only j > i when `upper`), k = Σ_b exp(−γ_b·D). When G is
 * given, writes G_ij = w·k′(D_ij) (upper triangle only: the caller zero-fills G and uses G + Gᵀ) and adds the
 * row sums of G + Gᵀ into rs.
 */
function kernelBlock(D: Float32Array, G: Float32Array | null, rs: Float64Array | null, N: number, i0: number, i1: number, j0: number, j1: number, upper: boolean, gs: number[], w: number): number {
  let s = 0;
  const single = gs.length === 1, g0 = gs[0]!;
  for (let i = i0; i < i1; i++) {
    const row = i * N, jStart = upper ? i + 1 : j0;
    if (G === null || rs === null) {
      if (single) for (let j = jStart; j < j1; j++) s += expNeg(-g0 * D[row + j]!);
      else for (let j = jStart; j < j1; j++) for (let b = 0; b < gs.length; b++) s += expNeg(-gs[b]! * D[row + j]!);
      continue;
    }
    let ri = 0;
    if (single) {
      const wg = -w * g0;
      for (let j = jStart; j < j1; j++) {
        const k = expNeg(-g0 * D[row + j]!);
        s += k;
        const v = wg * k;
        G[row + j] = v;
        ri += v;
        rs[j]! += v;
      }
    } else {
      for (let j = jStart; j < j1; j++) {
        const dij = D[row + j]!;
        let kp = 0;
        for (let b = 0; b < gs.length; b++) {
          const e = expNeg(-gs[b]! * dij);
          s += e;
          kp -= gs[b]! * e;
        }
        const v = w * kp;
        G[row + j] = v;
        ri += v;
        rs[j]! += v;
      }
    }
    rs[i]! += ri;
  }
  return s;
}

/**
 * Linear-time MMD² (Gretton et al., JMLR 2012, Lemma 14): mean over disjoint pairs of
 * h = k(x₁,x₂) + k(y₁,y₂) − k(x₁,y₂) − k(x₂,y₁), using the first 2·⌊min(n,m)/2⌋ rows of each side.
 */
function mmdLinear(xs: Tensor, xt: Tensor, n: number, m: number, d: number, gs: number[]): Tensor {
  const P = Math.floor(Math.min(n, m) / 2);
  if (P < 1) throw invalidParam("xs", `the linear-time MMD² needs at least 2 rows on each side, got ${n} and ${m}`);
  const xd = xs.data, yd = xt.data;
  const rg = needsGrad(xs, xt);
  // For each pair: the four kernel values' derivatives k′(D) for backward.
  const kp = rg ? alloc(4 * P) : null;
  const kern = (a: Float32Array, ia: number, b: Float32Array, ib: number, slot: number): number => {
    let dd = 0;
    for (let p = 0; p < d; p++) {
      const t = a[ia + p]! - b[ib + p]!;
      dd += t * t;
    }
    let k = 0, der = 0;
    for (const g of gs) {
      const e = expNeg(-g * dd);
      k += e;
      der -= g * e;
    }
    if (kp !== null) kp[slot] = der;
    return k;
  };
  let s = 0;
  for (let q = 0; q < P; q++) {
    const x1 = 2 * q * d, x2 = x1 + d;
    s += kern(xd, x1, xd, x2, 4 * q) + kern(yd, x1, yd, x2, 4 * q + 1) - kern(xd, x1, yd, x2, 4 * q + 2) - kern(xd, x2, yd, x1, 4 * q + 3);
  }
  const loss = out([1], rg);
  loss.data[0] = s / P;
  if (rg && kp !== null) {
    record(() => {
      const g = loss.grad;
      if (g === null) return;
      const f = (2 * g[0]!) / P;
      const gx = xs.requiresGrad ? gradOf(xs) : null, gy = xt.requiresGrad ? gradOf(xt) : null;
      // term sign·k(a,b): d/da = sign·k′·2(a−b), d/db = −that.
      const acc = (ga: Float32Array | null, a: Float32Array, ia: number, gb: Float32Array | null, b: Float32Array, ib: number, c: number): void => {
        for (let p = 0; p < d; p++) {
          const v = c * (a[ia + p]! - b[ib + p]!);
          if (ga !== null) ga[ia + p]! += v;
          if (gb !== null) gb[ib + p]! -= v;
        }
      };
      for (let q = 0; q < P; q++) {
        const x1 = 2 * q * d, x2 = x1 + d;
        acc(gx, xd, x1, gx, xd, x2, f * kp[4 * q]!);
        acc(gy, yd, x1, gy, yd, x2, f * kp[4 * q + 1]!);
        acc(gx, xd, x1, gy, yd, x2, -f * kp[4 * q + 2]!);
        acc(gx, xd, x2, gy, yd, x1, -f * kp[4 * q + 3]!);
      }
    });
  }
  return loss;
}

/**
 * Deep CORAL loss (Sun & Saenko 2016): ‖C_s − C_t‖²_F / (4d²) with unbiased covariances C = X̄ᵀX̄/(n−1)
 * of the centred features.
 */
export function coral(xs: Tensor, xt: Tensor): Tensor {
  const [n, m, d] = pair(xs, xt, "coral");
  if (n < 2 || m < 2) throw invalidParam("xs", `coral needs at least 2 rows on each side, got ${n} and ${m}`);
  const cs = centre(xs.data, n, d), ct = centre(xt.data, m, d);
  const Cs = alloc(d * d), Ct = alloc(d * d);
  gemm(true, false, d, d, n, 1 / (n - 1), cs, d, cs, d, 0, Cs, d);
  gemm(true, false, d, d, m, 1 / (m - 1), ct, d, ct, d, 0, Ct, d);
  const diff = alloc(d * d);
  let s = 0;
  for (let i = 0; i < d * d; i++) {
    const v = Cs[i]! - Ct[i]!;
    diff[i] = v;
    s += v * v;
  }
  const scale = 1 / (4 * d * d);
  const rg = needsGrad(xs, xt);
  const loss = out([1], rg);
  loss.data[0] = s * scale;
  if (rg) {
    record(() => {
      const g = loss.grad;
      if (g === null) return;
      // dL/dC_s = 2·scale·diff (symmetric); dL/dX_s = 2/(n−1)·X̄_s·dL/dC_s (centring drops out: X̄ᵀ1 = 0).
      const f = 2 * scale * g[0]!;
      if (xs.requiresGrad) gemm(false, false, n, d, d, (2 * f) / (n - 1), cs, d, diff, d, 1, gradOf(xs), d);
      if (xt.requiresGrad) gemm(false, false, m, d, d, (-2 * f) / (m - 1), ct, d, diff, d, 1, gradOf(xt), d);
    });
  }
  return loss;
}

function centre(x: Float32Array, n: number, d: number): Float32Array {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) mu[p]! += x[i * d + p]!;
  for (let p = 0; p < d; p++) mu[p]! /= n;
  const c = alloc(n * d);
  for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) c[i * d + p] = x[i * d + p]! - mu[p]!;
  return c;
}
