// Tier 3: plain TypeScript kernels. Portable and always available; the reference for the other tiers.
import type { Kernels } from "./types.js";

function gemm(
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
  if (!transB) {
    // i-p-j loop order streams rows of B and C contiguously.
    for (let i = 0; i < m; i++) {
      const ci = i * ldc;
      for (let p = 0; p < k; p++) {
        const av = alpha * (transA ? a[p * lda + i]! : a[i * lda + p]!);
        if (av === 0) continue;
        const bp = p * ldb;
        for (let j = 0; j < n; j++) c[ci + j]! += av * b[bp + j]!;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ci = i * ldc;
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let s = 0;
        if (transA) for (let p = 0; p < k; p++) s += a[p * lda + i]! * b[bj + p]!;
        else {
          const ai = i * lda;
          for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
        }
        c[ci + j]! += alpha * s;
      }
    }
  }
}

function sqdist(x: Float32Array, n: number, y: Float32Array, m: number, d: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    for (let j = 0; j < m; j++) {
      const yj = j * d;
      let s = 0;
      for (let p = 0; p < d; p++) {
        const t = x[xi + p]! - y[yj + p]!;
        s += t * t;
      }
      out[i * m + j] = s;
    }
  }
}

export const jsKernels: Kernels = { tier: "js", gemm, sqdist };
