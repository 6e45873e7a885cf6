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
#include <math.h>
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

// Non-zero fraction below which rows are passed with their zeros left out (see svmTrain).
#define SPARSE_BELOW 0.12

enum { Q_KERNEL, Q_C, Q_GAMMA, Q_EPS, Q_SHRINKING, Q_CACHE, Q_PROBABILITY, Q_SEED, Q_THREADS, Q_LAYOUT, Q_COUNT };

// ---- one-vs-one on threads --------------------------------------------------------------------------------
// libsvm's svm_train solves the k(k−1)/2 class pairs one after another. Without probability estimates the pairs
// are independent, so they run here on several threads, each as the binary svm_train of the very sub-problem
// libsvm builds (class i's rows as +1 first, then class j's as −1, each class in training order): a binary
// svm_train groups that problem into the same order and runs the same svm_train_one. The k-class model is then
// assembled as libsvm's svm_train does (support vectors = rows with a non-zero coefficient in any pair, grouped
// by class; sv_coef[j−1] holds class i's coefficients of pair (i, j), sv_coef[i] class j's).

typedef struct {
  const struct svm_parameter *param;
  struct svm_node **x;     // rows grouped by class (libsvm's perm order)
  const int *start, *count;
  int k, pairs;
  int *pi, *pj;            // pair p = (pi[p], pj[p])
  int *order;              // pairs, largest first (better balance)
  double **alpha;          // alpha[p]: y·α over the pair's rows (ci + cj values)
  double *rho;
  int next, failed;
  pthread_mutex_t lock;
} ovo_job;

static void *ovo_worker(void *arg) {
  ovo_job *J = arg;
  for (;;) {
    pthread_mutex_lock(&J->lock);
    int t = J->failed ? J->pairs : J->next++;
    pthread_mutex_unlock(&J->lock);
    if (t >= J->pairs) return NULL;
    int p = J->order[t], i = J->pi[p], j = J->pj[p];
    int ci = J->count[i], cj = J->count[j], l = ci + cj;
    struct svm_node **sx = malloc(sizeof *sx * (size_t)l);
    double *sy = malloc(sizeof *sy * (size_t)l);
    double *a = calloc((size_t)l, sizeof *a);
    struct svm_model *m = NULL;
    if (sx && sy && a) {
      for (int q = 0; q < ci; q++) { sx[q] = J->x[J->start[i] + q]; sy[q] = +1; }
      for (int q = 0; q < cj; q++) { sx[ci + q] = J->x[J->start[j] + q]; sy[ci + q] = -1; }
      struct svm_problem sub = {l, sy, sx};
      m = p_train(&sub, J->param);
    }
    if (m && m->nr_class == 2 && m->label[0] == 1) {
      for (int q = 0; q < m->l; q++) a[m->sv_indices[q] - 1] = m->sv_coef[0][q];
      J->alpha[p] = a;
      J->rho[p] = m->rho[0];
      a = NULL;
    } else {
      pthread_mutex_lock(&J->lock);
      J->failed = 1;
      pthread_mutex_unlock(&J->lock);
    }
    if (m) p_free(&m);
    free(a);
    free(sx);
    free(sy);
  }
}

// The model's fields as plain arrays (what model_object reads), for the threaded path.
typedef struct {
  int nr_class, l;
  int *label, *nSV, *sv_indices;
  double *rho, **sv_coef;
} ovo_model;

static void ovo_free(ovo_model *M) {
  if (M->sv_coef) for (int c = 0; c < M->nr_class - 1; c++) free(M->sv_coef[c]);
  free(M->sv_coef);
  free(M->label);
  free(M->nSV);
  free(M->sv_indices);
  free(M->rho);
}

// Returns 1 and fills M, or 0 (out of memory / a pair failed): the caller then uses libsvm's own svm_train.
static int ovo_train(const struct svm_problem *prob, const struct svm_parameter *param, int threads, ovo_model *M) {
  int l = prob->l, k = 0, cap = 16, ok = 0;
  int *label = malloc(sizeof(int) * cap), *count = malloc(sizeof(int) * cap), *cls = malloc(sizeof(int) * (size_t)l);
  memset(M, 0, sizeof *M);
  if (!label || !count || !cls) goto out0;
  // svm_group_classes: labels in order of first appearance (C-SVC's binary −1/+1 swap cannot apply: k > 2 here).
  for (int r = 0; r < l; r++) {
    int y = (int)prob->y[r], c = 0;
    while (c < k && label[c] != y) c++;
    if (c == k) {
      if (k == cap) {
        cap *= 2;
        int *nl = realloc(label, sizeof(int) * cap);
        if (nl) label = nl;
        int *nc = realloc(count, sizeof(int) * cap);
        if (nc) count = nc;
        if (!nl || !nc) goto out0;
      }
      label[k] = y;
      count[k++] = 0;
    }
    count[c]++;
    cls[r] = c;
  }
  if (k <= 2) goto out0;  // nothing to spread: libsvm's own svm_train
  {
    int pairs = k * (k - 1) / 2;
    int *start = malloc(sizeof(int) * k), *fill = malloc(sizeof(int) * k), *perm = malloc(sizeof(int) * (size_t)l);
    struct svm_node **x = malloc(sizeof *x * (size_t)l);
    ovo_job J;
    memset(&J, 0, sizeof J);
    J.pi = malloc(sizeof(int) * pairs);
    J.pj = malloc(sizeof(int) * pairs);
    J.order = malloc(sizeof(int) * pairs);
    J.alpha = calloc((size_t)pairs, sizeof(double *));
    J.rho = malloc(sizeof(double) * pairs);
    char *nonzero = calloc((size_t)l, 1);
    int *nz_count = calloc((size_t)k, sizeof(int)), *nz_start = malloc(sizeof(int) * k);
    if (!start || !fill || !perm || !x || !J.pi || !J.pj || !J.order || !J.alpha || !J.rho || !nonzero || !nz_count || !nz_start) goto out1;
    start[0] = 0;
    for (int c = 1; c < k; c++) start[c] = start[c - 1] + count[c - 1];
    memcpy(fill, start, sizeof(int) * k);
    for (int r = 0; r < l; r++) perm[fill[cls[r]]++] = r;
    for (int r = 0; r < l; r++) x[r] = prob->x[perm[r]];
    int p = 0;
    for (int i = 0; i < k; i++)
      for (int j = i + 1; j < k; j++, p++) { J.pi[p] = i; J.pj[p] = j; J.order[p] = p; }
    for (int a = 1; a < pairs; a++) {  // insertion sort by pair size, largest first
      int v = J.order[a], sz = count[J.pi[v]] + count[J.pj[v]], b = a;
      while (b > 0 && count[J.pi[J.order[b - 1]]] + count[J.pj[J.order[b - 1]]] < sz) { J.order[b] = J.order[b - 1]; b--; }
      J.order[b] = v;
    }
    J.param = param;
    J.x = x;
    J.start = start;
    J.count = count;
    J.k = k;
    J.pairs = pairs;
    pthread_mutex_init(&J.lock, NULL);
    int nt = threads < 1 ? 1 : threads > pairs ? pairs : threads;
    pthread_t tid[8];
    if (nt > 8) nt = 8;
    int started = 0;
    for (int t = 1; t < nt; t++)
      if (pthread_create(&tid[started], NULL, ovo_worker, &J) == 0) started++;
    ovo_worker(&J);
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&J.lock);
    if (J.failed) goto out1;
    // Assemble as libsvm's svm_train.
    for (p = 0; p < pairs; p++) {
      int i = J.pi[p], j = J.pj[p], ci = count[i], cj = count[j];
      for (int q = 0; q < ci; q++) if (!nonzero[start[i] + q] && fabs(J.alpha[p][q]) > 0) nonzero[start[i] + q] = 1;
      for (int q = 0; q < cj; q++) if (!nonzero[start[j] + q] && fabs(J.alpha[p][ci + q]) > 0) nonzero[start[j] + q] = 1;
    }
    int total = 0;
    for (int c = 0; c < k; c++) {
      for (int q = 0; q < count[c]; q++) if (nonzero[start[c] + q]) nz_count[c]++;
      total += nz_count[c];
    }
    nz_start[0] = 0;
    for (int c = 1; c < k; c++) nz_start[c] = nz_start[c - 1] + nz_count[c - 1];
    M->nr_class = k;
    M->l = total;
    M->label = malloc(sizeof(int) * k);
    M->nSV = malloc(sizeof(int) * k);
    M->sv_indices = malloc(sizeof(int) * (size_t)(total ? total : 1));
    M->rho = malloc(sizeof(double) * pairs);
    M->sv_coef = calloc((size_t)(k - 1), sizeof(double *));
    if (!M->label || !M->nSV || !M->sv_indices || !M->rho || !M->sv_coef) goto out1;
    for (int c = 0; c < k - 1; c++) if (!(M->sv_coef[c] = calloc((size_t)(total ? total : 1), sizeof(double)))) goto out1;
    memcpy(M->label, label, sizeof(int) * k);
    memcpy(M->nSV, nz_count, sizeof(int) * k);
    memcpy(M->rho, J.rho, sizeof(double) * pairs);
    for (int r = 0, q = 0; r < l; r++) if (nonzero[r]) M->sv_indices[q++] = perm[r] + 1;
    for (p = 0; p < pairs; p++) {
      int i = J.pi[p], j = J.pj[p], ci = count[i], cj = count[j], q = nz_start[i];
      for (int r = 0; r < ci; r++) if (nonzero[start[i] + r]) M->sv_coef[j - 1][q++] = J.alpha[p][r];
      q = nz_start[j];
      for (int r = 0; r < cj; r++) if (nonzero[start[j] + r]) M->sv_coef[i][q++] = J.alpha[p][ci + r];
    }
    ok = 1;
  out1:
    if (J.alpha) for (p = 0; p < pairs; p++) free(J.alpha[p]);
    free(J.alpha);
    free(J.rho);
    free(J.pi);
    free(J.pj);
    free(J.order);
    free(start);
    free(fill);
    free(perm);
    free(x);
    free(nonzero);
    free(nz_count);
    free(nz_start);
    if (!ok) ovo_free(M);
  }
out0:
  free(label);
  free(count);
  free(cls);
  return ok;
}

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
static napi_value model_object(napi_env env, const ovo_model *m, const double *probA, const double *probB) {
  napi_value obj, nul;
  int k = m->nr_class, l = m->l, pairs = k * (k - 1) / 2;
  if (napi_create_object(env, &obj) != napi_ok || napi_get_null(env, &nul) != napi_ok) return NULL;
  double *coef = malloc(sizeof(double) * (size_t)(k > 1 ? k - 1 : 1) * (size_t)(l > 0 ? l : 1));
  if (!coef) return NULL;
  for (int c = 0; c < k - 1; c++) memcpy(coef + (size_t)c * l, m->sv_coef[c], sizeof(double) * (size_t)l);
  int ok = set(env, obj, "labels", i32_array(env, m->label, (size_t)k, 0)) && set(env, obj, "nSV", i32_array(env, m->nSV, (size_t)k, 0)) &&
           set(env, obj, "rho", f64_array(env, m->rho, (size_t)pairs)) && set(env, obj, "coef", f64_array(env, coef, (size_t)(k - 1) * l)) &&
           set(env, obj, "probA", probA ? f64_array(env, probA, (size_t)pairs) : nul) &&
           set(env, obj, "probB", probB ? f64_array(env, probB, (size_t)pairs) : nul) &&
           set(env, obj, "svIndices", i32_array(env, m->sv_indices, (size_t)l, 1));
  free(coef);
  return ok ? obj : NULL;
}

// svmTrain(X: Float32Array n×d row-major, d, rows: Int32Array (rows of X to train on, repeats allowed),
//          y: Float64Array (one label per entry of rows), params: Float64Array [kernel 0 linear | 2 rbf, C, gamma,
//          eps, shrinking, cache MB, probability, rand seed, threads (0: the kernel tier's), layout (0 choose,
//          1 zeros left out, 2 dense)]) →
//          { labels, nSV, rho, coef, probA, probB, svIndices }.
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

  // Each row as svm_nodes plus the terminator (index −1). Leaving zeros out gives the same dot products (a product
  // with a zero adds nothing) and fewer nodes, but libsvm's sparse dot then merges two index lists on branches
  // the CPU cannot predict; with every feature present each step matches. MNIST 10000×64 with entries zeroed at
  // random, CPU seconds sparse / dense: 38 % non-zero 1.59 / 1.28, 23 % 6.05 / 3.81, 15 % 6.30 / 5.24,
  // 7.6 % 4.92 / 7.34 (same model every time), so zeros are left out only below SPARSE_BELOW non-zeros.
  // layout: 0 choose, 1 omit zeros, 2 keep every feature.
  size_t nnz = 0;
  for (size_t i = 0; i < lr; i++) {
    const float *r = X + (size_t)rows[i] * d;
    for (int j = 0; j < d; j++) nnz += r[j] != 0.0f;
  }
  int layout = (int)q[Q_LAYOUT];
  int omit = layout == 1 || (layout != 2 && (double)nnz < SPARSE_BELOW * (double)lr * d);
  size_t nodes = (omit ? nnz : lr * (size_t)d) + lr;
  struct svm_node *pool = malloc(sizeof *pool * nodes);
  struct svm_node **xs = malloc(sizeof *xs * lr);
  if (!pool || !xs) {
    free(pool);
    free(xs);
    return throw_code(env, "MEMORY_BUDGET", "svmTrain: cannot allocate the training problem");
  }
  struct svm_node *p = pool;
  for (size_t i = 0; i < lr; i++) {
    xs[i] = p;
    const float *r = X + (size_t)rows[i] * d;
    for (int j = 0; j < d; j++)
      if (!omit || r[j] != 0.0f) *p++ = (struct svm_node){j + 1, (double)r[j]};
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
  napi_value out = NULL;
  ovo_model om;
  int threads = q[Q_THREADS] >= 1 ? (int)q[Q_THREADS] : gemm_get_threads();
  if (!param.probability && ovo_train(&prob, &param, threads, &om)) {
    out = model_object(env, &om, NULL, NULL);
    ovo_free(&om);
  } else {
    struct svm_model *model;
    if (param.probability) {
      pthread_mutex_lock(&rand_lock);
      srand((unsigned)q[Q_SEED]);
      model = p_train(&prob, &param);
      pthread_mutex_unlock(&rand_lock);
    } else {
      model = p_train(&prob, &param);
    }
    if (model) {
      ovo_model view = {model->nr_class, model->l, model->label, model->nSV, model->sv_indices, model->rho, model->sv_coef};
      out = model_object(env, &view, model->probA, model->probB);
      p_free(&model);
    }
  }
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
