// N-API glue of the native kernel tier: argument checks (a bad shape must never read or write out of
// bounds), then the GEMM / squared-distance kernels in gemm.c or OpenBLAS via openblas.c; SVM training by the
// system libsvm via svm.c.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "svm_backend.h"

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, "INTERNAL", "N-API call failed: " #call); return NULL; } } while (0)

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_range_error(env, "SHAPE_MISMATCH", msg);
  return NULL;
}

static int get_f32(napi_env env, napi_value v, float **data, size_t *len) {
  napi_typedarray_type type;
  void *ptr;
  size_t length;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok || type != napi_float32_array) return 0;
  *data = ptr;
  *len = length;
  return 1;
}

// Elements a rows x cols matrix with leading dimension ld spans.
static int fits(long rows, long cols, long ld, size_t len) {
  if (rows == 0 || cols == 0) return ld >= 0;
  return ld >= cols && (size_t)((rows - 1) * ld + cols) <= len;
}

// Both GEMM entry points end here: the arrays must hold their shapes, then our kernel or OpenBLAS runs.
static napi_value gemm_checked(napi_env env, const gemm_args *g, size_t la, size_t lb, size_t lc, int blas) {
  if (!fits(g->ta ? g->k : g->m, g->ta ? g->m : g->k, g->lda, la)) return fail(env, "gemm: A is too short for its shape and leading dimension");
  if (!fits(g->tb ? g->n : g->k, g->tb ? g->k : g->n, g->ldb, lb)) return fail(env, "gemm: B is too short for its shape and leading dimension");
  if (!fits(g->m, g->n, g->ldc, lc)) return fail(env, "gemm: C is too short for its shape and leading dimension");
  if (blas) {
    if (!openblas_load()) { napi_throw_error(env, "UNSUPPORTED", openblas_error()); return NULL; }
    openblas_sgemm(g);
  } else {
    gemm_run(g);
  }
  return NULL;
}

static napi_value gemm_common(napi_env env, napi_callback_info info, int blas) {
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 13) return fail(env, "gemm expects 13 arguments");
  bool ta, tb;
  int32_t m, n, k, lda, ldb, ldc;
  double alpha, beta;
  float *a, *b, *c;
  size_t la, lb, lc;
  if (napi_get_value_bool(env, argv[0], &ta) != napi_ok || napi_get_value_bool(env, argv[1], &tb) != napi_ok)
    return fail(env, "gemm: transA and transB must be booleans");
  if (napi_get_value_int32(env, argv[2], &m) != napi_ok || napi_get_value_int32(env, argv[3], &n) != napi_ok ||
      napi_get_value_int32(env, argv[4], &k) != napi_ok || napi_get_value_int32(env, argv[7], &lda) != napi_ok ||
      napi_get_value_int32(env, argv[9], &ldb) != napi_ok || napi_get_value_int32(env, argv[12], &ldc) != napi_ok ||
      napi_get_value_double(env, argv[5], &alpha) != napi_ok || napi_get_value_double(env, argv[10], &beta) != napi_ok)
    return fail(env, "gemm: sizes, leading dimensions, alpha and beta must be numbers");
  if (!get_f32(env, argv[6], &a, &la) || !get_f32(env, argv[8], &b, &lb) || !get_f32(env, argv[11], &c, &lc))
    return fail(env, "gemm: A, B and C must be Float32Arrays");
  if (m < 0 || n < 0 || k < 0) return fail(env, "gemm: negative size");
  gemm_args g = {ta, tb, m, n, k, (float)alpha, (float)beta, a, b, c, lda, ldb, ldc};
  return gemm_checked(env, &g, la, lb, lc, blas);
}

// Fast path: sizes, flags and scalars travel in a Float64Array registered once per JS environment
// (napi instance data), so a call converts 3 arguments instead of 13.
typedef struct { napi_ref ref; double *p; } param_block;
enum { P_TA, P_TB, P_M, P_N, P_K, P_ALPHA, P_LDA, P_LDB, P_BETA, P_LDC, P_COUNT };

static void free_block(napi_env env, void *data, void *hint) {
  (void)hint;
  param_block *pb = data;
  napi_delete_reference(env, pb->ref);
  free(pb);
}

static napi_value js_set_params(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_typedarray_type type;
  size_t len;
  void *data;
  if (argc < 1 || napi_get_typedarray_info(env, argv[0], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_float64_array || len < P_COUNT)
    return fail(env, "setParams expects a Float64Array of at least 10 elements");
  param_block *pb = calloc(1, sizeof *pb);
  if (!pb) { napi_throw_error(env, "INTERNAL", "out of memory"); return NULL; }
  pb->p = data;
  CHECK(napi_create_reference(env, argv[0], 1, &pb->ref));  // keeps the array (and so the pointer) alive
  void *old = NULL;
  napi_get_instance_data(env, &old);
  CHECK(napi_set_instance_data(env, pb, free_block, NULL));
  if (old) free_block(env, old, NULL);
  return NULL;
}

static napi_value gemm_fast(napi_env env, napi_callback_info info, int blas) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  param_block *pb = NULL;
  if (napi_get_instance_data(env, (void **)&pb) != napi_ok || !pb) return fail(env, "gemm: setParams was not called");
  const double *q = pb->p;
  float *a, *b, *c;
  size_t la, lb, lc;
  if (argc < 3 || !get_f32(env, argv[0], &a, &la) || !get_f32(env, argv[1], &b, &lb) || !get_f32(env, argv[2], &c, &lc))
    return fail(env, "gemm: A, B and C must be Float32Arrays");
  for (int i = P_M; i < P_COUNT; i++)
    if (i != P_ALPHA && i != P_BETA && !(q[i] >= 0 && q[i] <= 2147483647.0 && q[i] == (double)(long)q[i])) return fail(env, "gemm: sizes and leading dimensions must be non-negative integers");
  int ta = q[P_TA] != 0, tb = q[P_TB] != 0;
  int m = (int)q[P_M], n = (int)q[P_N], k = (int)q[P_K];
  long lda = (long)q[P_LDA], ldb = (long)q[P_LDB], ldc = (long)q[P_LDC];
  gemm_args g = {ta, tb, m, n, k, (float)q[P_ALPHA], (float)q[P_BETA], a, b, c, lda, ldb, ldc};
  return gemm_checked(env, &g, la, lb, lc, blas);
}
static napi_value js_gemm3(napi_env env, napi_callback_info info) { return gemm_fast(env, info, 0); }
static napi_value js_blas_gemm3(napi_env env, napi_callback_info info) { return gemm_fast(env, info, 1); }

static napi_value js_gemm(napi_env env, napi_callback_info info) { return gemm_common(env, info, 0); }
static napi_value js_blas_gemm(napi_env env, napi_callback_info info) { return gemm_common(env, info, 1); }

static napi_value js_sqdist(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) return fail(env, "sqdist expects 6 arguments");
  int32_t n, m, d;
  float *x, *y, *out;
  size_t lx, ly, lo;
  if (!get_f32(env, argv[0], &x, &lx) || !get_f32(env, argv[2], &y, &ly) || !get_f32(env, argv[5], &out, &lo))
    return fail(env, "sqdist: X, Y and out must be Float32Arrays");
  if (napi_get_value_int32(env, argv[1], &n) != napi_ok || napi_get_value_int32(env, argv[3], &m) != napi_ok ||
      napi_get_value_int32(env, argv[4], &d) != napi_ok)
    return fail(env, "sqdist: sizes must be numbers");
  if (n < 0 || m < 0 || d < 0) return fail(env, "sqdist: negative size");
  if ((size_t)n * d > lx || (size_t)m * d > ly || (size_t)n * m > lo) return fail(env, "sqdist: an array is too short for its shape");
  sqdist_run(x, n, y, m, d, out);
  return NULL;
}

static napi_value js_rbf(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) return fail(env, "rbf expects 5 arguments");
  float *d, *g, *k, *dk = NULL;
  size_t ld, lg, lk, ldk = 0;
  int64_t len;
  napi_valuetype t;
  if (!get_f32(env, argv[0], &d, &ld) || !get_f32(env, argv[2], &g, &lg) || !get_f32(env, argv[3], &k, &lk))
    return fail(env, "rbf: d, gammas and k must be Float32Arrays");
  CHECK(napi_typeof(env, argv[4], &t));
  if (t != napi_null && t != napi_undefined && !get_f32(env, argv[4], &dk, &ldk)) return fail(env, "rbf: dk must be a Float32Array or null");
  if (napi_get_value_int64(env, argv[1], &len) != napi_ok || len < 0) return fail(env, "rbf: len must be a non-negative integer");
  if ((size_t)len > ld || (size_t)len > lk || (dk && (size_t)len > ldk) || lg == 0) return fail(env, "rbf: an array is too short for len");
  rbf_run(d, (long)len, g, (int)lg, k, dk);
  return NULL;
}


// ---- fused conv block: geometry in an Int32Array [n, C, H, W, F, kh, kw, stride, pad, relu, pool]; every
// array's length is checked against it before conv.c touches memory. ----
static int get_i32(napi_env env, napi_value v, int32_t **data, size_t *len) {
  napi_typedarray_type type;
  void *ptr;
  size_t length;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok || type != napi_int32_array) return 0;
  *data = ptr;
  *len = length;
  return 1;
}

static int is_null(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

// An optional Float32Array of at least `need` elements (NULL when null/undefined): 1 ok, 0 bad.
static int opt_f32(napi_env env, napi_value v, size_t need, float **out) {
  size_t len;
  *out = NULL;
  if (is_null(env, v)) return 1;
  return get_f32(env, v, out, &len) && len >= need;
}

static int conv_geometry(napi_env env, napi_value v, conv_geom *g) {
  int32_t *q;
  size_t len;
  if (!get_i32(env, v, &q, &len) || len < 11) return 0;
  *g = (conv_geom){q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9] != 0, q[10] < 1 ? 1 : q[10], 0, 0, 0, 0};
  if (g->n < 1 || g->C < 1 || g->H < 1 || g->W < 1 || g->F < 1 || g->kh < 1 || g->kw < 1 || g->stride < 1 || g->pad < 0) return 0;
  g->oh = (g->H + 2 * g->pad - g->kh) / g->stride + 1;
  g->ow = (g->W + 2 * g->pad - g->kw) / g->stride + 1;
  if (g->H + 2 * g->pad < g->kh || g->W + 2 * g->pad < g->kw) return 0;
  g->ph = g->pool > 1 ? (g->oh - g->pool) / g->pool + 1 : g->oh;
  g->pw = g->pool > 1 ? (g->ow - g->pool) / g->pool + 1 : g->ow;
  if (g->pool > 1 && (g->oh < g->pool || g->ow < g->pool)) return 0;
  // Every buffer must stay below 2^31 elements (indices are 32-bit in arg).
  double big = (double)g->n * g->oh * g->ow * ((double)g->C * g->kh * g->kw + g->F) + (double)g->n * g->C * g->H * g->W;
  return big < 2147483647.0;
}

// convForward(geom, x, w, b|null, cols, act, arg|null, y, scratch)
static napi_value js_conv_forward(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  conv_geom g;
  if (argc < 9 || !conv_geometry(env, argv[0], &g)) return fail(env, "convForward: bad geometry");
  const long K = (long)g.C * g.kh * g.kw, NP = (long)g.n * g.oh * g.ow;
  float *x, *w, *b, *cols, *act, *y, *scratch;
  int32_t *arg = NULL;
  size_t lx, lw, lc, la, ly, ls, lg;
  if (!get_f32(env, argv[1], &x, &lx) || lx < (size_t)g.n * g.C * g.H * g.W) return fail(env, "convForward: x is too short");
  if (!get_f32(env, argv[2], &w, &lw) || lw < (size_t)g.F * K) return fail(env, "convForward: w is too short");
  if (!opt_f32(env, argv[3], g.F, &b)) return fail(env, "convForward: b must be null or hold F values");
  if (!get_f32(env, argv[4], &cols, &lc) || lc < (size_t)(NP * K)) return fail(env, "convForward: cols is too short");
  if (!get_f32(env, argv[5], &act, &la) || la < (size_t)(NP * g.F)) return fail(env, "convForward: act is too short");
  if (g.pool > 1 && (!get_i32(env, argv[6], &arg, &lg) || lg < (size_t)g.n * g.F * g.ph * g.pw)) return fail(env, "convForward: arg is too short");
  if (!get_f32(env, argv[7], &y, &ly) || ly < (size_t)g.n * g.F * g.ph * g.pw) return fail(env, "convForward: y is too short");
  if (!get_f32(env, argv[8], &scratch, &ls) || ls < (size_t)conv_forward_scratch(&g)) return fail(env, "convForward: scratch is too short");
  conv_forward(&g, x, w, b, cols, act, arg, y, scratch);
  return NULL;
}

// convBackward(geom, gy, w, cols, act, arg|null, gw|null, gb|null, gx|null, scratch)
static napi_value js_conv_backward(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  conv_geom g;
  if (argc < 10 || !conv_geometry(env, argv[0], &g)) return fail(env, "convBackward: bad geometry");
  const long K = (long)g.C * g.kh * g.kw, NP = (long)g.n * g.oh * g.ow;
  float *gy, *w, *cols, *act, *gw, *gb, *gx, *scratch;
  int32_t *arg = NULL;
  size_t l, lg;
  if (!get_f32(env, argv[1], &gy, &l) || l < (size_t)g.n * g.F * g.ph * g.pw) return fail(env, "convBackward: gy is too short");
  if (!get_f32(env, argv[2], &w, &l) || l < (size_t)g.F * K) return fail(env, "convBackward: w is too short");
  if (!get_f32(env, argv[3], &cols, &l) || l < (size_t)(NP * K)) return fail(env, "convBackward: cols is too short");
  if (!get_f32(env, argv[4], &act, &l) || l < (size_t)(NP * g.F)) return fail(env, "convBackward: act is too short");
  if (g.pool > 1 && (!get_i32(env, argv[5], &arg, &lg) || lg < (size_t)g.n * g.F * g.ph * g.pw)) return fail(env, "convBackward: arg is too short");
  if (g.pool > 1)  // winners index act: a corrupted arg must not write outside dz
    for (size_t o = 0; o < (size_t)g.n * g.F * g.ph * g.pw; o++)
      if (arg[o] < 0 || arg[o] >= NP * g.F) return fail(env, "convBackward: arg holds an index outside the activations");
  if (!opt_f32(env, argv[6], (size_t)g.F * K, &gw)) return fail(env, "convBackward: gw is too short");
  if (!opt_f32(env, argv[7], g.F, &gb)) return fail(env, "convBackward: gb is too short");
  if (!opt_f32(env, argv[8], (size_t)g.n * g.C * g.H * g.W, &gx)) return fail(env, "convBackward: gx is too short");
  if (!get_f32(env, argv[9], &scratch, &l) || l < (size_t)conv_backward_scratch(&g, gx != NULL)) return fail(env, "convBackward: scratch is too short");
  conv_backward(&g, gy, w, cols, act, arg, gw, gb, gx, scratch);
  return NULL;
}

// sgdStep(d, grad, buf|null, [lr, weightDecay, momentum, dampening, nesterov, first])
static napi_value js_sgd_step(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *d, *g, *buf;
  size_t ld, lg;
  napi_typedarray_type type;
  size_t ls;
  void *sp;
  if (argc < 4 || !get_f32(env, argv[0], &d, &ld) || !get_f32(env, argv[1], &g, &lg) || lg < ld) return fail(env, "sgdStep: d and grad must be Float32Arrays, grad at least as long as d");
  if (!opt_f32(env, argv[2], ld, &buf)) return fail(env, "sgdStep: buf must be null or a Float32Array as long as d");
  if (napi_get_typedarray_info(env, argv[3], &type, &ls, &sp, NULL, NULL) != napi_ok || type != napi_float64_array || ls < 6) return fail(env, "sgdStep: scalars must be a Float64Array of 6");
  const double *q = sp;
  sgd_step(d, g, buf, (long)ld, q[0], q[1], q[2], q[3], q[4] != 0, q[5] != 0);
  return NULL;
}

// linearForward(dims Int32Array [n, in, out, relu], x, w, b|null, y)
static napi_value js_linear_forward(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t *q;
  size_t lq, l;
  float *x, *w, *b, *y;
  if (argc < 5 || !get_i32(env, argv[0], &q, &lq) || lq < 4 || q[0] < 0 || q[1] < 0 || q[2] < 0) return fail(env, "linearForward: bad dimensions");
  const size_t n = q[0], in = q[1], out = q[2];
  if (!get_f32(env, argv[1], &x, &l) || l < n * in) return fail(env, "linearForward: x is too short");
  if (!get_f32(env, argv[2], &w, &l) || l < out * in) return fail(env, "linearForward: w is too short");
  if (!opt_f32(env, argv[3], out, &b)) return fail(env, "linearForward: b is too short");
  if (!get_f32(env, argv[4], &y, &l) || l < n * out) return fail(env, "linearForward: y is too short");
  linear_forward(q[0], q[1], q[2], x, w, b, q[3] != 0, y);
  return NULL;
}

// linearBackward(dims, x, w, y, g, gp|null, gx|null, gw|null, gb|null)
static napi_value js_linear_backward(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t *q;
  size_t lq, l;
  float *x, *w, *y, *g, *gp, *gx, *gw, *gb;
  if (argc < 9 || !get_i32(env, argv[0], &q, &lq) || lq < 4 || q[0] < 0 || q[1] < 0 || q[2] < 0) return fail(env, "linearBackward: bad dimensions");
  const size_t n = q[0], in = q[1], out = q[2];
  const int relu = q[3] != 0;
  if (!get_f32(env, argv[1], &x, &l) || l < n * in) return fail(env, "linearBackward: x is too short");
  if (!get_f32(env, argv[2], &w, &l) || l < out * in) return fail(env, "linearBackward: w is too short");
  if (!get_f32(env, argv[3], &y, &l) || l < n * out) return fail(env, "linearBackward: y is too short");
  if (!get_f32(env, argv[4], &g, &l) || l < n * out) return fail(env, "linearBackward: g is too short");
  if (!opt_f32(env, argv[5], n * out, &gp) || (relu && !gp)) return fail(env, "linearBackward: gp must hold n×out values with ReLU");
  if (!opt_f32(env, argv[6], n * in, &gx) || !opt_f32(env, argv[7], out * in, &gw) || !opt_f32(env, argv[8], out, &gb)) return fail(env, "linearBackward: a gradient buffer is too short");
  linear_backward(q[0], q[1], q[2], x, w, y, g, relu, gp, gx, gw, gb);
  return NULL;
}

// outerForward(dims Int32Array [n, p, q], a, b, y); outerBackward(dims, a, b, g, ga|null, gb|null)
static int outer_dims(napi_env env, napi_value v, int32_t **q) {
  size_t l;
  return get_i32(env, v, q, &l) && l >= 3 && (*q)[0] >= 0 && (*q)[1] >= 0 && (*q)[2] >= 0;
}

static napi_value js_outer_forward(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t *q;
  float *a, *b, *y;
  size_t la, lb, ly;
  if (argc < 4 || !outer_dims(env, argv[0], &q)) return fail(env, "outerForward: bad dimensions");
  const size_t n = q[0], p = q[1], r = q[2];
  if (!get_f32(env, argv[1], &a, &la) || la < n * p || !get_f32(env, argv[2], &b, &lb) || lb < n * r || !get_f32(env, argv[3], &y, &ly) || ly < n * p * r)
    return fail(env, "outerForward: an array is too short for n×p, n×q, n×p·q");
  outer_forward(q[0], q[1], q[2], a, b, y);
  return NULL;
}

static napi_value js_outer_backward(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t *q;
  float *a, *b, *g, *ga, *gb;
  size_t la, lb, lg;
  if (argc < 6 || !outer_dims(env, argv[0], &q)) return fail(env, "outerBackward: bad dimensions");
  const size_t n = q[0], p = q[1], r = q[2];
  if (!get_f32(env, argv[1], &a, &la) || la < n * p || !get_f32(env, argv[2], &b, &lb) || lb < n * r || !get_f32(env, argv[3], &g, &lg) || lg < n * p * r)
    return fail(env, "outerBackward: an array is too short for n×p, n×q, n×p·q");
  if (!opt_f32(env, argv[4], n * p, &ga) || !opt_f32(env, argv[5], n * r, &gb)) return fail(env, "outerBackward: a gradient buffer is too short");
  outer_backward(q[0], q[1], q[2], a, b, g, ga, gb);
  return NULL;
}

// axpy(alpha, x, y): y += alpha*x over y's length (x at least as long)
static napi_value js_axpy(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double alpha;
  float *x, *y;
  size_t lx, ly;
  if (argc < 3 || napi_get_value_double(env, argv[0], &alpha) != napi_ok) return fail(env, "axpy: alpha must be a number");
  if (!get_f32(env, argv[1], &x, &lx) || !get_f32(env, argv[2], &y, &ly) || lx < ly) return fail(env, "axpy: x and y must be Float32Arrays, x at least as long as y");
  axpy_f64((long)ly, alpha, x, y);
  return NULL;
}

static napi_value js_set_isa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[32] = "";
  size_t len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) return fail(env, "setIsa expects a string");
  isa_t want;
  if (strcmp(name, "avx512") == 0) want = ISA_AVX512;
  else if (strcmp(name, "avx2") == 0) want = ISA_AVX2;
  else if (strcmp(name, "portable") == 0) want = ISA_GENERIC;
  else return fail(env, "setIsa expects avx512, avx2 or portable");
  // Returns the path now in use: lower than asked when the CPU lacks the instructions.
  napi_value v;
  CHECK(napi_create_string_utf8(env, gemm_isa_name(gemm_set_isa(want)), NAPI_AUTO_LENGTH, &v));
  return v;
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok) return fail(env, "setThreads expects a number");
  gemm_set_threads(n);
  openblas_set_threads(gemm_get_threads());
  return NULL;
}

static void set_str(napi_env env, napi_value obj, const char *key, const char *val) {
  napi_value v;
  napi_create_string_utf8(env, val, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

static napi_value js_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, v;
  CHECK(napi_create_object(env, &obj));
  set_str(env, obj, "isa", gemm_isa_name(gemm_get_isa()));
  set_str(env, obj, "bestIsa", gemm_isa_name(gemm_best_isa()));
  CHECK(napi_create_int32(env, gemm_get_threads(), &v));
  CHECK(napi_set_named_property(env, obj, "threads", v));
  int ok = openblas_load();
  CHECK(napi_get_boolean(env, ok, &v));
  CHECK(napi_set_named_property(env, obj, "openblas", v));
  set_str(env, obj, "openblasDetail", ok ? openblas_detail() : openblas_error());
  int svm = svm_backend_load();
  CHECK(napi_get_boolean(env, svm, &v));
  CHECK(napi_set_named_property(env, obj, "svm", v));
  set_str(env, obj, "svmDetail", svm ? svm_backend_detail() : svm_backend_error());
  return obj;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blasGemm", NULL, js_blas_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemm3", NULL, js_gemm3, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blasGemm3", NULL, js_blas_gemm3, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setParams", NULL, js_set_params, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sqdist", NULL, js_sqdist, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rbf", NULL, js_rbf, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setIsa", NULL, js_set_isa, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"convForward", NULL, js_conv_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"convBackward", NULL, js_conv_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sgdStep", NULL, js_sgd_step, NULL, NULL, NULL, napi_enumerable, NULL},
      {"linearForward", NULL, js_linear_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"linearBackward", NULL, js_linear_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"outerForward", NULL, js_outer_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"outerBackward", NULL, js_outer_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"axpy", NULL, js_axpy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"svmTrain", NULL, svm_backend_train_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, js_info, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
