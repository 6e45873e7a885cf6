// Ops of the deep adaptation losses that are not plain distances: the batched outer product CDAN conditions its
// discriminator on, the entropy weights of CDAN+E and MCC, MCC's class-confusion loss and DAN's multi-kernel MMD²
// with the bandwidth taken from the batch. (Gradient reversal and BCE with logits live in elementwise/losses.)
import { invalidParam, shapeMismatch } from "../../core/errors.js";
import { kernels } from "../kernels/index.js";
import { Tensor, out, gradOf, needsGrad, record } from "../tensor.js";
import { div, mul, sub } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { softmax, sum } from "./reduce.js";
import { mmd2 } from "./distance.js";

function rows2d(x: Tensor, op: string, name: string): [number, number] {
  if (x.shape.length !== 2) throw shapeMismatch(`${op}: ${name} must be 2-D, got [${x.shape.join(", ")}]`);
  return [x.shape[0]!, x.shape[1]!];
}

/**
 * Row-wise outer product: a (n×p), b (n×q) → n×(p·q) with out[i, j·q + k] = a[i,j]·b[i,k] — torch's
 * `torch.bmm(a.unsqueeze(2), b.unsqueeze(1)).view(n, -1)`, CDAN's multilinear map f ⊗ g.
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  const [n, p] = rows2d(a, "outer", "a");
  const [nb, q] = rows2d(b, "outer", "b");
  if (n !== nb) throw shapeMismatch(`outer: row counts differ (${n} and ${nb})`);
  const A = a.data, B = b.data;
  const rg = needsGrad(a, b);
  const y = out([n, p * q], rg);
  const Y = y.data;
  const k = kernels().outer;
  if (k !== undefined) {  // the same products in C (CDAN's 128 × 1280 map: measured 4× faster than these loops)
    const dims = Int32Array.of(n, p, q);
    k.forward(dims, A, B, Y);
    if (rg) record(() => { if (y.grad !== null) k.backward(dims, A, B, y.grad, a.requiresGrad ? gradOf(a) : null, b.requiresGrad ? gradOf(b) : null); });
    return y;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const v = A[i * p + j]!, o = (i * p + j) * q;
      for (let k = 0; k < q; k++) Y[o + k] = v * B[i * q + k]!;
    }
  }
  if (rg) record(() => outerBackward(a, b, y, n, p, q));
  return y;
}

function outerBackward(a: Tensor, b: Tensor, y: Tensor, n: number, p: number, q: number): void {
  const g = y.grad;
  if (g === null) return;
  const A = a.data, B = b.data;
  const ga = a.requiresGrad ? gradOf(a) : null, gb = b.requiresGrad ? gradOf(b) : null;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const o = (i * p + j) * q, v = A[i * p + j]!;
      let s = 0;
      for (let k = 0; k < q; k++) {
        s += g[o + k]! * B[i * q + k]!;
        if (gb) gb[i * q + k]! += g[o + k]! * v;
      }
      if (ga) ga[i * p + j]! += s;
    }
  }
}

/** ε inside the logarithm of the entropy weights, as the MCC and CDAN reference code (−Σ p·log(p + 1e-5)). */
export const ENTROPY_EPS = 1e-5;

/**
 * Entropy weights w_i = 1 + exp(−H(p_i)), rescaled to sum to n (constants, no gradient): CDAN+E's
 * conditioning weights and MCC's example weights. `probs` is n×K (rows sum to 1).
 */
export function entropyWeights(probs: Tensor): Float32Array {
  const [n, k] = rows2d(probs, "entropyWeights", "probs");
  const P = probs.data;
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let c = 0; c < k; c++) {
      const v = P[i * k + c]!;
      h -= v * Math.log(v + ENTROPY_EPS);
    }
    w[i] = 1 + Math.exp(-h);
    total += w[i]!;
  }
  return Float32Array.from(w, (v) => (n * v) / total);
}

/**
 * Minimum Class Confusion loss (Jin et al., ECCV 2020) on target logits (n×K) at temperature T:
 * p = softmax(z/T); C = pᵀ·diag(w)·p with entropy weights w (detached); each column of C divided by its sum;
 * loss = (Σ C − tr C) / K. Matches the authors' and TLlib's MinimumClassConfusionLoss.
 */
export function mccLoss(logits: Tensor, temperature = 2.5): Tensor {
  const [n, k] = rows2d(logits, "mccLoss", "logits");
  if (!(Number.isFinite(temperature) && temperature > 0)) throw invalidParam("temperature", `mccLoss temperature must be positive, got ${temperature}`);
  if (n === 0) throw invalidParam("logits", "mccLoss of an empty batch");
  const p = softmax(div(logits, temperature));
  const w = new Tensor(entropyWeights(p), [n, 1]);
  const conf = matmul(mul(p, w), p, { transA: true });
  const normed = div(conf, sum(conf, 0, true));
  const eye = new Float32Array(k * k);
  for (let c = 0; c < k; c++) eye[c * k + c] = 1;
  const offDiagonal = sub(sum(normed), sum(mul(normed, new Tensor(eye, [k, k]))));
  return div(offDiagonal, k);
}

export interface MultiKernelMmdOptions {
  /** Number of Gaussian kernels (default 5: σ² = base·m^k for k = −⌊n/2⌋ … ⌊n/2⌋ with m the multiplier). */
  kernels?: number;
  /** Ratio between consecutive bandwidths (default 2). */
  multiplier?: number;
}

/**
 * Mean squared distance over distinct pairs of rows of the joint batch [xs; xt], in float64 and in O(N·d):
 * Σ_{i,j} ‖z_i − z_j‖² = 2N·Σ‖z_i‖² − 2‖Σ z_i‖², divided by N² − N. A constant (no gradient).
 */
export function meanPairwiseSqDist(xs: Tensor, xt: Tensor): number {
  const [n, d] = rows2d(xs, "meanPairwiseSqDist", "xs");
  const [m, dt] = rows2d(xt, "meanPairwiseSqDist", "xt");
  if (d !== dt) throw shapeMismatch(`meanPairwiseSqDist: feature counts differ (${d} and ${dt})`);
  const N = n + m;
  if (N < 2) throw invalidParam("xs", "meanPairwiseSqDist needs at least two rows");
  const colSum = new Float64Array(d);
  let sq = 0;
  for (const [X, r] of [[xs.data, n], [xt.data, m]] as const) {
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < d; j++) {
        const v = X[i * d + j]!;
        colSum[j]! += v;
        sq += v * v;
      }
    }
  }
  let s2 = 0;
  for (let j = 0; j < d; j++) s2 += colSum[j]! * colSum[j]!;
  return Math.max(0, 2 * N * sq - 2 * s2) / (N * N - N);
}

/**
 * DAN's multi-kernel MMD² (Long et al., ICML 2015), biased estimator, with the bandwidths of the tutorial's code:
 * Σ_k exp(−‖x−y‖²/σ_k²), σ_k² = base·multiplier^k, k = −⌊K/2⌋…, base = mean pairwise squared distance of the joint
 * batch (detached). Returns the MMD² tensor; a batch whose points all coincide (base 0) gives MMD² = 0.
 */
export function multiKernelMmd2(xs: Tensor, xt: Tensor, opts: MultiKernelMmdOptions = {}): Tensor {
  const kernels = opts.kernels ?? 5, mult = opts.multiplier ?? 2;
  if (!(Number.isInteger(kernels) && kernels >= 1)) throw invalidParam("kernels", `multiKernelMmd2 needs a positive whole number of kernels, got ${kernels}`);
  if (!(Number.isFinite(mult) && mult > 0)) throw invalidParam("multiplier", `multiKernelMmd2 multiplier must be positive, got ${mult}`);
  let base = meanPairwiseSqDist(xs, xt);
  // All points equal: every kernel is 1 everywhere and MMD² is exactly 0 at any bandwidth; use 1 to stay finite.
  if (!(base > 0)) base = 1;
  const lo = -Math.floor(kernels / 2);
  const gammas = Array.from({ length: kernels }, (_, i) => 1 / (base * mult ** (lo + i)));
  return mmd2(xs, xt, { gamma: gammas, estimator: "biased" });
}
