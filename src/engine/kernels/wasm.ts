// Tier 2: WebAssembly SIMD kernels (assembly/kernels.ts, embedded as base64 so Node and browsers load the
// same bytes with no file access). Operands are copied into one linear memory that only ever grows to the
// largest product seen, so repeated calls neither leak nor re-grow. Products too small to repay the copies
// run the TypeScript loop instead (threshold measured by bench/gemm.ts).
import { checkGemm, checkRbf, checkSqdist } from "./check.js";
import { gemmUnchecked, rbfUnchecked, sqdistUnchecked } from "./js.js";
import type { Kernels } from "./types.js";
import { WASM_KERNELS_BASE64 } from "./wasm-binary.js";

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemmScratch(m: number, n: number, k: number): number;
  gemm(ta: number, tb: number, m: number, n: number, k: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, scratch: number): void;
  sqdist(x: number, n: number, y: number, m: number, d: number, out: number, yt: number): void;
  rbf(d: number, len: number, g: number, nb: number, k: number, dk: number): void;
}

/** Multiply-adds below which the TypeScript loop beats copying into wasm memory. */
export const WASM_GEMM_MIN_WORK = 256;
const WASM_SQDIST_MIN_WORK = 256;
const WASM_RBF_MIN_LEN = 32;

function decodeBase64(s: string): Uint8Array {
  if (typeof atob === "function") return Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (!B) throw new Error("no base64 decoder (atob or Buffer) in this environment");
  return new Uint8Array(B.from(s, "base64"));
}

let compiled: WebAssembly.Module | null = null;

/** Browsers' main threads refuse to compile larger modules synchronously; call this first there. */
export async function compileWasmKernels(): Promise<void> {
  if (!compiled) compiled = await WebAssembly.compile(decodeBase64(WASM_KERNELS_BASE64) as BufferSource);
}

const span = (rows: number, cols: number, ld: number): number => (rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols);
const align = (bytes: number): number => (bytes + 63) & ~63;

/** The wasm tier also reports its linear memory size (tests check that repeated calls don't grow it). */
export interface WasmKernels extends Kernels {
  memoryBytes(): number;
}

export function createWasmKernels(): WasmKernels {
  if (typeof WebAssembly === "undefined") throw new Error("WebAssembly is not available here");
  if (!compiled) {
    const bytes = decodeBase64(WASM_KERNELS_BASE64) as BufferSource;
    if (!WebAssembly.validate(bytes)) throw new Error("this WebAssembly engine cannot run the kernels (no SIMD support?)");
    compiled = new WebAssembly.Module(bytes);
  }
  const ex = new WebAssembly.Instance(compiled, { env: { abort: () => { throw new Error("wasm kernel aborted"); } } }).exports as unknown as Exports;
  const base = align(ex.heapBase());
  let heap = new Float32Array(ex.memory.buffer);

  // Make the memory at least `bytes` long; the view is refreshed because growing detaches the old buffer.
  function reserve(bytes: number): void {
    const have = ex.memory.buffer.byteLength;
    if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
    if (heap.buffer !== ex.memory.buffer) heap = new Float32Array(ex.memory.buffer);
  }

  function gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
    beta: number, c: Float32Array, ldc: number,
  ): void {
    checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
    if (m * n * k < WASM_GEMM_MIN_WORK || alpha === 0) {
      gemmUnchecked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
    const sa = span(transA ? k : m, transA ? m : k, lda), sb = span(transB ? n : k, transB ? k : n, ldb), sc = span(m, n, ldc);
    const pa = base, pb = pa + align(sa * 4), pc = pb + align(sb * 4), ps = pc + align(sc * 4);
    reserve(ps + ex.gemmScratch(m, n, k) * 4);
    heap.set(a.subarray(0, sa), pa >> 2);
    heap.set(b.subarray(0, sb), pb >> 2);
    // C is copied in when it is read (beta ≠ 0) or has gaps between rows that the copy-out must preserve.
    if (beta !== 0 || ldc !== n) heap.set(c.subarray(0, sc), pc >> 2);
    ex.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, ps);
    c.set(heap.subarray(pc >> 2, (pc >> 2) + sc));
  }

  function sqdist(x: Float32Array, n: number, y: Float32Array, m: number, d: number, out: Float32Array): void {
    checkSqdist(x, n, y, m, d, out);
    if (n * m * d < WASM_SQDIST_MIN_WORK) {
      sqdistUnchecked(x, n, y, m, d, out);
      return;
    }
    const px = base, py = px + align(n * d * 4), po = py + align(m * d * 4), pt = po + align(n * m * 4);
    reserve(pt + m * d * 4);
    heap.set(x.subarray(0, n * d), px >> 2);
    heap.set(y.subarray(0, m * d), py >> 2);
    ex.sqdist(px, n, py, m, d, po, pt);
    out.set(heap.subarray(po >> 2, (po >> 2) + n * m));
  }

  function rbf(d: Float32Array, len: number, gammas: ArrayLike<number>, k: Float32Array, dk: Float32Array | null): void {
    checkRbf(d, len, gammas, k, dk);
    if (len < WASM_RBF_MIN_LEN) {
      rbfUnchecked(d, len, gammas, k, dk);
      return;
    }
    const len4 = (len + 3) & ~3, nb = gammas.length; // d is zero-padded to whole vectors
    const pd = base, pg = pd + align(len4 * 4), pk = pg + align(nb * 4), pdk = pk + align(len4 * 4);
    reserve(pdk + len4 * 4);
    const hd = pd >> 2;
    heap.set(d.subarray(0, len), hd);
    heap.fill(0, hd + len, hd + len4);
    for (let b = 0; b < nb; b++) heap[(pg >> 2) + b] = gammas[b]!;
    ex.rbf(pd, len4, pg, nb, pk, dk ? pdk : 0);
    k.set(heap.subarray(pk >> 2, (pk >> 2) + len));
    if (dk) dk.set(heap.subarray(pdk >> 2, (pdk >> 2) + len));
  }

  return { tier: "wasm", gemm, sqdist, rbf, memoryBytes: () => ex.memory.buffer.byteLength };
}
