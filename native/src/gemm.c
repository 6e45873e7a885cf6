// Blocked, packed single-precision GEMM (the Goto/BLIS loop structure) with a run-time choice between
// an AVX-512 micro-kernel (14x32), an AVX2+FMA one (6x16) and a portable one (4x8, GCC vector extensions),
// each with its own cache blocking, plus a direct no-packing path for small products (the tiny ones
// dominate small-network training), sqdist and an RBF kernel. The ISA-specific functions carry target
// attributes, so the addon is compiled for plain x86-64 and runs on any CPU; cpuid picks the path.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif
#include "kernels.h"

// Cache blocking of the portable path: B micro-panel KC x NR in L1, A block MC x KC in L2.
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 144  // a multiple of MR (4)
#endif
#ifndef NC
#define NC 3072 // a multiple of NR (8)
#endif
// AVX2 path, same loop order: B micro-panel 16 x 384 (24 KB) in a 32 KB L1, A block 96 x 384 (144 KB)
// in a 256 KB L2, so it also fits the smaller caches of AVX2-only CPUs. Chosen on this Xeon with the AVX2
// path forced, against numpy's OpenBLAS forced to its Haswell kernel (OPENBLAS_CORETYPE=Haswell), over KC
// 192..384, MC 96..1008, NC 256..3072, both loop orders, k unrolled 1/2/4, with and without C prefetch.
#define KC2 384
#define MC2 96
#define NC2 3072
// AVX-512 path: 14x32 register tile (28 zmm accumulators + 2 B vectors, A broadcast from memory). The
// loops run the other way round: one A micro-panel (14 x KC5, 14 KB) stays in L1 while the B block
// (KC5 x NC5, 1 MB) streams from L2. Chosen on this Xeon (48 KB L1d, 2 MB L2 per core) by timing 1024^3
// and 2048^3 products over KC5 192..512, NC5 512..1536, MR5 12/14, k unrolled 1/2/4.
#define MR5 14  // pack_a14_rows is written for 14
#define KC5 256
#define MC5 1008  // a multiple of MR5
#define NC5 1024
#define MR_MAX 16
#define PRAGMA_(x) _Pragma(#x)
#define UNROLL(n) PRAGMA_(GCC unroll n)
// Products below this many multiply-adds skip packing; above PAR_MIN they use every thread.
#ifndef SMALL_MAX
#define SMALL_MAX (96L * 96 * 96 - 1)  // measured: the unpacked path wins up to ~128³ single-threaded
#endif
#define PAR_MIN (96L * 96 * 96)

#define INLINE static inline __attribute__((always_inline))
#define AVX2_FN __attribute__((target("avx2,fma")))
#define AVX512_FN __attribute__((target("avx512f,avx512vl,avx2,fma")))

typedef void (*ukr_fn)(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta, int mr, int nr);

static isa_t isa = ISA_GENERIC;
static int isa_ready = 0;
static int nthreads = 0;

isa_t gemm_best_isa(void) {
#ifdef HAVE_X86
  // libgcc's cpu model also checks (xgetbv) that the OS saves the zmm/ymm state.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma")) return ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
#endif
  return ISA_GENERIC;
}
isa_t gemm_get_isa(void) {
  if (!isa_ready) { isa = gemm_best_isa(); isa_ready = 1; }
  return isa;
}
// Never above what the CPU supports: the caller compares the result with what it asked for.
isa_t gemm_set_isa(isa_t want) {
  isa_t best = gemm_best_isa();
  isa = want > best ? best : want;
  isa_ready = 1;
  return isa;
}
const char *gemm_isa_name(isa_t i) { return i == ISA_AVX512 ? "avx512" : i == ISA_AVX2 ? "avx2" : "portable"; }
int gemm_get_threads(void) {
  if (nthreads <= 0) {
    // TRANSFERLAB_THREADS caps the threads (e.g. 1 on a machine shared with other jobs).
    const char *env = getenv("TRANSFERLAB_THREADS");
    long n = env && atoi(env) > 0 ? atoi(env) : sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = n < 1 ? 1 : n > 8 ? 8 : (int)n;
  }
  return nthreads;
}
void gemm_set_threads(int n) { nthreads = n < 1 ? 1 : n > 8 ? 8 : n; }

// ---- write-back of a micro-tile: C = alpha*AB + beta*C (C unread when beta == 0) ----
INLINE void store_tile(const float *ab, int ldab, float *c, long ldc, float alpha, float beta, int mr, int nr) {
  for (int i = 0; i < mr; i++) {
    float *ci = c + i * ldc;
    const float *abi = ab + i * ldab;
    if (beta == 0.0f) for (int j = 0; j < nr; j++) ci[j] = alpha * abi[j];
    else for (int j = 0; j < nr; j++) ci[j] = alpha * abi[j] + beta * ci[j];
  }
}

// ---- portable micro-kernel, 4x8 ----
typedef float v4f __attribute__((vector_size(16)));

static void ukr_generic(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta, int mr, int nr) {
  v4f c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
  for (long p = 0; p < kc; p++) {
    v4f b0, b1;
    memcpy(&b0, b, 16);
    memcpy(&b1, b + 4, 16);
    v4f a0 = {a[0], a[0], a[0], a[0]}, a1 = {a[1], a[1], a[1], a[1]};
    v4f a2 = {a[2], a[2], a[2], a[2]}, a3 = {a[3], a[3], a[3], a[3]};
    c00 += a0 * b0; c01 += a0 * b1;
    c10 += a1 * b0; c11 += a1 * b1;
    c20 += a2 * b0; c21 += a2 * b1;
    c30 += a3 * b0; c31 += a3 * b1;
    a += 4;
    b += 8;
  }
  float ab[32];
  memcpy(ab + 0, &c00, 16); memcpy(ab + 4, &c01, 16);
  memcpy(ab + 8, &c10, 16); memcpy(ab + 12, &c11, 16);
  memcpy(ab + 16, &c20, 16); memcpy(ab + 20, &c21, 16);
  memcpy(ab + 24, &c30, 16); memcpy(ab + 28, &c31, 16);
  store_tile(ab, 8, c, ldc, alpha, beta, mr, nr);
}

#ifdef HAVE_X86
// ---- AVX2+FMA micro-kernel, 6x16: 12 accumulators, 2 B vectors, 1 broadcast = 15 of 16 ymm ----
AVX2_FN static void ukr_avx2(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta, int mr, int nr) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int i = 0; i < mr; i++) {  // the C tile's lines arrive while the k loop runs (measured: +10 % at 2048)
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
  }
  UNROLL(4)
  for (long p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 av;
    av = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(av, b0, c40); c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(av, b0, c50); c51 = _mm256_fmadd_ps(av, b1, c51);
    a += 6;
    b += 16;
  }
  if (mr == 6 && nr == 16) {
    __m256 va = _mm256_set1_ps(alpha);
    __m256 acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    if (beta == 0.0f) {
      for (int i = 0; i < 6; i++) {
        _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, acc[2 * i]));
        _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, acc[2 * i + 1]));
      }
    } else {
      __m256 vb = _mm256_set1_ps(beta);
      for (int i = 0; i < 6; i++) {
        float *ci = c + i * ldc;
        _mm256_storeu_ps(ci, _mm256_fmadd_ps(va, acc[2 * i], _mm256_mul_ps(vb, _mm256_loadu_ps(ci))));
        _mm256_storeu_ps(ci + 8, _mm256_fmadd_ps(va, acc[2 * i + 1], _mm256_mul_ps(vb, _mm256_loadu_ps(ci + 8))));
      }
    }
    return;
  }
  float ab[96] __attribute__((aligned(32)));
  _mm256_store_ps(ab + 0, c00); _mm256_store_ps(ab + 8, c01);
  _mm256_store_ps(ab + 16, c10); _mm256_store_ps(ab + 24, c11);
  _mm256_store_ps(ab + 32, c20); _mm256_store_ps(ab + 40, c21);
  _mm256_store_ps(ab + 48, c30); _mm256_store_ps(ab + 56, c31);
  _mm256_store_ps(ab + 64, c40); _mm256_store_ps(ab + 72, c41);
  _mm256_store_ps(ab + 80, c50); _mm256_store_ps(ab + 88, c51);
  store_tile(ab, 16, c, ldc, alpha, beta, mr, nr);
}

// ---- AVX-512 micro-kernel, MR5 x 32: 2*MR5 zmm accumulators, 2 B vectors, A broadcast from memory
// (the FMA's embedded {1to16} operand), so 14 rows use 30 of 32 zmm. Partial tiles store with masks. ----
AVX512_FN static void ukr_avx512(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta, int mr, int nr) {
  __m512 acc0[MR5], acc1[MR5];
#pragma GCC unroll 16
  for (int i = 0; i < MR5; i++) acc0[i] = acc1[i] = _mm512_setzero_ps();
  for (int i = 0; i < mr; i++) {  // the C tile's lines arrive while the k loop runs
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
  }
  UNROLL(2)
  for (long p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 16
    for (int i = 0; i < MR5; i++) {
      const __m512 av = _mm512_set1_ps(a[i]);
      acc0[i] = _mm512_fmadd_ps(av, b0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(av, b1, acc1[i]);
    }
    a += MR5;
    b += 32;
  }
  const __mmask16 m0 = nr >= 16 ? 0xffff : (__mmask16)((1u << nr) - 1);
  const __mmask16 m1 = nr >= 32 ? 0xffff : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 16
  for (int i = 0; i < MR5; i++) {  // unrolled: constant indices keep the accumulators in registers
    if (i >= mr) break;
    float *ci = c + i * ldc;
    __m512 x0 = _mm512_mul_ps(va, acc0[i]), x1 = _mm512_mul_ps(va, acc1[i]);
    if (beta != 0.0f) {
      x0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), x0);
      x1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), x1);
    }
    _mm512_mask_storeu_ps(ci, m0, x0);
    _mm512_mask_storeu_ps(ci + 16, m1, x1);
  }
}
#endif

// ---- packing: op(A) block into MR-row micro-panels, op(B) block into NR-column micro-panels, zero padded ----
#ifdef HAVE_X86
// 16x16 transpose in registers: on return r[j] lane i holds what r[i] lane j held.
AVX512_FN static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int h = 0; h < 16; h += 8)
    for (int i = 0; i < 4; i++) {
      t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
      t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xDD);
    }
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
  }
}

// Transposing packs of the AVX-512 path, 16 values at a time through registers instead of one scalar load and
// store per value (measured on the conv layers' row-major im2col A and the linear layers' Wᵀ: the scalar
// packs cost a third of those products).
// One 14-row panel of a row-major A (MR5 = 14): dst[p*14 + i] = a[i*lda + p].
AVX512_FN static void pack_a14_rows(const float *a, long lda, int kc, float *dst) {
  int p = 0;
  for (; p + 16 <= kc; p += 16) {
    __m512 r[16];
    for (int i = 0; i < 14; i++) r[i] = _mm512_loadu_ps(a + i * lda + p);
    r[14] = r[15] = _mm512_setzero_ps();
    transpose16(r);
    for (int j = 0; j < 16; j++) _mm512_mask_storeu_ps(dst + (long)(p + j) * 14, 0x3FFF, r[j]);
  }
  for (; p < kc; p++)
    for (int i = 0; i < 14; i++) dst[(long)p * 14 + i] = a[i * lda + p];
}

// One full 32-column panel of op(B) = Bᵀ (B stored n x k, row j of B is column j of op(B)): dst[p*32 + j] = b[j*ldb + p].
AVX512_FN static void pack_b32_trans(const float *b, long ldb, int kc, float *dst) {
  for (int h = 0; h < 32; h += 16) {
    int p = 0;
    for (; p + 16 <= kc; p += 16) {
      __m512 r[16];
      for (int j = 0; j < 16; j++) r[j] = _mm512_loadu_ps(b + (h + j) * ldb + p);
      transpose16(r);
      for (int q = 0; q < 16; q++) _mm512_storeu_ps(dst + (long)(p + q) * 32 + h, r[q]);
    }
    for (; p < kc; p++)
      for (int j = 0; j < 16; j++) dst[(long)p * 32 + h + j] = b[(h + j) * ldb + p];
  }
}
#endif

INLINE void pack_a(const gemm_args *g, int ic, int pc, int mc, int kc, int MR, float *buf) {
  for (int ir = 0; ir < mc; ir += MR) {
    int mr = mc - ir < MR ? mc - ir : MR;
    if (g->ta) {  // A stored k x m: row p of the panel is contiguous in memory
      for (int p = 0; p < kc; p++) {
        const float *src = g->a + (long)(pc + p) * g->lda + ic + ir;
        float *dst = buf + (long)p * MR;
        for (int i = 0; i < mr; i++) dst[i] = src[i];
        for (int i = mr; i < MR; i++) dst[i] = 0.0f;
      }
#ifdef HAVE_X86
    } else if (MR == MR5 && mr == MR) {  // MR5 is 14 (pack_a14_rows)
      pack_a14_rows(g->a + (long)(ic + ir) * g->lda + pc, g->lda, kc, buf);
#endif
    } else if (mr == MR) {  // writes in order, MR read streams
      const float *src[MR_MAX];
      for (int i = 0; i < MR; i++) src[i] = g->a + (long)(ic + ir + i) * g->lda + pc;
      float *dst = buf;
      for (int p = 0; p < kc; p++, dst += MR)
        for (int i = 0; i < MR; i++) dst[i] = src[i][p];
    } else {
      for (int i = 0; i < mr; i++) {
        const float *src = g->a + (long)(ic + ir + i) * g->lda + pc;
        for (int p = 0; p < kc; p++) buf[(long)p * MR + i] = src[p];
      }
      for (int i = mr; i < MR; i++)
        for (int p = 0; p < kc; p++) buf[(long)p * MR + i] = 0.0f;
    }
    buf += (long)MR * kc;
  }
}

INLINE void pack_b(const gemm_args *g, int pc, int jc, int kc, int nc, int NR, float *buf) {
  const int full = nc / NR * NR;  // columns in complete panels
  if (!g->tb) {
    // B stored k x n: walk it row by row (long contiguous reads), scattering NR-wide runs to the panels.
    for (int p = 0; p < kc; p++) {
      const float *src = g->b + (long)(pc + p) * g->ldb + jc;
      float *dst = buf + (long)p * NR;
      for (int jr = 0; jr < full; jr += NR, dst += (long)NR * kc)
        for (int j = 0; j < NR; j++) dst[j] = src[jr + j];
      if (full < nc) {
        for (int j = 0; j < nc - full; j++) dst[j] = src[full + j];
        for (int j = nc - full; j < NR; j++) dst[j] = 0.0f;
      }
    }
    return;
  }
  for (int jr = 0; jr < nc; jr += NR) {
    int nr = nc - jr < NR ? nc - jr : NR;
#ifdef HAVE_X86
    if (NR == 32 && nr == NR) {  // the AVX-512 path's NR
      pack_b32_trans(g->b + (long)(jc + jr) * g->ldb + pc, g->ldb, kc, buf);
      buf += (long)NR * kc;
      continue;
    }
#endif
    for (int j = 0; j < nr; j++) {
      const float *src = g->b + (long)(jc + jr + j) * g->ldb + pc;
      for (int p = 0; p < kc; p++) buf[(long)p * NR + j] = src[p];
    }
    for (int j = nr; j < NR; j++)
      for (int p = 0; p < kc; p++) buf[(long)p * NR + j] = 0.0f;
    buf += (long)NR * kc;
  }
}

// Register tile and cache blocking of one path (MC a multiple of MR, NC of NR).
typedef struct { int mr, nr, kc, mc, nc, a_in_l1; } blocking_t;
static const blocking_t BLK_GENERIC = {4, 8, KC, MC, NC, 0}, BLK_AVX2 = {6, 16, KC2, MC2, NC2, 0}, BLK_AVX512 = {MR5, 32, KC5, MC5, NC5, 1};

static const blocking_t *blocking(void) {
  isa_t i = gemm_get_isa();
  return i == ISA_AVX512 ? &BLK_AVX512 : i == ISA_AVX2 ? &BLK_AVX2 : &BLK_GENERIC;
}

INLINE void blocked_body(const gemm_args *g, const blocking_t bk, ukr_fn ukr, float *abuf, float *bbuf) {
  const int MR = bk.mr, NR = bk.nr, KCB = bk.kc, MCB = bk.mc, NCB = bk.nc;
  for (int jc = 0; jc < g->n; jc += NCB) {
    int nc = g->n - jc < NCB ? g->n - jc : NCB;
    for (int pc = 0; pc < g->k; pc += KCB) {
      int kc = g->k - pc < KCB ? g->k - pc : KCB;
      float beta = pc == 0 ? g->beta : 1.0f;
      pack_b(g, pc, jc, kc, nc, NR, bbuf);
      for (int ic = 0; ic < g->m; ic += MCB) {
        int mc = g->m - ic < MCB ? g->m - ic : MCB;
        pack_a(g, ic, pc, mc, kc, MR, abuf);
        if (bk.a_in_l1) {
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            const float *ap = abuf + (long)ir * kc;
            for (int jr = 0; jr < nc; jr += NR) {
              int nr = nc - jr < NR ? nc - jr : NR;
              ukr(kc, ap, bbuf + (long)jr * kc, g->c + (long)(ic + ir) * g->ldc + jc + jr, g->ldc, g->alpha, beta, mr, nr);
            }
          }
        } else {
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = nc - jr < NR ? nc - jr : NR;
            const float *bp = bbuf + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = mc - ir < MR ? mc - ir : MR;
              ukr(kc, abuf + (long)ir * kc, bp, g->c + (long)(ic + ir) * g->ldc + jc + jr, g->ldc, g->alpha, beta, mr, nr);
            }
          }
        }
      }
    }
  }
}

static void blocked_generic(const gemm_args *g, float *abuf, float *bbuf) { blocked_body(g, BLK_GENERIC, ukr_generic, abuf, bbuf); }
#ifdef HAVE_X86
AVX2_FN static void blocked_avx2(const gemm_args *g, float *abuf, float *bbuf) { blocked_body(g, BLK_AVX2, ukr_avx2, abuf, bbuf); }
AVX512_FN static void blocked_avx512(const gemm_args *g, float *abuf, float *bbuf) { blocked_body(g, BLK_AVX512, ukr_avx512, abuf, bbuf); }
#endif

static size_t round_up(size_t x, size_t r) { return (x + r - 1) / r * r; }

// Pack buffers for one thread: A block MC x KC rounded to MR, B block KC x min(n, NC) rounded to NR.
static size_t a_floats(const gemm_args *g, const blocking_t *bk) {
  size_t kc = g->k < bk->kc ? (size_t)g->k : (size_t)bk->kc;
  return round_up(round_up(g->m < bk->mc ? (size_t)g->m : (size_t)bk->mc, bk->mr) * kc, 16);
}
static size_t buf_floats(const gemm_args *g) {
  const blocking_t *bk = blocking();
  size_t kc = g->k < bk->kc ? (size_t)g->k : (size_t)bk->kc;
  return a_floats(g, bk) + kc * round_up(g->n < bk->nc ? (size_t)g->n : (size_t)bk->nc, bk->nr);
}

static void blocked_run(const gemm_args *g, float *buf) {
  const blocking_t *bk = blocking();
  float *abuf = buf, *bbuf = buf + a_floats(g, bk);
#ifdef HAVE_X86
  if (bk == &BLK_AVX512) { blocked_avx512(g, abuf, bbuf); return; }
  if (bk == &BLK_AVX2) { blocked_avx2(g, abuf, bbuf); return; }
#endif
  blocked_generic(g, abuf, bbuf);
}

// The calling thread keeps its pack buffer between calls (no re-allocation per call).
static _Thread_local float *tl_buf = NULL;
static _Thread_local size_t tl_cap = 0;

static float *caller_buffer(size_t floats) {
  if (floats > tl_cap) {
    free(tl_buf);
    size_t cap = floats < 4096 ? 4096 : floats;
    tl_buf = aligned_alloc(64, round_up(cap * sizeof(float), 64));
    tl_cap = tl_buf ? cap : 0;
  }
  return tl_buf;
}

// ---- direct path for small products (AVX2 only): no packing of A, register tiles of 4 rows x 16 columns
// read straight from row-major op(B); masked loads cover the ragged right edge. ----
#ifdef HAVE_X86
AVX2_FN static void small_avx2(const gemm_args *g, const float *b, long ldb) {
  const int m = g->m, n = g->n, k = g->k;
  const long sa_row = g->ta ? 1 : g->lda, sa_p = g->ta ? g->lda : 1;  // op(A)(i, p) = a[i*sa_row + p*sa_p]
  const __m256 va = _mm256_set1_ps(g->alpha), vb = _mm256_set1_ps(g->beta);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int j0 = 0; j0 < n; j0 += 16) {
    const int nr = n - j0 < 16 ? n - j0 : 16;
    const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr), lane);
    const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr - 8), lane);
    if (nr <= 8) {  // narrow edge (or narrow C): one vector per row, eight rows per tile
      for (int i0 = 0; i0 < m; i0 += 8) {
        const int mr = m - i0 < 8 ? m - i0 : 8;
        const float *ar[8];
        for (int r = 0; r < 8; r++) ar[r] = g->a + (long)(i0 + (r < mr ? r : mr - 1)) * sa_row;
        __m256 acc[8];
        for (int r = 0; r < 8; r++) acc[r] = _mm256_setzero_ps();
        const float *bp = b + j0;
        for (int p = 0; p < k; p++, bp += ldb) {
          const __m256 b0 = _mm256_maskload_ps(bp, m0);
          const long o = (long)p * sa_p;
          for (int r = 0; r < 8; r++) acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(ar[r] + o), b0, acc[r]);
        }
        for (int r = 0; r < mr; r++) {
          float *cr = g->c + (long)(i0 + r) * g->ldc + j0;
          __m256 x0 = _mm256_mul_ps(va, acc[r]);
          if (g->beta != 0.0f) x0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr, m0), x0);
          float t[8];
          _mm256_storeu_ps(t, x0);
          for (int j = 0; j < nr; j++) cr[j] = t[j];
        }
      }
      continue;
    }
    for (int i0 = 0; i0 < m; i0 += 4) {
      const int mr = m - i0 < 4 ? m - i0 : 4;
      // Rows past the edge repeat the last row; their results are never stored.
      const float *a0 = g->a + (long)(i0) * sa_row;
      const float *a1 = g->a + (long)(i0 + (mr > 1 ? 1 : 0)) * sa_row;
      const float *a2 = g->a + (long)(i0 + (mr > 2 ? 2 : mr - 1)) * sa_row;
      const float *a3 = g->a + (long)(i0 + (mr > 3 ? 3 : mr - 1)) * sa_row;
      __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float *bp = b + j0;
      for (int p = 0; p < k; p++, bp += ldb) {
        const __m256 b0 = _mm256_maskload_ps(bp, m0), b1 = _mm256_maskload_ps(bp + 8, m1);
        const long o = (long)p * sa_p;
        __m256 av = _mm256_broadcast_ss(a0 + o); c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01);
        av = _mm256_broadcast_ss(a1 + o); c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11);
        av = _mm256_broadcast_ss(a2 + o); c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21);
        av = _mm256_broadcast_ss(a3 + o); c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31);
      }
      const __m256 acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
      for (int r = 0; r < mr; r++) {
        float *cr = g->c + (long)(i0 + r) * g->ldc + j0;
        __m256 x0 = _mm256_mul_ps(va, acc[2 * r]), x1 = _mm256_mul_ps(va, acc[2 * r + 1]);
        if (g->beta != 0.0f) {
          x0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr, m0), x0);
          x1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr + 8, m1), x1);
        }
        if (nr == 16) {
          _mm256_storeu_ps(cr, x0);
          _mm256_storeu_ps(cr + 8, x1);
        } else {  // masked stores are slow on AMD cores: go through a small buffer
          float t[16];
          _mm256_storeu_ps(t, x0);
          _mm256_storeu_ps(t + 8, x1);
          for (int j = 0; j < nr; j++) cr[j] = t[j];
        }
      }
    }
  }
}

// Narrow C (n < 8): vectorise over eight rows of C instead. at holds op(A) transposed (k x m, row p =
// column p of op(A)), so C[i0..i0+7, j] accumulates at[p, i0..i0+7] * op(B)(p, j).
// n is a compile-time constant at each call site so the accumulators stay in registers (a loop over
// a variable count would keep them on the stack, and store-to-load forwarding would set the pace).
AVX2_FN INLINE void narrow_n(const gemm_args *g, const float *at, long ldat, const int n) {
  const int m = g->m, k = g->k;
  const long sb_p = g->tb ? 1 : g->ldb, sb_j = g->tb ? g->ldb : 1;  // op(B)(p, j) = b[p*sb_p + j*sb_j]
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int i0 = 0; i0 < m; i0 += 8) {
    const int mr = m - i0 < 8 ? m - i0 : 8;
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(mr), lane);
    __m256 acc[7];
    for (int j = 0; j < n; j++) acc[j] = _mm256_setzero_ps();
    for (int p = 0; p < k; p++) {
      const __m256 av = _mm256_maskload_ps(at + (long)p * ldat + i0, mask);
      const float *bp = g->b + (long)p * sb_p;
      for (int j = 0; j < n; j++) acc[j] = _mm256_fmadd_ps(av, _mm256_broadcast_ss(bp + j * sb_j), acc[j]);
    }
    for (int j = 0; j < n; j++) {
      float t[8];
      _mm256_storeu_ps(t, acc[j]);
      for (int r = 0; r < mr; r++) {
        float *c = g->c + (long)(i0 + r) * g->ldc + j;
        *c = g->beta == 0.0f ? g->alpha * t[r] : g->alpha * t[r] + g->beta * *c;
      }
    }
  }
}
AVX2_FN static void narrow_avx2(const gemm_args *g, const float *at, long ldat) {
  switch (g->n) {
    case 1: narrow_n(g, at, ldat, 1); break;
    case 2: narrow_n(g, at, ldat, 2); break;
    case 3: narrow_n(g, at, ldat, 3); break;
    case 4: narrow_n(g, at, ldat, 4); break;
    case 5: narrow_n(g, at, ldat, 5); break;
    case 6: narrow_n(g, at, ldat, 6); break;
    default: narrow_n(g, at, ldat, 7); break;
  }
}
#endif

// Last resort when no pack buffer can be allocated: plain loops, no extra memory.
static void naive(const gemm_args *g) {
  for (int i = 0; i < g->m; i++)
    for (int j = 0; j < g->n; j++) {
      float s = 0.0f;
      for (int p = 0; p < g->k; p++)
        s += (g->ta ? g->a[(long)p * g->lda + i] : g->a[(long)i * g->lda + p]) * (g->tb ? g->b[(long)j * g->ldb + p] : g->b[(long)p * g->ldb + j]);
      float *c = g->c + (long)i * g->ldc + j;
      *c = g->beta == 0.0f ? g->alpha * s : g->alpha * s + g->beta * *c;
    }
}

// ---- threads: split the larger of m and n into one contiguous part per thread ----
typedef struct { gemm_args g; int ok; } part_t;

// Parked worker threads, started on first use and kept: creating threads and their pack buffers on every
// call cost more than a 256^3 product itself (2 threads ran at 0.6x numpy's 2 there). Each worker keeps its
// thread-local pack buffer between calls, like the caller. A worker spins briefly before sleeping, as
// OpenBLAS's and OpenMP's threads do: waking a sleeping thread costs tens of microseconds in a VM, a large
// share of a 0.1 ms product. One caller at a time owns the pool; a concurrent caller (another Node worker
// thread) computes its product on its own thread.
#define POOL_SPIN 8192  // pause instructions (~0.5 ms) before a waiting thread sleeps
static struct {
  pthread_mutex_t owner, mu;
  pthread_cond_t go, done;
  int workers;           // parked threads started so far (pool slots 1..workers)
  atomic_ulong round;    // bumped once per product; every worker answers each round once
  atomic_int pending;    // workers that have not answered this round
  part_t *parts;         // this round's parts, parts[w] for slot w (0 is the caller's); set before round
  int nparts;
  unsigned long born[8];  // the round current when slot w was started: its first round to answer is the next
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
          0, 0, 0, NULL, 0, {0}};

static void run_part(part_t *p) {
  float *buf = caller_buffer(buf_floats(&p->g));
  p->ok = buf != NULL;
  if (buf) blocked_run(&p->g, buf);
}

static inline void cpu_relax(void) {
#ifdef HAVE_X86
  _mm_pause();
#endif
}

static void *pool_worker(void *arg) {
  int w = (int)(intptr_t)arg;
  // Not the round read now: the caller may already have started the first round this worker must answer.
  unsigned long seen = pool.born[w];
  int busy = 0;  // whether the last round gave this slot a part: an idle slot (threads lowered, a narrow product)
                 // sleeps at once rather than spinning on a core the caller did not ask for
  for (;;) {
    unsigned long r;
    int spins = busy ? 0 : POOL_SPIN;
    while ((r = atomic_load_explicit(&pool.round, memory_order_acquire)) == seen && ++spins < POOL_SPIN) cpu_relax();
    if (r == seen) {
      pthread_mutex_lock(&pool.mu);
      while ((r = atomic_load_explicit(&pool.round, memory_order_acquire)) == seen) pthread_cond_wait(&pool.go, &pool.mu);
      pthread_mutex_unlock(&pool.mu);
    }
    seen = r;
    // The caller waits for every worker before it touches parts again, so these reads cannot race.
    busy = w < pool.nparts && pool.parts[w].g.m > 0;
    if (busy) run_part(&pool.parts[w]);
    if (atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&pool.mu);
      pthread_cond_signal(&pool.done);
      pthread_mutex_unlock(&pool.mu);
    }
  }
  return NULL;
}

// Starts parked workers up to slot t-1; returns how many slots (caller included) can take a part.
static int pool_grow(int t) {
  while (pool.workers < t - 1) {
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pool.born[pool.workers + 1] = atomic_load_explicit(&pool.round, memory_order_relaxed);
    int rc = pthread_create(&tid, &attr, pool_worker, (void *)(intptr_t)(pool.workers + 1));
    pthread_attr_destroy(&attr);
    if (rc != 0) break;
    pool.workers++;
  }
  return pool.workers + 1 < t ? pool.workers + 1 : t;
}

static gemm_args sub_problem(const gemm_args *g, int byRows, int from, int to) {
  gemm_args s = *g;
  if (byRows) {
    s.m = to - from;
    s.a = g->ta ? g->a + from : g->a + (long)from * g->lda;
    s.c = g->c + (long)from * g->ldc;
  } else {
    s.n = to - from;
    s.b = g->tb ? g->b + (long)from * g->ldb : g->b + from;
    s.c = g->c + from;
  }
  return s;
}

void gemm_run(const gemm_args *g) {
  if (g->m <= 0 || g->n <= 0) return;
  if (g->k == 0 || g->alpha == 0.0f) {  // C <- beta*C, and beta == 0 writes zeros without reading
    for (int i = 0; i < g->m; i++) {
      float *ci = g->c + (long)i * g->ldc;
      if (g->beta == 0.0f) memset(ci, 0, sizeof(float) * g->n);
      else for (int j = 0; j < g->n; j++) ci[j] *= g->beta;
    }
    return;
  }
  long work = (long)g->m * g->n * g->k;
#ifdef HAVE_X86
  if (work <= SMALL_MAX && gemm_get_isa() >= ISA_AVX2) {
    if (g->n < 8 && g->m >= 8 && g->ta) {  // op(A) columns are contiguous: vectorise over rows
      narrow_avx2(g, g->a, g->lda);
      return;
    }
    if (!g->tb) { small_avx2(g, g->b, g->ldb); return; }
    // op(B) = B^T: transpose the k x n operand once into scratch, then the same row-major kernel.
    float *bt = caller_buffer((size_t)g->k * g->n);
    if (bt) {
      for (int j = 0; j < g->n; j++)
        for (int p = 0; p < g->k; p++) bt[(long)p * g->n + j] = g->b[(long)j * g->ldb + p];
      small_avx2(g, bt, g->n);
      return;
    }
  }
#endif
  int t = gemm_get_threads();
  // Split the dimension whose parts, rounded up to whole micro-tiles, are most even (256 rows in 14-row tiles
  // split 140/116; 256 columns in 32-column tiles split 128/128); on a tie, the larger one.
  const blocking_t *bk = blocking();
  long rowPart = round_up((g->m + t - 1) / t, bk->mr), colPart = round_up((g->n + t - 1) / t, bk->nr);
  double rowLoss = (double)rowPart * t / g->m, colLoss = (double)colPart * t / g->n;
  int byRows = rowLoss < colLoss || (rowLoss == colLoss && g->m >= g->n);
  int extent = byRows ? g->m : g->n, unit = byRows ? bk->mr : bk->nr;
  if (t > 1 && work >= PAR_MIN && extent >= 2 * unit && pthread_mutex_trylock(&pool.owner) == 0) {
    if (extent / unit < t) t = extent / unit;
    t = pool_grow(t);
    part_t parts[8];
    long per = round_up((extent + t - 1) / t, unit);
    for (int w = 0; w < t; w++) {
      int from = (int)(w * per), to = (int)((w + 1) * per);
      if (to > extent) to = extent;
      parts[w].ok = 1;
      if (from >= to) { parts[w].g.m = 0; continue; }
      parts[w].g = sub_problem(g, byRows, from, to);
    }
    pool.parts = parts;
    pool.nparts = t;
    atomic_store_explicit(&pool.pending, pool.workers, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.round, 1, memory_order_release);
    pthread_mutex_lock(&pool.mu);  // wakes the workers that went to sleep
    pthread_cond_broadcast(&pool.go);
    pthread_mutex_unlock(&pool.mu);
    if (parts[0].g.m > 0) run_part(&parts[0]);
    int spins = 0;
    while (atomic_load_explicit(&pool.pending, memory_order_acquire) > 0 && ++spins < POOL_SPIN) cpu_relax();
    pthread_mutex_lock(&pool.mu);
    while (atomic_load_explicit(&pool.pending, memory_order_acquire) > 0) pthread_cond_wait(&pool.done, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
    pool.parts = NULL;
    pool.nparts = 0;
    pthread_mutex_unlock(&pool.owner);
    // A part whose pack buffer could not be allocated is recomputed here, unpacked if need be.
    for (int w = 0; w < t; w++)
      if (parts[w].g.m > 0 && !parts[w].ok) naive(&parts[w].g);
    return;
  }
  float *buf = caller_buffer(buf_floats(g));
  if (!buf) { naive(g); return; }  // out of memory for packing: the unpacked loop still works
  blocked_run(g, buf);
}

// ---- pairwise squared distances: Y is transposed once so the inner loop runs over contiguous j ----
INLINE void sqdist_body(const float *x, int n, const float *yt, int m, int d, float *out) {
  for (int i = 0; i < n; i++) {
    float *oi = out + (long)i * m;
    for (int j = 0; j < m; j++) oi[j] = 0.0f;
    for (int p = 0; p < d; p++) {
      float xp = x[(long)i * d + p];
      const float *yp = yt + (long)p * m;
      for (int j = 0; j < m; j++) {
        float t = xp - yp[j];
        oi[j] += t * t;
      }
    }
  }
}
static void sqdist_generic(const float *x, int n, const float *yt, int m, int d, float *out) { sqdist_body(x, n, yt, m, d, out); }
#ifdef HAVE_X86
AVX2_FN static void sqdist_avx2(const float *x, int n, const float *yt, int m, int d, float *out) { sqdist_body(x, n, yt, m, d, out); }
#endif

typedef struct { const float *x, *yt; int n, m, d; float *out; } sq_part;

static void sqdist_rows(const sq_part *p) {
#ifdef HAVE_X86
  if (gemm_get_isa() >= ISA_AVX2) { sqdist_avx2(p->x, p->n, p->yt, p->m, p->d, p->out); return; }
#endif
  sqdist_generic(p->x, p->n, p->yt, p->m, p->d, p->out);
}
static void *sqdist_worker(void *arg) { sqdist_rows(arg); return NULL; }

void sqdist_run(const float *x, int n, const float *y, int m, int d, float *out) {
  if (n <= 0 || m <= 0) return;
  float *yt = caller_buffer((size_t)m * d + 1);
  if (!yt) {  // no scratch: the direct triple loop
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++) {
        float s = 0.0f;
        for (int p = 0; p < d; p++) { float t = x[(long)i * d + p] - y[(long)j * d + p]; s += t * t; }
        out[(long)i * m + j] = s;
      }
    return;
  }
  for (int j = 0; j < m; j++)
    for (int p = 0; p < d; p++) yt[(long)p * m + j] = y[(long)j * d + p];
  // Large problems: rows of X split over the threads (each writes its own rows of out).
  int t = gemm_get_threads();
  if ((long)n * m * d < PAR_MIN || n < 2 * t) t = 1;
  pthread_t tid[8];
  sq_part parts[8];
  int started[8] = {0};
  int per = (n + t - 1) / t;
  for (int w = 0; w < t; w++) {
    int from = w * per, to = from + per > n ? n : from + per;
    parts[w] = (sq_part){x + (long)from * d, yt, to > from ? to - from : 0, m, d, out + (long)from * m};
    if (w > 0 && parts[w].n > 0) started[w] = pthread_create(&tid[w], NULL, sqdist_worker, &parts[w]) == 0;
  }
  sqdist_rows(&parts[0]);
  for (int w = 1; w < t; w++) {
    if (started[w]) pthread_join(tid[w], NULL);
    else if (parts[w].n > 0) sqdist_rows(&parts[w]);
  }
}

// ---- RBF kernel values: k = sum_b exp(-g_b d), dk = sum_b -g_b exp(-g_b d) ----
#ifdef HAVE_X86
// exp(x) for x <= 0: Cody-Waite reduction by ln 2 and the Cephes expf polynomial (relative error ~1e-7);
// below -87.3 the result underflows to 0; NaN stays NaN.
AVX2_FN static inline __m256 exp_neg_avx2(__m256 x0) {
  const __m256 lo = _mm256_set1_ps(-87.33654f);
  const __m256 under = _mm256_cmp_ps(x0, lo, _CMP_LT_OQ);
  const __m256 x = _mm256_max_ps(x0, lo);
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  const __m256 y = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  __m256 res = _mm256_andnot_ps(under, _mm256_mul_ps(y, _mm256_castsi256_ps(e)));
  return _mm256_blendv_ps(res, x0, _mm256_cmp_ps(x0, x0, _CMP_UNORD_Q));
}

AVX2_FN static long rbf_avx2(const float *d, long len, const float *g, int nb, float *k, float *dk) {
  long i = 0;
  for (; i + 8 <= len; i += 8) {
    const __m256 di = _mm256_loadu_ps(d + i);
    __m256 s = _mm256_setzero_ps(), sd = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
      const __m256 gb = _mm256_set1_ps(g[b]);
      const __m256 e = exp_neg_avx2(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(gb, di)));
      s = _mm256_add_ps(s, e);
      sd = _mm256_fnmadd_ps(gb, e, sd);
    }
    _mm256_storeu_ps(k + i, s);
    if (dk) _mm256_storeu_ps(dk + i, sd);
  }
  return i;  // the caller finishes the tail
}
#endif

void rbf_run(const float *d, long len, const float *g, int nb, float *k, float *dk) {
  long i = 0;
#ifdef HAVE_X86
  if (gemm_get_isa() >= ISA_AVX2) i = rbf_avx2(d, len, g, nb, k, dk);
#endif
  for (; i < len; i++) {
    float s = 0.0f, sd = 0.0f;
    for (int b = 0; b < nb; b++) {
      float e = expf(-g[b] * d[i]);
      s += e;
      sd -= g[b] * e;
    }
    k[i] = s;
    if (dk) dk[i] = sd;
  }
}
