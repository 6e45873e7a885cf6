// Optional OpenBLAS tier: the system library is opened at run time with dlopen, so the addon builds and
// loads without it (no link-time dependency, no headers needed).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

typedef void (*cblas_sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                               const float *b, int ldb, float beta, float *c, int ldc);
typedef char *(*config_fn)(void);
typedef int (*threads_fn)(void);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*set_threads_fn)(int);

static cblas_sgemm_fn sgemm = NULL;
static set_threads_fn set_threads = NULL;
static threads_fn get_threads = NULL;
static const char *config = NULL;
static int tried = 0;
static char error[512] = "";
static char detail[256] = "";

int openblas_load(void) {
  if (tried) return sgemm != NULL;
  tried = 1;
  const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
  void *h = NULL;
  for (size_t i = 0; i < sizeof names / sizeof *names && !h; i++) h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(error, sizeof error, "libopenblas.so.0 not found (%s); install Debian's libopenblas0", e ? e : "dlopen failed");
    return 0;
  }
  sgemm = (cblas_sgemm_fn)dlsym(h, "cblas_sgemm");
  if (!sgemm) {
    snprintf(error, sizeof error, "libopenblas has no cblas_sgemm symbol");
    return 0;
  }
  config_fn cfg = (config_fn)dlsym(h, "openblas_get_config");
  config = cfg ? cfg() : NULL;
  get_threads = (threads_fn)dlsym(h, "openblas_get_num_threads");
  set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
  if (set_threads && getenv("TRANSFERLAB_THREADS")) set_threads(gemm_get_threads());
  return 1;
}

const char *openblas_error(void) { return error; }
// TRANSFERLAB_THREADS and setThreads cap OpenBLAS's pool too (it reads only OPENBLAS_NUM_THREADS itself);
// a library not loaded yet is not loaded for this (it starts its own threads).
void openblas_set_threads(int n) {
  if (sgemm && set_threads) set_threads(n);
}
const char *openblas_detail(void) {
  int n = get_threads ? get_threads() : 0;
  snprintf(detail, sizeof detail, "%s, %d thread%s", config ? config : "OpenBLAS", n, n == 1 ? "" : "s");
  return detail;
}

void openblas_sgemm(const gemm_args *g) {
  // Degenerate shapes are handled here: BLAS rejects leading dimensions of 0 that they allow.
  if (g->m <= 0 || g->n <= 0) return;
  if (g->k == 0) {
    for (int i = 0; i < g->m; i++) {
      float *ci = g->c + (long)i * g->ldc;
      if (g->beta == 0.0f) memset(ci, 0, sizeof(float) * g->n);
      else for (int j = 0; j < g->n; j++) ci[j] *= g->beta;
    }
    return;
  }
  sgemm(ROW_MAJOR, g->ta ? TRANS : NO_TRANS, g->tb ? TRANS : NO_TRANS, g->m, g->n, g->k, g->alpha, g->a, (int)g->lda,
        g->b, (int)g->ldb, g->beta, g->c, (int)g->ldc);
}
