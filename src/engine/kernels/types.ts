// The kernel contract every tier (native addon, WebAssembly SIMD, TypeScript) implements.
// All matrices are row-major Float32Array; leading dimensions are in elements.

export type Tier = "native" | "openblas" | "wasm" | "js";

export interface Kernels {
  readonly tier: Tier;
  /**
   * C ← alpha·op(A)·op(B) + beta·C, with op(A) m×k and op(B) k×n (row-major).
   * transA means A is stored k×m; transB means B is stored n×k. When beta is 0, C is not read
   * (it may hold NaN), exactly as BLAS does.
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
    beta: number, c: Float32Array, ldc: number,
  ): void;
  /** out[i·m + j] = ‖x_i − y_j‖² for X n×d and Y m×d, clamped at 0. */
  sqdist(x: Float32Array, n: number, y: Float32Array, m: number, d: number, out: Float32Array): void;
  /**
   * RBF kernel values from squared distances, element-wise over the first `len` entries of d:
   * k[i] = Σ_b exp(−γ_b·d[i]) and, when dk is given, dk[i] = ∂k/∂d = Σ_b −γ_b·exp(−γ_b·d[i]).
   * d ≥ 0 expected; γ_b > 0. Relative error of the exponential ≤ 1e-6.
   */
  rbf(d: Float32Array, len: number, gammas: ArrayLike<number>, k: Float32Array, dk: Float32Array | null): void;
  /** The fused conv block (conv + bias [+ ReLU] [+ max pool]) when the tier has one; without it the conv2d op
   *  runs im2col + gemm and the separate activation and pooling ops in TypeScript. */
  readonly conv?: ConvKernels;
  /** The fused linear layer with ReLU or no activation, when the tier has it (else TypeScript loops around gemm). */
  readonly linear?: LinearKernels;
  /** CDAN's batched outer product and y += α·x (gradient reversal), when the tier has them: the TypeScript loops'
   *  arithmetic (double products and sums, one rounding per stored value), so the same bits either way. */
  readonly outer?: OuterKernels;
  readonly axpy?: (alpha: number, x: Float32Array, y: Float32Array) => void;
  /**
   * One SGD step in place, when the tier has it (the optimizer's TypeScript loop otherwise): torch's rule in the
   * same double arithmetic as that loop (the same bits). buf: momentum buffer or null; scalars = [lr,
   * weightDecay, momentum, dampening, nesterov (0/1), first step (0/1)].
   */
  readonly sgdStep?: (d: Float32Array, grad: Float32Array, buf: Float32Array | null, scalars: Float64Array) => void;
}

/** y[i, j·q + k] = a[i, j]·b[i, k] for a n×p, b n×q: dims = [n, p, q]; backward adds into ga and gb (null: not wanted). */
export interface OuterKernels {
  forward(dims: Int32Array, a: Float32Array, b: Float32Array, y: Float32Array): void;
  backward(dims: Int32Array, a: Float32Array, b: Float32Array, g: Float32Array, ga: Float32Array | null, gb: Float32Array | null): void;
}

/**
 * Fused linear layer y = act(x·Wᵀ + b), x n×in, W out×in, act ReLU or none: dims = [n, in, out, relu (0/1)]. The
 * element-wise passes match the TypeScript path of the linear op bit for bit (same order, float32 rounding).
 */
export interface LinearKernels {
  forward(dims: Int32Array, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array): void;
  /** Adds into gx, gw, gb (each null when not wanted); gp: n×out scratch, needed with ReLU. */
  backward(dims: Int32Array, x: Float32Array, w: Float32Array, y: Float32Array, g: Float32Array, gp: Float32Array | null, gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null): void;
}

/**
 * Fused convolution block, NCHW at the boundary. geom = [n, C, H, W, F, kh, kw, stride, pad, relu (0/1),
 * pool (window = stride; 1: none)]. Saved between the passes: cols (n·oh·ow × C·kh·kw), act (n·oh·ow × F,
 * after bias and ReLU) and arg (the pool winners, n·F·ph·pw). Scratch sizes: convScratch in ops/nn.ts.
 */
export interface ConvKernels {
  forward(geom: Int32Array, x: Float32Array, w: Float32Array, b: Float32Array | null, cols: Float32Array, act: Float32Array, arg: Int32Array | null, y: Float32Array, scratch: Float32Array): void;
  /** Adds the gradients into gw, gb and gx (each null when not wanted). */
  backward(geom: Int32Array, gy: Float32Array, w: Float32Array, cols: Float32Array, act: Float32Array, arg: Int32Array | null, gw: Float32Array | null, gb: Float32Array | null, gx: Float32Array | null, scratch: Float32Array): void;
}

export interface TierStatus {
  tier: Tier;
  available: boolean;
  /** Why the tier is missing, or what it runs on (e.g. "AVX2+FMA, 2 threads"). */
  detail: string;
}
