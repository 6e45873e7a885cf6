// Optional native libsvm backend of the SVC: the system libsvm (Debian's libsvm3) is opened at run time with
// dlopen, like the OpenBLAS tier. Its struct layout comes from <libsvm/svm.h> (libsvm-dev) at build time; without
// the header this file builds stubs that say why the backend is missing.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

#if defined(__has_include) && !defined(TRANSFERLAB_NO_LIBSVM)
#if __has_include(<libsvm/svm.h>)
#include <libsvm/svm.h>
#define HAVE_LIBSVM_H 1
#endif
#endif

static char error[512] = "";
static char detail[256] = "";

static napi_value throw_code(napi_env env, const char *code, const char *msg) {
  napi_throw_error(env, code, msg);
  return NULL;
}

#ifndef HAVE_LIBSVM_H

int svm_backend_load(void) {
  snprintf(error, sizeof error, "the addon was built without <libsvm/svm.h>; install Debian's libsvm-dev and libsvm3, then run `node scripts/build-native.mjs`");
  return 0;
}
const char *svm_backend_error(void) { return error; }
const char *svm_backend_detail(void) { return detail; }
napi_value svm_backend_train_js(napi_env env, napi_callback_info info) {
  (void)info;
  svm_backend_load();
  return throw_code(env, "UNSUPPORTED", error);
}

#else

typedef __typeof__(svm_train) *train_fn;
typedef __typeof__(svm_free_and_destroy_model) *free_fn;
typedef __typeof__(svm_check_parameter) *check_fn;
typedef __typeof__(svm_set_print_string_function) *print_fn;

static train_fn p_train;
static free_fn p_free;
static check_fn p_check;
static int loaded = 0;
static pthread_once_t once = PTHREAD_ONCE_INIT;
// libsvm draws its Platt-scaling CV folds with the C library's rand(): one process-wide state. Probability
// fits reseed it and hold this lock, so the same data gives the same model whatever runs beside it.
static pthread_mutex_t rand_lock = PTHREAD_MUTEX_INITIALIZER;

static void quiet(const char *s) { (void)s; }

static void load_once(void) {
  const char *names[] = {"libsvm.so.3", "libsvm.so", "libsvm.3.dylib", "libsvm.dylib"};
  void *h = NULL;
  for (size_t i = 0; i < sizeof names / sizeof *names && !h; i++) h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(error, sizeof error, "libsvm.so.3 not found (%s); install Debian's libsvm3", e ? e : "dlopen failed");
    return;
  }
  p_train = (train_fn)dlsym(h, "svm_train");
  p_free = (free_fn)dlsym(h, "svm_free_and_destroy_model");
  p_check = (check_fn)dlsym(h, "svm_check_parameter");
  print_fn p_print = (print_fn)dlsym(h, "svm_set_print_string_function");
  const int *version = (const int *)dlsym(h, "libsvm_version");
  if (!p_train || !p_free || !p_check || !p_print || !version) {
    snprintf(error, sizeof error, "libsvm.so.3 lacks svm_train, svm_free_and_destroy_model, svm_check_parameter, svm_set_print_string_function or libsvm_version");
    return;
  }
  // The struct layout was read from the header at build time; a different library version may not share it.
  if (*version != LIBSVM_VERSION) {
    snprintf(error, sizeof error, "libsvm.so.3 is version %d but the addon was built against svm.h %d; rebuild with `node scripts/build-native.mjs`", *version, LIBSVM_VERSION);
    return;
  }
  p_print(quiet);
  snprintf(detail, sizeof detail, "system libsvm %d.%d (libsvm.so.3)", LIBSVM_VERSION / 100, LIBSVM_VERSION % 100);
  loaded = 1;
}

int svm_backend_load(void) {
  pthread_once(&once, load_once);
  return loaded;
}
const char *svm_backend_error(void) { return error; }
const char *svm_backend_detail(void) { return detail; }

enum { Q_KERNEL, Q_C, Q_GAMMA, Q_EPS, Q_SHRINKING, Q_CACHE, Q_PROBABILITY, Q_SEED, Q_COUNT };

static int typed_array(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type type;
  return napi_get_typedarray_info(env, v, &type, len, data, NULL, NULL) == napi_ok && type == want;
}

static napi_value f64_array(napi_env env, const double *src, size_t n) {
  napi_value buf, arr;
  void *data;
  if (napi_create_arraybuffer(env, n * sizeof(double), &data, &buf) != napi_ok) return NULL;
  if (n) memcpy(data, src, n * sizeof(double));
  if (napi_create_typedarray(env, napi_float64_array, n, buf, 0, &arr) != napi_ok) return NULL;
  return arr;
}

static napi_value i32_array(napi_env env, const int *src, size_t n, int minus) {
  napi_value buf, arr;
  void *data;
  if (napi_create_arraybuffer(env, n * sizeof(int32_t), &data, &buf) != napi_ok) return NULL;
  int32_t *d = data;
  for (size_t i = 0; i < n; i++) d[i] = src[i] - minus;
  if (napi_create_typedarray(env, napi_int32_array, n, buf, 0, &arr) != napi_ok) return NULL;
  return arr;
}

static int set(napi_env env, napi_value obj, const char *key, napi_value v) {
  return v != NULL && napi_set_named_property(env, obj, key, v) == napi_ok;
}

// The fitted model as plain typed arrays (libsvm's own order: labels by first appearance, support vectors
// grouped by label, sv_coef (nr_class − 1) × l row-major, support indices 0-based into the rows given).
static napi_value model_object(napi_env env, const struct svm_model *m) {
  napi_value obj, nul;
  int k = m->nr_class, l = m->l, pairs = k * (k - 1) / 2;
  if (napi_create_object(env, &obj) != napi_ok || napi_get_null(env, &nul) != napi_ok) return NULL;
  double *coef = malloc(sizeof(double) * (size_t)(k > 1 ? k - 1 : 1) * (size_t)(l > 0 ? l : 1));
  if (!coef) return NULL;
  for (int c = 0; c < k - 1; c++) memcpy(coef + (size_t)c * l, m->sv_coef[c], sizeof(double) * (size_t)l);
  int ok = set(env, obj, "labels", i32_array(env, m->label, (size_t)k, 0)) && set(env, obj, "nSV", i32_array(env, m->nSV, (size_t)k, 0)) &&
           set(env, obj, "rho", f64_array(env, m->rho, (size_t)pairs)) && set(env, obj, "coef", f64_array(env, coef, (size_t)(k - 1) * l)) &&
           set(env, obj, "probA", m->probA ? f64_array(env, m->probA, (size_t)pairs) : nul) &&
           set(env, obj, "probB", m->probB ? f64_array(env, m->probB, (size_t)pairs) : nul) &&
           set(env, obj, "svIndices", i32_array(env, m->sv_indices, (size_t)l, 1));
  free(coef);
  return ok ? obj : NULL;
}

// svmTrain(X: Float32Array n×d row-major, d, rows: Int32Array (rows of X to train on, repeats allowed),
//          y: Float64Array (one label per entry of rows), params: Float64Array [kernel 0 linear | 2 rbf, C, gamma,
//          eps, shrinking, cache MB, probability, rand seed]) → { labels, nSV, rho, coef, probA, probB, svIndices }.
napi_value svm_backend_train_js(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) return throw_code(env, "SHAPE_MISMATCH", "svmTrain expects 5 arguments");
  if (!svm_backend_load()) return throw_code(env, "UNSUPPORTED", error);
  float *X;
  int32_t d, *rows;
  double *y, *q;
  size_t lx, lr, ly, lq;
  if (!typed_array(env, argv[0], napi_float32_array, (void **)&X, &lx) || napi_get_value_int32(env, argv[1], &d) != napi_ok ||
      !typed_array(env, argv[2], napi_int32_array, (void **)&rows, &lr) || !typed_array(env, argv[3], napi_float64_array, (void **)&y, &ly) ||
      !typed_array(env, argv[4], napi_float64_array, (void **)&q, &lq))
    return throw_code(env, "SHAPE_MISMATCH", "svmTrain(X: Float32Array, d, rows: Int32Array, y: Float64Array, params: Float64Array)");
  if (d < 0 || (d == 0 && lx != 0) || (d > 0 && lx % (size_t)d != 0)) return throw_code(env, "SHAPE_MISMATCH", "svmTrain: X's length is not a multiple of d");
  size_t n = d > 0 ? lx / (size_t)d : 0;
  if (lr != ly || lr == 0 || lr > 2147483647u || lq < Q_COUNT) return throw_code(env, "SHAPE_MISMATCH", "svmTrain: rows and y differ in length, are empty, or params is too short");
  for (size_t i = 0; i < lr; i++)
    if (rows[i] < 0 || (size_t)rows[i] >= n) return throw_code(env, "SHAPE_MISMATCH", "svmTrain: a row index is outside X");

  // One node per non-zero feature plus the terminator (index −1): the same numbers libsvm's dense copy holds,
  // since a product with a zero adds nothing to its dot products.
  size_t nodes = 0;
  for (size_t i = 0; i < lr; i++) {
    const float *r = X + (size_t)rows[i] * d;
    for (int j = 0; j < d; j++) nodes += r[j] != 0.0f;
    nodes++;
  }
  struct svm_node *pool = malloc(sizeof *pool * nodes);
  struct svm_node **xs = malloc(sizeof *xs * lr);
  if (!pool || !xs) {
    free(pool);
    free(xs);
    return throw_code(env, "OUT_OF_MEMORY", "svmTrain: cannot allocate the training problem");
  }
  struct svm_node *p = pool;
  for (size_t i = 0; i < lr; i++) {
    xs[i] = p;
    const float *r = X + (size_t)rows[i] * d;
    for (int j = 0; j < d; j++)
      if (r[j] != 0.0f) *p++ = (struct svm_node){j + 1, (double)r[j]};
    *p++ = (struct svm_node){-1, 0.0};
  }
  struct svm_problem prob = {(int)lr, y, xs};
  struct svm_parameter param;
  memset(&param, 0, sizeof param);
  param.svm_type = C_SVC;
  param.kernel_type = q[Q_KERNEL] == 0 ? LINEAR : RBF;
  param.degree = 3;  // libsvm's defaults for the fields C-SVC ignores
  param.gamma = q[Q_GAMMA];
  param.coef0 = 0;
  param.cache_size = q[Q_CACHE];
  param.eps = q[Q_EPS];
  param.C = q[Q_C];
  param.nu = 0.5;
  param.p = 0.1;
  param.shrinking = q[Q_SHRINKING] != 0;
  param.probability = q[Q_PROBABILITY] != 0;
  const char *bad = p_check(&prob, &param);
  if (bad) {
    free(pool);
    free(xs);
    char msg[300];
    snprintf(msg, sizeof msg, "libsvm rejected the parameters: %s", bad);
    return throw_code(env, "INVALID_PARAMETER", msg);
  }
  struct svm_model *model;
  if (param.probability) {
    pthread_mutex_lock(&rand_lock);
    srand((unsigned)q[Q_SEED]);
    model = p_train(&prob, &param);
    pthread_mutex_unlock(&rand_lock);
  } else {
    model = p_train(&prob, &param);
  }
  napi_value out = model ? model_object(env, model) : NULL;
  if (model) p_free(&model);
  free(pool);
  free(xs);
  if (!out) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) return throw_code(env, "INTERNAL", "svmTrain: libsvm returned no model or the result could not be built");
    return NULL;
  }
  return out;
}

#endif
