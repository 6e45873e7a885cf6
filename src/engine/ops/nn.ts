// Network layers as ops: dropout, batch norm (train/eval), conv2d via im2col + GEMM, max/avg pooling.
import { invalidParam, shapeMismatch } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Tensor, out, gradOf, needsGrad, record, alloc } from "../tensor.js";
import { kernels, type ConvKernels } from "../kernels/index.js";
import { activation, checkActivation, type Activation } from "./elementwise.js";
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
  /** Activation after the bias, fused (default "none"). */
  activation?: Activation;
  /** Max pooling with a k×k window and stride k after the activation, fused (default 1: none). */
  maxPool?: number;
}

/**
 * 2-D convolution (cross-correlation, as torch) of x n×C×H×W with w F×C×kh×kw, plus bias, then optionally an
 * activation and a k×k max pool (conv → act → maxPool2d in one op: the CNN backbones' block).
 *
 * On a tier with a conv kernel (native) the whole block runs there in one call each way, NHWC inside (measured
 * on the 8×8 digit CNN: im2col, transposes, bias, ReLU and pooling in TypeScript cost about twice the GEMMs).
 * Elsewhere: im2col + GEMM over the whole batch, cols K×(n·P) (K = C·kh·kw, P = output pixels), so forward, dW and
 * dcols are one GEMM each instead of three per image, followed by the separate activation and pooling ops.
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  if (x.shape.length !== 4 || w.shape.length !== 4) throw shapeMismatch(`conv2d: x must be n×C×H×W and w F×C×kh×kw, got [${x.shape.join(", ")}] and [${w.shape.join(", ")}]`);
  const [n, C, H, W] = x.shape as [number, number, number, number];
  const [F, Cw, kh, kw] = w.shape as [number, number, number, number];
  if (Cw !== C) throw shapeMismatch(`conv2d: input has ${C} channels but the filters expect ${Cw}`);
  if (b !== null && b.size !== F) throw shapeMismatch(`conv2d: bias has ${b.size} values, expected ${F}`);
  const stride = opts.stride ?? 1, pad = opts.padding ?? 0, act = opts.activation ?? "none", pool = opts.maxPool ?? 1;
  if (!(Number.isInteger(stride) && stride >= 1)) throw invalidParam("stride", `must be a positive integer, got ${stride}`);
  if (!(Number.isInteger(pad) && pad >= 0)) throw invalidParam("padding", `must be a non-negative integer, got ${pad}`);
  if (!(Number.isInteger(pool) && pool >= 1)) throw invalidParam("maxPool", `must be a positive integer, got ${pool}`);
  checkActivation(act);
  const oh = Math.floor((H + 2 * pad - kh) / stride) + 1, ow = Math.floor((W + 2 * pad - kw) / stride) + 1;
  if (oh < 1 || ow < 1) throw shapeMismatch(`conv2d: a ${kh}×${kw} kernel does not fit a ${H}×${W} input with padding ${pad}`);
  if (pool > oh || pool > ow) throw shapeMismatch(`conv2d: a ${pool}×${pool} pool does not fit the ${oh}×${ow} output`);
  const g: ConvGeometry = { n, C, H, W, kh, kw, oh, ow, stride, pad };
  const k = kernels().conv;
  if (k !== undefined && (act === "none" || act === "relu")) return convBlockKernel(k, x, w, b, g, F, act === "relu", pool);
  let y = convIm2col(x, w, b, g, F);
  if (act !== "none") y = activation(y, act);
  return pool > 1 ? maxPool2d(y, pool) : y;
}

/** Saved-buffer and scratch sizes of the conv kernel (floats), as native/src/conv.c needs them. */
function convBuffers(g: ConvGeometry, F: number): { cols: number; act: number; forward: number; backward: (withGx: boolean) => number } {
  const K = g.C * g.kh * g.kw, NP = g.n * g.oh * g.ow, xSize = g.n * g.C * g.H * g.W;
  return {
    cols: NP * K,
    act: NP * F,
    forward: F * K + (g.C > 1 ? xSize : 0),
    backward: (withGx) => NP * F + 2 * F * K + (withGx ? NP * K + xSize : 0),
  };
}

function convBlockKernel(k: ConvKernels, x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeometry, F: number, relu: boolean, pool: number): Tensor {
  const ph = pool > 1 ? Math.floor((g.oh - pool) / pool) + 1 : g.oh, pw = pool > 1 ? Math.floor((g.ow - pool) / pool) + 1 : g.ow;
  const geom = Int32Array.of(g.n, g.C, g.H, g.W, F, g.kh, g.kw, g.stride, g.pad, relu ? 1 : 0, pool);
  const sizes = convBuffers(g, F);
  const rg = needsGrad(x, w, b);
  const y = out([g.n, F, ph, pw], rg);
  const cols = alloc(sizes.cols), act = alloc(sizes.act);
  const arg = pool > 1 ? int32View(alloc(y.size)) : null;
  k.forward(geom, x.data, w.data, b === null ? null : b.data, cols, act, arg, y.data, alloc(sizes.forward));
  if (rg) {
    record(() => {
      const gy = y.grad;
      if (gy === null) return;
      const gx = x.requiresGrad ? gradOf(x) : null;
      const gw = w.requiresGrad ? gradOf(w) : null;
      const gb = b !== null && b.requiresGrad ? gradOf(b) : null;
      k.backward(geom, gy, w.data, cols, act, arg, gw, gb, gx, alloc(sizes.backward(gx !== null)));
    });
  }
  return y;
}

/** The int32 pool winners live in a pooled float buffer of the same length. */
function int32View(f: Float32Array): Int32Array {
  return new Int32Array(f.buffer, f.byteOffset, f.length);
}

/** conv2d without activation or pooling, in TypeScript around the active tier's GEMM. */
function convIm2col(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeometry, F: number): Tensor {
  const { n, C, kh, kw, oh, ow } = g;
  const K = C * kh * kw, P = oh * ow, NP = n * P;
  const rg = needsGrad(x, w, b);
  const y = out([n, F, oh, ow], rg);
  const cols = alloc(K * NP);
  im2col(x.data, cols, g);
  const yt = alloc(F * NP);
  gemm(false, false, F, NP, K, 1, w.data, K, cols, NP, 0, yt, NP);
  // F×(n·P) → n×F×P, adding the bias.
  const yd = y.data;
  for (let f = 0; f < F; f++) {
    const bv = b === null ? 0 : b.data[f]!;
    for (let i = 0; i < n; i++) {
      const src = f * NP + i * P, dst = (i * F + f) * P;
      for (let q = 0; q < P; q++) yd[dst + q] = yt[src + q]! + bv;
    }
  }
  if (rg) record(() => conv2dBackward(x, w, b, y, cols, g, F));
  return y;
}

interface ConvGeometry { n: number; C: number; H: number; W: number; kh: number; kw: number; oh: number; ow: number; stride: number; pad: number }

/** cols[(c,ki,kj), i·P + oy·ow + ox] = x[i, c, oy·s + ki − pad, ox·s + kj − pad] (0 outside the image). */
function im2col(xd: Float32Array, cols: Float32Array, g: ConvGeometry): void {
  const { n, C, H, W, kh, kw, oh, ow, stride, pad } = g;
  const P = oh * ow, NP = n * P;
  for (let c = 0; c < C; c++)
    for (let ki = 0; ki < kh; ki++)
      for (let kj = 0; kj < kw; kj++) {
        const row = ((c * kh + ki) * kw + kj) * NP;
        // Output columns whose input column is inside the image: ox in [x0, x1).
        const x0 = Math.max(0, Math.ceil((pad - kj) / stride)), x1 = Math.min(ow, Math.floor((W - 1 + pad - kj) / stride) + 1);
        for (let i = 0; i < n; i++) {
          const base = (i * C + c) * H;
          for (let oy = 0; oy < oh; oy++) {
            const o = row + i * P + oy * ow;
            const iy = oy * stride + ki - pad;
            if (iy < 0 || iy >= H || x1 <= x0) { cols.fill(0, o, o + ow); continue; }
            for (let ox = 0; ox < x0; ox++) cols[o + ox] = 0;
            const src = (base + iy) * W + kj - pad;
            for (let ox = x0; ox < x1; ox++) cols[o + ox] = xd[src + ox * stride]!;
            for (let ox = x1; ox < ow; ox++) cols[o + ox] = 0;
          }
        }
      }
}

/** gx[i, c, iy, ix] += dcols[(c,ki,kj), i·P + oy·ow + ox] over the positions im2col read. */
function col2im(dcols: Float32Array, gx: Float32Array, g: ConvGeometry): void {
  const { n, C, H, W, kh, kw, oh, ow, stride, pad } = g;
  const P = oh * ow, NP = n * P;
  for (let c = 0; c < C; c++)
    for (let ki = 0; ki < kh; ki++)
      for (let kj = 0; kj < kw; kj++) {
        const row = ((c * kh + ki) * kw + kj) * NP;
        const x0 = Math.max(0, Math.ceil((pad - kj) / stride)), x1 = Math.min(ow, Math.floor((W - 1 + pad - kj) / stride) + 1);
        if (x1 <= x0) continue;
        for (let i = 0; i < n; i++) {
          const base = (i * C + c) * H;
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * stride + ki - pad;
            if (iy < 0 || iy >= H) continue;
            const o = row + i * P + oy * ow, dst = (base + iy) * W + kj - pad;
            for (let ox = x0; ox < x1; ox++) gx[dst + ox * stride]! += dcols[o + ox]!;
          }
        }
      }
}

function conv2dBackward(x: Tensor, w: Tensor, b: Tensor | null, y: Tensor, cols: Float32Array, g: ConvGeometry, F: number): void {
  const gy = y.grad;
  if (gy === null) return;
  const { n, C, kh, kw, oh, ow } = g;
  const K = C * kh * kw, P = oh * ow, NP = n * P;
  // n×F×P → F×(n·P).
  const gt = alloc(F * NP);
  for (let i = 0; i < n; i++)
    for (let f = 0; f < F; f++) {
      const src = (i * F + f) * P, dst = f * NP + i * P;
      for (let q = 0; q < P; q++) gt[dst + q] = gy[src + q]!;
    }
  if (w.requiresGrad) gemm(false, true, F, K, NP, 1, gt, NP, cols, NP, 1, gradOf(w), K);
  if (b !== null && b.requiresGrad) {
    const gb = gradOf(b);
    for (let f = 0; f < F; f++) {
      let s = 0;
      for (let q = f * NP, e = q + NP; q < e; q++) s += gt[q]!;
      gb[f]! += s;
    }
  }
  if (x.requiresGrad) {
    const dcols = alloc(K * NP);
    gemm(true, false, K, NP, F, 1, w.data, K, gt, NP, 0, dcols, NP);
    col2im(dcols, gradOf(x), g);
  }
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
  if (k === 2 && stride === 2) {
    maxPool2x2(xd, yd, arg, planes, H, W, oh, ow);
    if (rg) recordArgmaxBackward(x, y, arg);
    return y;
  }
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

/** The 2×2 stride-2 window of the CNN backbones, unrolled; same order and NaN rule as the general loop. */
function maxPool2x2(xd: Float32Array, yd: Float32Array, arg: Int32Array, planes: number, H: number, W: number, oh: number, ow: number): void {
  for (let p = 0; p < planes; p++)
    for (let oy = 0; oy < oh; oy++) {
      const r = (p * H + 2 * oy) * W, o = (p * oh + oy) * ow;
      for (let ox = 0; ox < ow; ox++) {
        const i0 = r + 2 * ox;
        let best = xd[i0]!, bi = i0, v = xd[i0 + 1]!;
        if (v > best || v !== v) { best = v; bi = i0 + 1; }
        v = xd[i0 + W]!;
        if (v > best || v !== v) { best = v; bi = i0 + W; }
        v = xd[i0 + W + 1]!;
        if (v > best || v !== v) { best = v; bi = i0 + W + 1; }
        yd[o + ox] = best;
        arg[o + ox] = bi;
      }
    }
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
