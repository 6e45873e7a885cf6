// SGD with momentum (torch.optim.SGD's rule), the engine's optimizer step in C: the same double-precision
// arithmetic as the TypeScript loop in src/engine/optim.ts, one rounding to float32 per stored value and no
// fused multiply-adds, so both give the same bits (the step then does not depend on the kernel tier).
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SGD_ATTRS __attribute__((target_clones("avx512f", "avx2", "default"), optimize("fp-contract=off")))
#else
#define SGD_ATTRS
#endif

// Each case is its own branch-free loop, so it vectorises.
SGD_ATTRS void sgd_step(float *restrict d, const float *restrict grad, float *restrict buf, long n, double lr, double wd, double mu, double damp, int nesterov, int first) {
  const double keep = 1 - damp;
  if (!buf) {
    for (long i = 0; i < n; i++) d[i] = (float)((double)d[i] - lr * ((double)grad[i] + wd * (double)d[i]));
  } else if (first) {  // torch starts the buffer at the gradient
    for (long i = 0; i < n; i++) {
      const double gi = (double)grad[i] + wd * (double)d[i];
      buf[i] = (float)gi;
      d[i] = (float)((double)d[i] - lr * (nesterov ? gi + mu * gi : gi));
    }
  } else if (nesterov) {
    for (long i = 0; i < n; i++) {
      const double gi = (double)grad[i] + wd * (double)d[i];
      const double b = mu * (double)buf[i] + keep * gi;
      buf[i] = (float)b;
      d[i] = (float)((double)d[i] - lr * (gi + mu * b));
    }
  } else {
    for (long i = 0; i < n; i++) {
      const double gi = (double)grad[i] + wd * (double)d[i];
      const double b = mu * (double)buf[i] + keep * gi;
      buf[i] = (float)b;
      d[i] = (float)((double)d[i] - lr * b);
    }
  }
}
