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
}

export interface TierStatus {
  tier: Tier;
  available: boolean;
  /** Why the tier is missing, or what it runs on (e.g. "AVX2+FMA, 2 threads"). */
  detail: string;
}
