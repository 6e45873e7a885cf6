// Network layers as ops: dropout, batch norm (train/eval), conv2d via im2col + GEMM, max/avg pooling.
import { invalidParam, shapeMismatch } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Tensor, out, gradOf, needsGrad, record, alloc } from "../tensor.js";
import { gemm } from "./linalg.js";
import { recordArgmaxBackward } from "./reduce.js";

/** Inverted dropout: zero each element with probability p and scale the rest by 1/(1−p); identity in eval. */
export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw invalidParam("p", `dropout probability must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const rg = needsGrad(x);
  const y = out(x.shape, rg);
  const mask = alloc(x.size);
  const scale = 1 / (1 - p), xd = x.data, yd = y.data;
  for (let i = 0; i < x.size; i++) {
    const k = rng.uniform() >= p ? scale : 0;
    mask[i] = k;
    yd[i] = xd[i]! * k;
  }
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x);
      for (let i = 0, n = g.length; i < n; i++) gx[i]! += g[i]! * mask[i]!;
    });
  }
  return y;
}

export interface BatchNormOptions {
  training?: boolean;
  /** Running-statistics update rate, as torch (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every axis but the channel axis 1: x is n×C or n×C×H×W. In training, batch
 * statistics normalise and the running mean/variance (unbiased) update in place; in eval they normalise.
 */
export function batchNorm(x: Tensor, gamma: Tensor | null, beta: Tensor | null, runningMean: Float32Array, runningVar: Float32Array, opts: BatchNormOptions = {}): Tensor {
  const r = x.shape.length;
  if (r !== 2 && r !== 4) throw shapeMismatch(`batchNorm: input must be n×C or n×C×H×W, got [${x.shape.join(", ")}]`);
  const n = x.shape[0]!, C = x.shape[1]!, hw = r === 4 ? x.shape[2]! * x.shape[3]! : 1;
  if (runningMean.length !== C || runningVar.length !== C || (gamma && gamma.size !== C) || (beta && beta.size !== C)) {
    throw shapeMismatch(`batchNorm: statistics and affine parameters need ${C} channels`);
  }
  const training = opts.training ?? true, momentum = opts.momentum ?? 0.1, eps = opts.eps ?? 1e-5;
  const M = n * hw;
  if (training && M < 2) throw invalidParam("x", `batchNorm in training needs more than one value per channel, got ${M}`);
  const xd = x.data;
  const mu = new Float64Array(C), inv = new Float64Array(C);
  if (training) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) { const o = (i * C + c) * hw; for (let q = 0; q < hw; q++) s += xd[o + q]!; }
      const m = s / M;
      let v = 0;
      for (let i = 0; i < n; i++) { const o = (i * C + c) * hw; for (let q = 0; q < hw; q++) { const t = xd[o + q]! - m; v += t * t; } }
      v /= M;
      mu[c] = m;
      inv[c] = 1 / Math.sqrt(v + eps);
      runningMean[c] = (1 - momentum) * runningMean[c]! + momentum * m;
      runningVar[c] = (1 - momentum) * runningVar[c]! + (momentum * v * M) / (M - 1);
    }
  } else {
    for (let c = 0; c < C; c++) {
      mu[c] = runningMean[c]!;
      inv[c] = 1 / Math.sqrt(runningVar[c]! + eps);
    }
  }
  const rg = needsGrad(x, gamma, beta);
  const y = out(x.shape, rg);
  const xhat = alloc(x.size);
  const yd = y.data, gd = gamma?.data, bd = beta?.data;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < C; c++) {
      const o = (i * C + c) * hw, m = mu[c]!, s = inv[c]!, ga = gd ? gd[c]! : 1, be = bd ? bd[c]! : 0;
      for (let q = 0; q < hw; q++) {
        const h = (xd[o + q]! - m) * s;
        xhat[o + q] = h;
        yd[o + q] = ga * h + be;
      }
    }
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gg = gamma?.requiresGrad ? gradOf(gamma) : null, gb = beta?.requiresGrad ? gradOf(beta) : null;
      const gx = x.requiresGrad ? gradOf(x) : null;
      for (let c = 0; c < C; c++) {
        let sg = 0, sgh = 0;
        for (let i = 0; i < n; i++) { const o = (i * C + c) * hw; for (let q = 0; q < hw; q++) { sg += g[o + q]!; sgh += g[o + q]! * xhat[o + q]!; } }
        if (gg) gg[c]! += sgh;
        if (gb) gb[c]! += sg;
        if (gx) {
          const f = (gd ? gd[c]! : 1) * inv[c]!;
          const mg = sg / M, mgh = sgh / M;
          for (let i = 0; i < n; i++) {
            const o = (i * C + c) * hw;
            if (training) for (let q = 0; q < hw; q++) gx[o + q]! += f * (g[o + q]! - mg - xhat[o + q]! * mgh);
            else for (let q = 0; q < hw; q++) gx[o + q]! += f * g[o + q]!;
          }
        }
      }
    });
  }
  return y;
}

export interface Conv2dOptions {
  stride?: number;
  padding?: number;
}

/** 2-D convolution (cross-correlation, as torch) of x n×C×H×W with w F×C×kh×kw, via im2col + GEMM. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  if (x.shape.length !== 4 || w.shape.length !== 4) throw shapeMismatch(`conv2d: x must be n×C×H×W and w F×C×kh×kw, got [${x.shape.join(", ")}] and [${w.shape.join(", ")}]`);
  const [n, C, H, W] = x.shape as [number, number, number, number];
  const [F, Cw, kh, kw] = w.shape as [number, number, number, number];
  if (Cw !== C) throw shapeMismatch(`conv2d: input has ${C} channels but the filters expect ${Cw}`);
  if (b !== null && b.size !== F) throw shapeMismatch(`conv2d: bias has ${b.size} values, expected ${F}`);
  const stride = opts.stride ?? 1, pad = opts.padding ?? 0;
  if (!(Number.isInteger(stride) && stride >= 1)) throw invalidParam("stride", `must be a positive integer, got ${stride}`);
  if (!(Number.isInteger(pad) && pad >= 0)) throw invalidParam("padding", `must be a non-negative integer, got ${pad}`);
  const oh = Math.floor((H + 2 * pad - kh) / stride) + 1, ow = Math.floor((W + 2 * pad - kw) / stride) + 1;
  if (oh < 1 || ow < 1) throw shapeMismatch(`conv2d: a ${kh}×${kw} kernel does not fit a ${H}×${W} input with padding ${pad}`);
  const K = C * kh * kw, P = oh * ow;
  const rg = needsGrad(x, w, b);
  const y = out([n, F, oh, ow], rg);
  const cols = alloc(n * K * P);
  const xd = x.data;
  // im2col: cols_n[(c,ki,kj), (oy,ox)] = x[n, c, oy·s + ki − pad, ox·s + kj − pad] (0 outside).
  for (let i = 0; i < n; i++) {
    const cb = i * K * P;
    for (let c = 0; c < C; c++)
      for (let ki = 0; ki < kh; ki++)
        for (let kj = 0; kj < kw; kj++) {
          const row = cb + ((c * kh + ki) * kw + kj) * P;
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * stride + ki - pad;
            for (let ox = 0; ox < ow; ox++) {
              const ix = ox * stride + kj - pad;
              cols[row + oy * ow + ox] = iy >= 0 && iy < H && ix >= 0 && ix < W ? xd[((i * C + c) * H + iy) * W + ix]! : 0;
            }
          }
        }
    gemm(false, false, F, P, K, 1, w.data, K, cols.subarray(cb, cb + K * P), P, 0, y.data.subarray(i * F * P, (i + 1) * F * P), P);
    if (b !== null) for (let f = 0; f < F; f++) { const o = (i * F + f) * P, bv = b.data[f]!; for (let q = 0; q < P; q++) y.data[o + q]! += bv; }
  }
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const dcols = x.requiresGrad ? alloc(K * P) : null;
      const gx = x.requiresGrad ? gradOf(x) : null;
      for (let i = 0; i < n; i++) {
        const gi = g.subarray(i * F * P, (i + 1) * F * P), ci = cols.subarray(i * K * P, (i + 1) * K * P);
        if (w.requiresGrad) gemm(false, true, F, K, P, 1, gi, P, ci, P, 1, gradOf(w), K);
        if (b !== null && b.requiresGrad) { const gb = gradOf(b); for (let f = 0; f < F; f++) { let s = 0; for (let q = 0; q < P; q++) s += gi[f * P + q]!; gb[f]! += s; } }
        if (dcols !== null && gx !== null) {
          gemm(true, false, K, P, F, 1, w.data, K, gi, P, 0, dcols, P);
          for (let c = 0; c < C; c++)
            for (let ki = 0; ki < kh; ki++)
              for (let kj = 0; kj < kw; kj++) {
                const row = ((c * kh + ki) * kw + kj) * P;
                for (let oy = 0; oy < oh; oy++) {
                  const iy = oy * stride + ki - pad;
                  if (iy < 0 || iy >= H) continue;
                  for (let ox = 0; ox < ow; ox++) {
                    const ix = ox * stride + kj - pad;
                    if (ix >= 0 && ix < W) gx[((i * C + c) * H + iy) * W + ix]! += dcols[row + oy * ow + ox]!;
                  }
                }
              }
        }
      }
    });
  }
  return y;
}

function poolDims(x: Tensor, k: number, stride: number, op: string): [number, number, number, number, number, number] {
  if (x.shape.length !== 4) throw shapeMismatch(`${op}: input must be n×C×H×W, got [${x.shape.join(", ")}]`);
  if (!(Number.isInteger(k) && k >= 1)) throw invalidParam("kernel", `${op}: kernel must be a positive integer, got ${k}`);
  if (!(Number.isInteger(stride) && stride >= 1)) throw invalidParam("stride", `${op}: stride must be a positive integer, got ${stride}`);
  const [n, C, H, W] = x.shape as [number, number, number, number];
  const oh = Math.floor((H - k) / stride) + 1, ow = Math.floor((W - k) / stride) + 1;
  if (oh < 1 || ow < 1) throw shapeMismatch(`${op}: a ${k}×${k} window does not fit a ${H}×${W} input`);
  return [n * C, H, W, oh, ow, n];
}

/** Max pooling with a k×k window (stride defaults to k, no padding). */
export function maxPool2d(x: Tensor, k: number, stride = k): Tensor {
  const [planes, H, W, oh, ow] = poolDims(x, k, stride, "maxPool2d");
  const rg = needsGrad(x);
  const y = out([x.shape[0]!, x.shape[1]!, oh, ow], rg);
  const arg = new Int32Array(y.size);
  const xd = x.data, yd = y.data;
  for (let p = 0; p < planes; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity, bi = -1;
        for (let ki = 0; ki < k; ki++)
          for (let kj = 0; kj < k; kj++) {
            const idx = (p * H + oy * stride + ki) * W + ox * stride + kj;
            const v = xd[idx]!;
            // A NaN in the window wins wherever it sits (as torch's max_pool2d and this engine's max reduction).
            if (v > best || bi < 0 || Number.isNaN(v)) { best = v; bi = idx; }
          }
        const o = (p * oh + oy) * ow + ox;
        yd[o] = best;
        arg[o] = bi;
      }
  if (rg) recordArgmaxBackward(x, y, arg);
  return y;
}

/** Average pooling with a k×k window (stride defaults to k, no padding). */
export function avgPool2d(x: Tensor, k: number, stride = k): Tensor {
  const [planes, H, W, oh, ow] = poolDims(x, k, stride, "avgPool2d");
  const rg = needsGrad(x);
  const y = out([x.shape[0]!, x.shape[1]!, oh, ow], rg);
  const xd = x.data, yd = y.data, inv = 1 / (k * k);
  for (let p = 0; p < planes; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let s = 0;
        for (let ki = 0; ki < k; ki++) for (let kj = 0; kj < k; kj++) s += xd[(p * H + oy * stride + ki) * W + ox * stride + kj]!;
        yd[(p * oh + oy) * ow + ox] = s * inv;
      }
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x);
      for (let p = 0; p < planes; p++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++) {
            const v = g[(p * oh + oy) * ow + ox]! * inv;
            for (let ki = 0; ki < k; ki++) for (let kj = 0; kj < k; kj++) gx[(p * H + oy * stride + ki) * W + ox * stride + kj]! += v;
          }
    });
  }
  return y;
}
