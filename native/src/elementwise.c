// Element-wise kernels of the adaptation ops with large operands: CDAN's batched outer product f ⊗ g (n × p·q,
// forward and backward) and y += α·x (the gradient reversal's backward). Each does exactly the TypeScript loops'
// arithmetic (products and sums in double, one rounding to float32 per stored value, no fused multiply-adds), so the
// native and TypeScript paths give the same bits.
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EW_ATTRS __attribute__((target_clones("avx512f", "avx2", "default"), optimize("fp-contract=off")))
#else
#define EW_ATTRS
#endif

EW_ATTRS void outer_forward(long n, int p, int q, const float *restrict a, const float *restrict b, float *restrict y) {
  for (long i = 0; i < n; i++)
    for (int j = 0; j < p; j++) {
      const float v = a[i * p + j];
      const float *bi = b + i * q;
      float *yo = y + (i * p + j) * q;
      for (int k = 0; k < q; k++) yo[k] = v * bi[k];
    }
}

EW_ATTRS void outer_backward(long n, int p, int q, const float *restrict a, const float *restrict b, const float *restrict g, float *restrict ga, float *restrict gb) {
  for (long i = 0; i < n; i++)
    for (int j = 0; j < p; j++) {
      const float *go = g + (i * p + j) * q, *bi = b + i * q;
      const double v = a[i * p + j];
      if (gb) {
        float *gbi = gb + i * q;
        for (int k = 0; k < q; k++) gbi[k] = (float)((double)gbi[k] + (double)go[k] * v);
      }
      if (ga) {
        double s = 0;
        for (int k = 0; k < q; k++) s += (double)go[k] * (double)bi[k];
        ga[i * p + j] = (float)((double)ga[i * p + j] + s);
      }
    }
}

EW_ATTRS void axpy_f64(long n, double alpha, const float *restrict x, float *restrict y) {
  for (long i = 0; i < n; i++) y[i] = (float)((double)y[i] + alpha * (double)x[i]);
}
