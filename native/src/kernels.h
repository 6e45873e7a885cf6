// Shared declarations of the native kernel addon.
#ifndef TRANSFERLAB_KERNELS_H
#define TRANSFERLAB_KERNELS_H

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

// OpenBLAS loaded at run time; NULL-safe: openblas_error() says why it is missing.
int openblas_load(void);
const char *openblas_error(void);
const char *openblas_detail(void);
void openblas_sgemm(const gemm_args *g);
void openblas_set_threads(int n);

#endif
