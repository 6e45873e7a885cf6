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

typedef enum { ISA_GENERIC = 0, ISA_AVX2 = 1 } isa_t;

isa_t gemm_best_isa(void);       // what this CPU supports
isa_t gemm_get_isa(void);        // what is in use
void gemm_set_isa(isa_t isa);    // tests force the generic path on AVX2 machines
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

#endif
