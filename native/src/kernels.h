// Shared declarations of the native kernel addon.
#ifndef TRANSFERLAB_KERNELS_H
#define TRANSFERLAB_KERNELS_H
#include <stdint.h>

// C <- alpha*op(A)*op(B) + beta*C, row-major, op(A) m x k, op(B) k x n. beta == 0 never reads C.
typedef struct {
  int ta, tb, m, n, k;
  float alpha, beta;
  const float *a, *b;
  float *c;
  long lda, ldb, ldc;
} gemm_args;

// Ordered: each level's CPU also runs the ones below it.
typedef enum { ISA_GENERIC = 0, ISA_AVX2 = 1, ISA_AVX512 = 2 } isa_t;

isa_t gemm_best_isa(void);       // what this CPU supports
isa_t gemm_get_isa(void);        // what is in use
isa_t gemm_set_isa(isa_t isa);   // force a lower path (tests, TRANSFERLAB_GEMM_ISA); returns what is now in use
const char *gemm_isa_name(isa_t isa);  // "avx512", "avx2", "portable"
int gemm_get_threads(void);
void gemm_set_threads(int n);
void gemm_run(const gemm_args *g);
void sqdist_run(const float *x, int n, const float *y, int m, int d, float *out);
void rbf_run(const float *d, long len, const float *gammas, int nb, float *k, float *dk);

// Fused conv block (conv.c): NCHW at the boundary, NHWC inside; see conv.c for the buffers' layouts.
typedef struct {
  int n, C, H, W, F, kh, kw, stride, pad;
  int relu;    // ReLU after the bias
  int pool;    // max-pool window = stride (1: no pooling)
  int oh, ow;  // conv output size
  int ph, pw;  // pooled output size (oh, ow when pool <= 1)
} conv_geom;
// cols: n*oh*ow x C*kh*kw; act: n*oh*ow x F (NHWC, after bias and ReLU); arg: n*F*ph*pw (pool only);
// y: n x F x ph x pw; scratch: conv_forward_scratch floats. b may be NULL.
void conv_forward(const conv_geom *g, const float *x, const float *w, const float *b, float *cols, float *act, int32_t *arg, float *y, float *scratch);
// Adds into gw, gb, gx (each may be NULL); scratch: conv_backward_scratch(g, gx != NULL) floats.
void conv_backward(const conv_geom *g, const float *gy, const float *w, const float *cols, const float *act, const int32_t *arg, float *gw, float *gb, float *gx, float *scratch);
long conv_forward_scratch(const conv_geom *g);
long conv_backward_scratch(const conv_geom *g, int with_gx);

// Fused linear layer (linear.c): y = act(x·Wᵀ + b), act ReLU (relu = 1) or none; b may be NULL. Backward adds into
// gx, gw, gb (each may be NULL); gp is n×out scratch (read only with ReLU).
void linear_forward(int n, int in, int out, const float *x, const float *w, const float *b, int relu, float *y);
void linear_backward(int n, int in, int out, const float *x, const float *w, const float *y, const float *g, int relu, float *gp, float *gx, float *gw, float *gb);

// CDAN's batched outer product y[i, j*q + k] = a[i, j]*b[i, k] and its backward (adds into ga, gb; each may be
// NULL), and y += alpha*x; each in double with one rounding per stored value (elementwise.c).
void outer_forward(long n, int p, int q, const float *restrict a, const float *restrict b, float *restrict y);
void outer_backward(long n, int p, int q, const float *restrict a, const float *restrict b, const float *restrict g, float *restrict ga, float *restrict gb);
void axpy_f64(long n, double alpha, const float *restrict x, float *restrict y);

// One SGD step in place (optim.c): buf is the momentum buffer (NULL without momentum), first = its first step.
void sgd_step(float *restrict d, const float *restrict grad, float *restrict buf, long n, double lr, double wd, double mu, double damp, int nesterov, int first);

// OpenBLAS loaded at run time; NULL-safe: openblas_error() says why it is missing.
int openblas_load(void);
const char *openblas_error(void);
const char *openblas_detail(void);
void openblas_sgemm(const gemm_args *g);
void openblas_set_threads(int n);

#endif
