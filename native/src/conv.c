// Fused 2-D convolution block for the engine's conv2d op: conv (any kernel, stride, zero padding) + bias
// [+ ReLU] [+ k×k max pool, stride k], forward and backward. Tensors at the boundary are NCHW (the engine's
// layout, torch's); inside, activations are NHWC so that im2col copies whole channel vectors, the GEMM writes
// the activation map directly (rows = pixels, columns = filters) and bias, ReLU and pooling run over
// contiguous channels. The products go through gemm_run (same micro-kernels, threads and determinism as every
// other GEMM). Every buffer comes from the caller (the engine's pool), so nothing here is shared between
// worker threads and nothing is allocated per call.
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "kernels.h"

// The element-wise passes (im2col, bias, ReLU, pooling, col2im) are memory-bound loops over contiguous channels:
// compiled once per vector width and picked at load time by the CPU (results are the same on every clone: the
// loops vectorise across channels, never across a sum).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CONV_CLONES __attribute__((target_clones("avx512f", "avx2", "default"), flatten))
#else
#define CONV_CLONES
#endif

// K index of im2col and of the reordered weights: (ki, kj, c), channels fastest.
static void reorder_weights(const conv_geom *g, const float *w, float *wr) {
  const int C = g->C, kh = g->kh, kw = g->kw, K = C * kh * kw;
  for (int f = 0; f < g->F; f++)
    for (int c = 0; c < C; c++)
      for (int t = 0; t < kh * kw; t++) wr[(long)f * K + t * C + c] = w[((long)f * C + c) * kh * kw + t];
}

// x NCHW -> xh NHWC (a copy when C == 1 is skipped by the caller).
static void to_nhwc(const float *x, float *xh, int n, int C, int HW) {
  for (int i = 0; i < n; i++) {
    const float *xi = x + (long)i * C * HW;
    float *hi = xh + (long)i * C * HW;
    for (int c = 0; c < C; c++)
      for (int q = 0; q < HW; q++) hi[(long)q * C + c] = xi[(long)c * HW + q];
  }
}

// cols[p, (ki,kj,c)] = xh[i, oy*s+ki-pad, ox*s+kj-pad, c], 0 outside the image; p = (i, oy, ox).
static void im2col_nhwc(const conv_geom *g, const float *xh, float *cols) {
  const int C = g->C, H = g->H, W = g->W, kh = g->kh, kw = g->kw, s = g->stride, pad = g->pad;
  const long K = (long)C * kh * kw;
  float *row = cols;
  for (int i = 0; i < g->n; i++)
    for (int oy = 0; oy < g->oh; oy++)
      for (int ox = 0; ox < g->ow; ox++, row += K)
        for (int ki = 0; ki < kh; ki++) {
          const int iy = oy * s + ki - pad;
          float *dst = row + (long)ki * kw * C;
          if (iy < 0 || iy >= H) { memset(dst, 0, sizeof(float) * kw * C); continue; }
          const float *src = xh + (((long)i * H + iy) * W) * C;
          for (int kj = 0; kj < kw; kj++) {
            const int ix = ox * s + kj - pad;
            if (C == 1) dst[kj] = ix < 0 || ix >= W ? 0.0f : src[ix];  // one channel: no call per value
            else if (ix < 0 || ix >= W) memset(dst + (long)kj * C, 0, sizeof(float) * C);
            else memcpy(dst + (long)kj * C, src + (long)ix * C, sizeof(float) * C);
          }
        }
}

// Channels are handled in blocks of FB so the per-channel loops below vectorise (contiguous in NHWC).
#define FB 64

// k×k max pool, stride k, of the NHWC activations into NCHW y: the first maximum in window order wins and a NaN
// wins wherever it sits (as the engine's maxPool2d and torch); arg gets the NHWC index of each winner.
static void pool_forward(const conv_geom *g, const float *act, int32_t *arg, float *y) {
  const int F = g->F, k = g->pool, ph = g->ph, pw = g->pw, PP = ph * pw, ow = g->ow, P = g->oh * g->ow;
  float best[FB];
  int32_t bi[FB];
  for (int i = 0; i < g->n; i++)
    for (int py = 0; py < ph; py++)
      for (int px = 0; px < pw; px++) {
        const long base = ((long)i * P + (long)py * k * ow + (long)px * k) * F;
        const long o0 = (long)i * F * PP + py * pw + px;
        for (int f0 = 0; f0 < F; f0 += FB) {
          const int nb = F - f0 < FB ? F - f0 : FB;
          const float *a0 = act + base + f0;
          for (int f = 0; f < nb; f++) { best[f] = a0[f]; bi[f] = (int32_t)(base + f0 + f); }
          for (int di = 0; di < k; di++)
            for (int dj = 0; dj < k; dj++) {
              if (di == 0 && dj == 0) continue;
              const long off = base + ((long)di * ow + dj) * F + f0;
              const float *a = act + off;
              for (int f = 0; f < nb; f++) {
                const float v = a[f];
                const int take = (v > best[f]) | (v != v);
                best[f] = take ? v : best[f];
                bi[f] = take ? (int32_t)(off + f) : bi[f];
              }
            }
          for (int f = 0; f < nb; f++) {
            y[o0 + (long)(f0 + f) * PP] = best[f];
            arg[o0 + (long)(f0 + f) * PP] = bi[f];
          }
        }
      }
}

CONV_CLONES void conv_forward(const conv_geom *g, const float *x, const float *w, const float *b, float *cols, float *act, int32_t *arg, float *y, float *scratch) {
  const int C = g->C, F = g->F, HW = g->H * g->W, P = g->oh * g->ow;
  const long K = (long)C * g->kh * g->kw, NP = (long)g->n * P;
  float *wr = scratch, *xh = scratch + F * K;
  reorder_weights(g, w, wr);
  if (C > 1) to_nhwc(x, xh, g->n, C, HW);
  else xh = (float *)x;
  im2col_nhwc(g, xh, cols);
  gemm_args ga = {0, 1, (int)NP, F, (int)K, 1.0f, 0.0f, cols, wr, act, K, K, F};
  gemm_run(&ga);
  // Bias, then ReLU as the engine's relu op (v > 0 ? v : 0, so a NaN becomes 0 on every tier). One pass.
  static const float zero_bias[FB] = {0};
  for (int f0 = 0; f0 < F; f0 += FB) {
    const int nb = F - f0 < FB ? F - f0 : FB;
    const float *bb = b ? b + f0 : zero_bias;
    for (long p = 0; p < NP; p++) {
      float *a = act + p * F + f0;
      if (g->relu)
        for (int f = 0; f < nb; f++) { const float v = a[f] + bb[f]; a[f] = v > 0.0f ? v : 0.0f; }
      else
        for (int f = 0; f < nb; f++) a[f] += bb[f];
    }
  }
  if (g->pool > 1) { pool_forward(g, act, arg, y); return; }
  for (int i = 0; i < g->n; i++)  // NHWC activations -> NCHW output
    for (int q = 0; q < P; q++)
      for (int f = 0; f < F; f++) y[((long)i * F + f) * P + q] = act[((long)i * P + q) * F + f];
}

// dz = the upstream gradient routed to each pool window's winner, through the ReLU's mask (output > 0, as
// torch's threshold backward); every other activation gets 0. Windows do not overlap (stride = window).
static void pool_backward(const conv_geom *g, const float *gy, const float *act, const int32_t *arg, float *dz) {
  const int F = g->F, k = g->pool, ph = g->ph, pw = g->pw, PP = ph * pw, ow = g->ow, P = g->oh * g->ow;
  if (g->oh % k || g->ow % k) memset(dz, 0, sizeof(float) * g->n * P * F);  // rows/columns no window covers
  float gv[FB];
  int32_t wv[FB];
  for (int i = 0; i < g->n; i++)
    for (int py = 0; py < ph; py++)
      for (int px = 0; px < pw; px++) {
        const long base = ((long)i * P + (long)py * k * ow + (long)px * k) * F;
        const long o0 = (long)i * F * PP + py * pw + px;
        for (int f0 = 0; f0 < F; f0 += FB) {
          const int nb = F - f0 < FB ? F - f0 : FB;
          for (int f = 0; f < nb; f++) { gv[f] = gy[o0 + (long)(f0 + f) * PP]; wv[f] = arg[o0 + (long)(f0 + f) * PP]; }
          for (int di = 0; di < k; di++)
            for (int dj = 0; dj < k; dj++) {
              const long off = base + ((long)di * ow + dj) * F + f0;
              float *d = dz + off;
              const float *a = act + off;
              // Branch-free selects so the channel loop vectorises.
              for (int f = 0; f < nb; f++) d[f] = wv[f] == (int32_t)(off + f) ? gv[f] : 0.0f;
              if (g->relu)
                for (int f = 0; f < nb; f++) d[f] = a[f] > 0.0f ? d[f] : 0.0f;
            }
        }
      }
}

CONV_CLONES void conv_backward(const conv_geom *g, const float *gy, const float *w, const float *cols, const float *act, const int32_t *arg, float *gw, float *gb, float *gx, float *scratch) {
  const int C = g->C, F = g->F, H = g->H, W = g->W, kh = g->kh, kw = g->kw, s = g->stride, pad = g->pad, T = kh * kw;
  const int P = g->oh * g->ow;
  const long K = (long)C * T, NP = (long)g->n * P;
  float *dz = scratch, *dwr = dz + NP * F, *wr = dwr + F * K, *dcols = wr + F * K, *dxh = dcols + NP * K;
  if (g->pool > 1) pool_backward(g, gy, act, arg, dz);
  else
    for (int i = 0; i < g->n; i++)
      for (int q = 0; q < P; q++)
        for (int f = 0; f < F; f++) {
          const long a = ((long)i * P + q) * F + f;
          const float v = gy[((long)i * F + f) * P + q];
          dz[a] = g->relu && !(act[a] > 0.0f) ? 0.0f : v;
        }
  if (gb)
    for (long p = 0; p < NP; p++) {
      const float *d = dz + p * F;
      for (int f = 0; f < F; f++) gb[f] += d[f];
    }
  if (gw) {
    if (K < F) {  // few taps (a first layer): dWᵀ = colsᵀ·dz keeps the long NP axis as the product's depth with a full register tile
      gemm_args ga = {1, 0, (int)K, F, (int)NP, 1.0f, 0.0f, cols, dz, dwr, K, F, F};
      gemm_run(&ga);
      for (int f = 0; f < F; f++)
        for (int c = 0; c < C; c++)
          for (int t = 0; t < T; t++) gw[((long)f * C + c) * T + t] += dwr[((long)t * C + c) * F + f];
    } else {
      gemm_args ga = {1, 0, F, (int)K, (int)NP, 1.0f, 0.0f, dz, cols, dwr, F, K, K};
      gemm_run(&ga);
      for (int f = 0; f < F; f++)
        for (int c = 0; c < C; c++)
          for (int t = 0; t < T; t++) gw[((long)f * C + c) * T + t] += dwr[(long)f * K + t * C + c];
    }
  }
  if (!gx) return;
  reorder_weights(g, w, wr);
  gemm_args gd = {0, 0, (int)NP, (int)K, F, 1.0f, 0.0f, dz, wr, dcols, F, K, K};
  gemm_run(&gd);
  // col2im into NHWC, then added to gx in NCHW.
  memset(dxh, 0, sizeof(float) * g->n * H * W * C);
  const float *row = dcols;
  for (int i = 0; i < g->n; i++)
    for (int oy = 0; oy < g->oh; oy++)
      for (int ox = 0; ox < g->ow; ox++, row += K)
        for (int ki = 0; ki < kh; ki++) {
          const int iy = oy * s + ki - pad;
          if (iy < 0 || iy >= H) continue;
          float *dst = dxh + (((long)i * H + iy) * W) * C;
          for (int kj = 0; kj < kw; kj++) {
            const int ix = ox * s + kj - pad;
            if (ix < 0 || ix >= W) continue;
            const float *src = row + ((long)ki * kw + kj) * C;
            float *d = dst + (long)ix * C;
            for (int c = 0; c < C; c++) d[c] += src[c];
          }
        }
  const int HW = H * W;
  for (int i = 0; i < g->n; i++)
    for (int c = 0; c < C; c++)
      for (int q = 0; q < HW; q++) gx[((long)i * C + c) * HW + q] += dxh[((long)i * HW + q) * C + c];
}

long conv_forward_scratch(const conv_geom *g) {
  return (long)g->F * g->C * g->kh * g->kw + (g->C > 1 ? (long)g->n * g->C * g->H * g->W : 0);
}

long conv_backward_scratch(const conv_geom *g, int with_gx) {
  const long K = (long)g->C * g->kh * g->kw, NP = (long)g->n * g->oh * g->ow;
  return NP * g->F + 2L * g->F * K + (with_gx ? NP * K + (long)g->n * g->C * g->H * g->W : 0);
}
