// WebAssembly SIMD kernels (AssemblyScript). Built by scripts/build-wasm.mjs into
// src/engine/kernels/wasm-binary.ts. The host copies operands into this module's linear memory and
// passes byte offsets; no allocator runs here (runtime "stub"), so repeated calls cannot leak.

// Blocking: an A block MC x KC and a B block KC x NC are packed into micro-panels of MR rows / NR columns.
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 2048;
const MR: i32 = 4;
const NR: i32 = 8;

/** First free byte after the static data: the host places its buffers from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Floats of scratch the packed GEMM needs for an m x n x k product. */
export function gemmScratch(m: i32, n: i32, k: i32): i32 {
  const kc = min(k, KC);
  const mc = ((min(m, MC) + MR - 1) / MR) * MR;
  const nc = ((min(n, NC) + NR - 1) / NR) * NR;
  return mc * kc + kc * nc + MR * NR;
}

@inline function at(base: usize, idx: i32): f32 {
  return load<f32>(base + (<usize>idx << 2));
}

function packA(ta: i32, a: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32, buf: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    if (mr == MR && ta) {
      // A stored k x m: the panel's column p is 4 contiguous floats.
      let src = a + (<usize>(pc * lda + ic + ir) << 2);
      const step = <usize>lda << 2;
      for (let p = 0; p < kc; p++) {
        v128.store(buf, v128.load(src));
        src += step;
        buf += 16;
      }
      continue;
    }
    if (mr == MR) {
      // Four row streams, interleaved four floats at a time (a 4 x 4 transpose in registers).
      const r0 = a + (<usize>((ic + ir) * lda + pc) << 2);
      const r1 = r0 + (<usize>lda << 2), r2 = r1 + (<usize>lda << 2), r3 = r2 + (<usize>lda << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        v128.store(buf, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(buf, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
        v128.store(buf, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
        v128.store(buf, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
        buf += 64;
      }
      for (; p < kc; p++) {
        const o = <usize>p << 2;
        store<f32>(buf, load<f32>(r0 + o));
        store<f32>(buf, load<f32>(r1 + o), 4);
        store<f32>(buf, load<f32>(r2 + o), 8);
        store<f32>(buf, load<f32>(r3 + o), 12);
        buf += 16;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let i = 0; i < MR; i++) {
        let v: f32 = 0;
        if (i < mr) v = ta ? at(a, (pc + p) * lda + ic + ir + i) : at(a, (ic + ir + i) * lda + pc + p);
        store<f32>(buf, v);
        buf += 4;
      }
    }
  }
}

function packB(tb: i32, b: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32, buf: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    if (!tb && nr == NR) {
      // Rows of a k x n B are contiguous: copy 8 floats at a time.
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>((pc + p) * ldb + jc + jr) << 2);
        v128.store(buf, v128.load(src));
        v128.store(buf, v128.load(src, 16), 16);
        buf += 32;
      }
      continue;
    }
    if (tb && nr == NR) {
      // B stored n x k: eight row streams; each group of four floats is a 4 x 4 transpose in registers.
      const r0 = b + (<usize>((jc + jr) * ldb + pc) << 2), st = <usize>ldb << 2;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        for (let h = 0; h < 2; h++) {
          const base = r0 + <usize>(4 * h) * st + o;
          const x0 = v128.load(base), x1 = v128.load(base + st), x2 = v128.load(base + 2 * st), x3 = v128.load(base + 3 * st);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const d = buf + (<usize>h << 4);
          v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
          v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
          v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
        }
        buf += 128;
      }
      for (; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<f32>(buf + (<usize>j << 2), load<f32>(r0 + <usize>j * st + (<usize>p << 2)));
        buf += 32;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let j = 0; j < NR; j++) {
        let v: f32 = 0;
        if (j < nr) v = tb ? at(b, (jc + jr + j) * ldb + pc + p) : at(b, (pc + p) * ldb + jc + jr + j);
        store<f32>(buf, v);
        buf += 4;
      }
    }
  }
}

// C tile (mr x nr) <- alpha * (packed A panel . packed B panel) + beta * C; beta == 0 never reads C.
function micro(kc: i32, a: usize, b: usize, c: usize, ldc: i32, alpha: f32, beta: f32, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    a += 16;
    b += 32;
  }
  const va = f32x4.splat(alpha);
  const full = mr == MR && nr == NR;
  // Full tiles go straight to C; edge tiles through tmp, then element by element.
  const ldo: usize = full ? <usize>ldc << 2 : 32;
  const out: usize = full ? c : tmp;
  if (full && beta != 0) {
    const vb = f32x4.splat(beta);
    v128.store(out, f32x4.add(f32x4.mul(va, c00), f32x4.mul(vb, v128.load(out))));
    v128.store(out, f32x4.add(f32x4.mul(va, c01), f32x4.mul(vb, v128.load(out, 16))), 16);
    v128.store(out + ldo, f32x4.add(f32x4.mul(va, c10), f32x4.mul(vb, v128.load(out + ldo))));
    v128.store(out + ldo, f32x4.add(f32x4.mul(va, c11), f32x4.mul(vb, v128.load(out + ldo, 16))), 16);
    v128.store(out + 2 * ldo, f32x4.add(f32x4.mul(va, c20), f32x4.mul(vb, v128.load(out + 2 * ldo))));
    v128.store(out + 2 * ldo, f32x4.add(f32x4.mul(va, c21), f32x4.mul(vb, v128.load(out + 2 * ldo, 16))), 16);
    v128.store(out + 3 * ldo, f32x4.add(f32x4.mul(va, c30), f32x4.mul(vb, v128.load(out + 3 * ldo))));
    v128.store(out + 3 * ldo, f32x4.add(f32x4.mul(va, c31), f32x4.mul(vb, v128.load(out + 3 * ldo, 16))), 16);
    return;
  }
  v128.store(out, f32x4.mul(va, c00));
  v128.store(out, f32x4.mul(va, c01), 16);
  v128.store(out + ldo, f32x4.mul(va, c10));
  v128.store(out + ldo, f32x4.mul(va, c11), 16);
  v128.store(out + 2 * ldo, f32x4.mul(va, c20));
  v128.store(out + 2 * ldo, f32x4.mul(va, c21), 16);
  v128.store(out + 3 * ldo, f32x4.mul(va, c30));
  v128.store(out + 3 * ldo, f32x4.mul(va, c31), 16);
  if (full) return;
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const dst = c + (<usize>(i * ldc + j) << 2);
      const v = load<f32>(tmp + (<usize>(i * NR + j) << 2));
      store<f32>(dst, beta == 0 ? v : v + beta * load<f32>(dst));
    }
  }
}

/**
 * C <- alpha*op(A)*op(B) + beta*C, row-major, all pointers are byte offsets into this memory.
 * scratch must hold gemmScratch(m, n, k) floats. The host handles m, n = 0 and k = 0.
 */
export function gemm(
  ta: i32, tb: i32, m: i32, n: i32, k: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, scratch: usize,
): void {
  const kcMax = min(k, KC);
  const abuf = scratch;
  const bbuf = abuf + (<usize>(((min(m, MC) + MR - 1) / MR) * MR * kcMax) << 2);
  const tmp = bbuf + (<usize>(kcMax * (((min(n, NC) + NR - 1) / NR) * NR)) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const bt: f32 = pc == 0 ? beta : 1;
      packB(tb, b, ldb, pc, jc, kc, nc, bbuf);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(ta, a, lda, ic, pc, mc, kc, abuf);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = bbuf + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            micro(kc, abuf + (<usize>(ir * kc) << 2), bp, cp, ldc, alpha, bt, mr, nr, tmp);
          }
        }
      }
    }
  }
}

/**
 * out[i*m + j] = |x_i - y_j|^2 for X n x d, Y m x d. yt is scratch for m*d floats (Y transposed),
 * so the inner loop runs four j at a time over contiguous memory.
 */
export function sqdist(x: usize, n: i32, y: usize, m: i32, d: i32, out: usize, yt: usize): void {
  for (let j = 0; j < m; j++) {
    for (let p = 0; p < d; p++) store<f32>(yt + (<usize>(p * m + j) << 2), at(y, j * d + p));
  }
  const m4 = m & ~3;
  for (let i = 0; i < n; i++) {
    const oi = out + (<usize>(i * m) << 2);
    for (let j = 0; j < m; j++) store<f32>(oi + (<usize>j << 2), 0);
    for (let p = 0; p < d; p++) {
      const xp = at(x, i * d + p);
      const vx = f32x4.splat(xp);
      const yp = yt + (<usize>(p * m) << 2);
      let j = 0;
      for (; j < m4; j += 4) {
        const o = oi + (<usize>j << 2);
        const t = f32x4.sub(vx, v128.load(yp + (<usize>j << 2)));
        v128.store(o, f32x4.add(v128.load(o), f32x4.mul(t, t)));
      }
      for (; j < m; j++) {
        const o = oi + (<usize>j << 2);
        const t = xp - load<f32>(yp + (<usize>j << 2));
        store<f32>(o, load<f32>(o) + t * t);
      }
    }
  }
}

// exp(x) for x <= 0, four lanes: Cody-Waite reduction by ln 2 and the Cephes expf polynomial
// (relative error ~1e-7); below -87.3 the result underflows to 0; NaN propagates.
@inline function expNeg4(x0: v128): v128 {
  const lo = f32x4.splat(-87.33654);
  const under = f32x4.lt(x0, lo);
  const x = f32x4.max(x0, lo);
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), f32x4.add(r, f32x4.splat(1)));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(y, e), under);
}

/**
 * k[i] = sum_b exp(-g_b d[i]) and, when dk != 0, dk[i] = sum_b -g_b exp(-g_b d[i]), for i < len.
 * len must be a multiple of 4 (the host pads d); g holds nb bandwidths.
 */
export function rbf(d: usize, len: i32, g: usize, nb: i32, k: usize, dk: usize): void {
  for (let i = 0; i < len; i += 4) {
    const o = <usize>i << 2;
    const di = v128.load(d + o);
    let s = f32x4.splat(0), sd = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const gb = f32x4.splat(load<f32>(g + (<usize>b << 2)));
      const e = expNeg4(f32x4.neg(f32x4.mul(gb, di)));
      s = f32x4.add(s, e);
      sd = f32x4.sub(sd, f32x4.mul(gb, e));
    }
    v128.store(k + o, s);
    if (dk) v128.store(dk + o, sd);
  }
}
