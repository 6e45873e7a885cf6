// Fused linear layer for the engine's linear op with ReLU or no activation: y = act(x·Wᵀ + b) and its backward
// in one call each, the products through gemm_run. The element-wise passes do what the TypeScript path in
// src/engine/ops/linalg.ts does in the same order with float32 rounding after each addition (so the two paths
// agree bit for bit on the same GEMM); in C they cost a fraction (measured on the DANN discriminator).
#include <string.h>
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LINEAR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LINEAR_CLONES
#endif

LINEAR_CLONES void linear_forward(int n, int in, int out, const float *x, const float *w, const float *b, int relu, float *y) {
  gemm_args ga = {0, 1, n, out, in, 1.0f, 0.0f, x, w, y, in, in, out};
  gemm_run(&ga);
  for (long i = 0; i < n; i++) {
    float *yi = y + i * out;
    if (b && relu) for (int j = 0; j < out; j++) { const float v = yi[j] + b[j]; yi[j] = v > 0.0f ? v : 0.0f; }
    else if (b) for (int j = 0; j < out; j++) yi[j] += b[j];
    else if (relu) for (int j = 0; j < out; j++) yi[j] = yi[j] > 0.0f ? yi[j] : 0.0f;
  }
}

// gp (n×out scratch, used with ReLU only): the upstream gradient through the ReLU's mask (output > 0).
LINEAR_CLONES void linear_backward(int n, int in, int out, const float *x, const float *w, const float *y, const float *g, int relu, float *gp, float *gx, float *gw, float *gb) {
  const float *d = g;
  if (relu) {
    for (long q = 0; q < (long)n * out; q++) gp[q] = y[q] > 0.0f ? g[q] : 0.0f;
    d = gp;
  }
  if (gb)
    for (long i = 0; i < n; i++) {
      const float *di = d + i * out;
      for (int j = 0; j < out; j++) gb[j] += di[j];
    }
  if (gx) {
    gemm_args ga = {0, 0, n, in, out, 1.0f, 1.0f, d, w, gx, out, in, in};
    gemm_run(&ga);
  }
  if (gw) {
    gemm_args gb2 = {1, 0, out, in, n, 1.0f, 1.0f, d, x, gw, out, in, in};
    gemm_run(&gb2);
  }
}
