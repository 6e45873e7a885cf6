// Distances and the domain-alignment losses: pairwise squared distances, RBF kernel matrices, MMD² as
// one fused op (biased V-statistic, unbiased U-statistic, linear-time), and the Deep CORAL loss.
import { invalidParam, shapeMismatch } from "../../core/errors.js";
import { kernels } from "../kernels/index.js";
import { Tensor, out, gradOf, needsGrad, record, alloc, allocZero } from "../tensor.js";
import { gemm } from "./linalg.js";
import { centredRows } from "../covariance.js";

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
  const K = kernels();
  K.sqdist(x.data, n, y.data, m, d, D);
  const out_ = out([n, m], rg);
  const dk = rg ? alloc(n * m) : null;
  K.rbf(D, n * m, gs, out_.data, dk);
  if (rg && dk !== null) {
    record(() => {
      const g = out_.grad;
      if (g === null) return;
      const G = alloc(n * m);
      for (let i = 0; i < n * m; i++) G[i] = g[i]! * dk[i]!;
      sqdistBackward(x, y, G, n, m, d);
    });
  }
  return out_;
}

// Backward of mmd2 as a top-level function (hot loops read arguments, not closure context slots).
function mmdBackward(xs: Tensor, xt: Tensor, loss: Tensor, dk: Float32Array, n: number, m: number, d: number, wss: number, wtt: number, wst: number): void {
  const g = loss.grad;
  if (g === null) return;
  const f = 4 * g[0]!;
  const X = xs.data, Y = xt.data;
  const ott = n * n, ost = ott + m * m, L = ost + n * m;
  const Kss = dk.subarray(0, ott), Ktt = dk.subarray(ott, ost), Kst = dk.subarray(ost, L);
  // Diagonal terms cancel in rs∘X − K′·X, so the unbiased estimator needs no special case here.
  if (xs.requiresGrad) {
    const gx = gradOf(xs);
    gemm(false, false, n, d, n, -f * wss, Kss, n, X, d, 1, gx, d);
    gemm(false, false, n, d, m, -f * wst, Kst, m, Y, d, 1, gx, d);
    for (let i = 0; i < n; i++) {
      const c = f * (wss * sumRange(Kss, i * n, i * n + n) + wst * sumRange(Kst, i * m, i * m + m));
      for (let p = 0; p < d; p++) gx[i * d + p]! += c * X[i * d + p]!;
    }
  }
  if (xt.requiresGrad) {
    const gy = gradOf(xt);
    gemm(false, false, m, d, m, -f * wtt, Ktt, m, Y, d, 1, gy, d);
    gemm(true, false, m, d, n, -f * wst, Kst, m, X, d, 1, gy, d);
    const cs = new Float64Array(m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cs[j]! += Kst[i * m + j]!;
    for (let j = 0; j < m; j++) {
      const c = f * (wtt * sumRange(Ktt, j * m, j * m + m) + wst * cs[j]!);
      for (let p = 0; p < d; p++) gy[j * d + p]! += c * Y[j * d + p]!;
    }
  }
}

/** Σ a[from..to) in float64 with four accumulators (breaks the add-latency chain: ~2.4× one accumulator). */
function sumRange(a: Float32Array, from: number, to: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = from;
  for (; i + 3 < to; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (; i < to; i++) s0 += a[i]!;
  return s0 + s1 + s2 + s3;
}

export type MmdEstimator = "biased" | "unbiased" | "linear";

export interface MmdOptions {
  /** RBF bandwidth(s) γ in exp(−γ‖·‖²); several give the sum of kernels. Default 1. */
  gamma?: number | readonly number[];
  /** "biased" (V-statistic, default), "unbiased" (U-statistic) or "linear" (Gretton et al. 2012, §6). */
  estimator?: MmdEstimator;
}

/**
 * MMD² between the rows of xs (n×d) and xt (m×d) with an RBF kernel, as one op: the three distance blocks
 * (ss, tt, st) in one buffer, the kernel values and their derivatives k′ in one kernel-tier call, block sums
 * in one pass. Backward is four GEMMs with the block weights as alpha:
 * dX = 4g·[w_ss(rs(K′_ss)∘X − K′_ss·X) + w_st(rs(K′_st)∘X − K′_st·Y)], and symmetrically for Y.
 */
export function mmd2(xs: Tensor, xt: Tensor, opts: MmdOptions = {}): Tensor {
  const [n, m, d] = pair(xs, xt, "mmd2");
  const gs = gammaList(opts.gamma ?? 1, "mmd2");
  const est = opts.estimator ?? "biased";
  if (est === "linear") return mmdLinear(xs, xt, n, m, d, gs);
  if (est !== "biased" && est !== "unbiased") throw invalidParam("estimator", `unknown MMD estimator '${String(est)}'`, "use biased, unbiased or linear");
  const unbiased = est === "unbiased";
  if (n < (unbiased ? 2 : 1) || m < (unbiased ? 2 : 1)) throw invalidParam("xs", `mmd2 (${est}) needs at least ${unbiased ? 2 : 1} rows on each side, got ${n} and ${m}`);
  const X = xs.data, Y = xt.data;
  const oss = 0, ott = n * n, ost = n * n + m * m, L = ost + n * m;
  const K = kernels();
  const D = alloc(L);
  K.sqdist(X, n, X, n, d, D.subarray(oss, ott));
  K.sqdist(Y, m, Y, m, d, D.subarray(ott, ost));
  K.sqdist(X, n, Y, m, d, D.subarray(ost, L));
  const rg = needsGrad(xs, xt);
  const kv = alloc(L);
  const dk = rg ? alloc(L) : null;
  K.rbf(D, L, gs, kv, dk);
  let sss = sumRange(kv, oss, ott), stt = sumRange(kv, ott, ost);
  const sst = sumRange(kv, ost, L);
  if (unbiased) {
    for (let i = 0; i < n; i++) sss -= kv[oss + i * n + i]!;
    for (let j = 0; j < m; j++) stt -= kv[ott + j * m + j]!;
  }
  const wss = unbiased ? 1 / (n * (n - 1)) : 1 / (n * n);
  const wtt = unbiased ? 1 / (m * (m - 1)) : 1 / (m * m);
  const wst = -1 / (n * m);
  const loss = out([1], rg);
  loss.data[0] = wss * sss + wtt * stt + 2 * wst * sst;
  if (rg && dk !== null) record(() => mmdBackward(xs, xt, loss, dk, n, m, d, wss, wtt, wst));
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
  // Its own float32 product (scaled inside the GEMM, pooled buffers kept for the backward pass), not
  // engine/covariance.ts's float64 block sums: the loss is per mini-batch and its value steers training.
  const cs = centredRows({ rows: n, cols: d, data: xs.data }, undefined, alloc(n * d));
  const ct = centredRows({ rows: m, cols: d, data: xt.data }, undefined, alloc(m * d));
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

