// Tier 3: plain TypeScript kernels. Portable and always available; the reference for the other tiers.
// Dot products and groups of four terms are summed in float64 (JS numbers) before rounding into C.
import { checkGemm, checkRbf, checkSqdist } from "./check.js";
import type { Kernels } from "./types.js";

/** C ← alpha·op(A)·op(B) + beta·C without argument checks (the wasm tier calls this for tiny products). */
export function gemmUnchecked(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
  beta: number, c: Float32Array, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    if (beta === 0) c.fill(0, ci, ci + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[ci + j]! *= beta;
  }
  if (k === 0 || alpha === 0) return;
  // Strides of op(A) in memory: element (i, p) is a[i·ars + p·acs].
  const ars = transA ? 1 : lda, acs = transA ? lda : 1;
  if (!transB) {
    // i-p-j order streams rows of B and C; four rows of B per pass quarter the C traffic. Blocks of
    // rows of B (about 256 KiB) are reused by every row of C while they sit in cache.
    const kb = Math.max(4, Math.min(k, (65536 / Math.max(n, 1)) & ~3));
    for (let p0 = 0; p0 < k; p0 += kb) {
      const p1 = Math.min(k, p0 + kb);
      const k4 = p1 - ((p1 - p0) % 4);
      for (let i = 0; i < m; i++) {
        const ci = i * ldc, ai = i * ars;
        let p = p0;
        for (; p < k4; p += 4) {
          const a0 = alpha * a[ai + p * acs]!, a1 = alpha * a[ai + (p + 1) * acs]!;
          const a2 = alpha * a[ai + (p + 2) * acs]!, a3 = alpha * a[ai + (p + 3) * acs]!;
          const b0 = p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
          for (let j = 0; j < n; j++) c[ci + j]! += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
        }
        for (; p < p1; p++) {
          const av = alpha * a[ai + p * acs]!;
          const bp = p * ldb;
          for (let j = 0; j < n; j++) c[ci + j]! += av * b[bp + j]!;
        }
      }
    }
  } else {
    // op(B)(p, j) = b[j·ldb + p]: dot products of a row of op(A) with rows of B, two columns at a time.
    for (let i = 0; i < m; i++) {
      const ci = i * ldc, ai = i * ars;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const b0 = j * ldb, b1 = b0 + ldb;
        let s0 = 0, s1 = 0;
        for (let p = 0; p < k; p++) {
          const av = a[ai + p * acs]!;
          s0 += av * b[b0 + p]!;
          s1 += av * b[b1 + p]!;
        }
        c[ci + j]! += alpha * s0;
        c[ci + j + 1]! += alpha * s1;
      }
      if (j < n) {
        const b0 = j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * acs]! * b[b0 + p]!;
        c[ci + j]! += alpha * s;
      }
    }
  }
}

/**
 * out[i·m + j] = ‖x_i − y_j‖², differences summed in float64. A Float64Array out keeps every bit of that sum
 * (the float64 kernel and cost matrices of adapt/ use it); a Float32Array rounds it once.
 */
export function sqdistUnchecked(x: Float32Array, n: number, y: Float32Array, m: number, d: number, out: Float32Array | Float64Array): void {
  for (let i = 0; i < n; i++) {
    const xi = i * d, oi = i * m;
    for (let j = 0; j < m; j++) {
      const yj = j * d;
      let s = 0;
      for (let p = 0; p < d; p++) {
        const t = x[xi + p]! - y[yj + p]!;
        s += t * t;
      }
      out[oi + j] = s;
    }
  }
}

export function rbfUnchecked(d: Float32Array, len: number, gammas: ArrayLike<number>, k: Float32Array, dk: Float32Array | null): void {
  const nb = gammas.length;
  if (nb === 1) {
    const g = gammas[0]!;
    for (let i = 0; i < len; i++) {
      const e = Math.exp(-g * d[i]!);
      k[i] = e;
      if (dk !== null) dk[i] = -g * e;
    }
    return;
  }
  for (let i = 0; i < len; i++) {
    const di = d[i]!;
    let s = 0, sd = 0;
    for (let b = 0; b < nb; b++) {
      const e = Math.exp(-gammas[b]! * di);
      s += e;
      sd -= gammas[b]! * e;
    }
    k[i] = s;
    if (dk !== null) dk[i] = sd;
  }
}

export const jsKernels: Kernels = {
  tier: "js",
  gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
    checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
    gemmUnchecked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  },
  sqdist(x, n, y, m, d, out) {
    checkSqdist(x, n, y, m, d, out);
    sqdistUnchecked(x, n, y, m, d, out);
  },
  rbf(d, len, gammas, k, dk) {
    checkRbf(d, len, gammas, k, dk);
    rbfUnchecked(d, len, gammas, k, dk);
  },
};
