// Tiers 1 and 1b: the native N-API addon (native/, built by scripts/build-native.mjs at install) and
// the system OpenBLAS it opens at run time. Node-only: the addon is required lazily through
// process.getBuiltinModule, so a browser bundle never reaches a node: import.
import { TransferLabError } from "../../core/errors.js";
import { checkGemm, checkRbf } from "./check.js";
import { gemmUnchecked } from "./js.js";
import type { Kernels } from "./types.js";

type GemmFn = Kernels["gemm"];
type SqdistFn = Kernels["sqdist"];

export interface NativeAddon {
  gemm: GemmFn;
  blasGemm: GemmFn;
  /** gemm(A, B, C) with the other arguments in the block given to setParams (3 conversions, not 13). */
  gemm3(a: Float32Array, b: Float32Array, c: Float32Array): void;
  blasGemm3(a: Float32Array, b: Float32Array, c: Float32Array): void;
  setParams(block: Float64Array): void;
  sqdist: SqdistFn;
  rbf(d: Float32Array, len: number, gammas: Float32Array, k: Float32Array, dk: Float32Array | null): void;
  /** "generic" forces the portable micro-kernel (tests cover both paths); "avx2" restores the best. */
  setIsa(isa: "generic" | "avx2"): void;
  setThreads(n: number): void;
  info(): { isa: string; bestIsa: string; threads: number; openblas: boolean; openblasDetail: string };
}

const ADDON = "../../../native/build/Release/transferlab_kernels.node";
let addon: NativeAddon | string | null = null;

/** The addon, or why it cannot be loaded. */
export function nativeAddon(): NativeAddon | string {
  if (addon !== null) return addon;
  addon = loadAddon();
  return addon;
}

function loadAddon(): NativeAddon | string {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (!proc?.versions?.node) return "not running in Node (browsers use the wasm tier)";
  if (typeof proc.getBuiltinModule !== "function") return `Node ${proc.versions.node} lacks process.getBuiltinModule (needs ≥ 20.16)`;
  const { createRequire } = proc.getBuiltinModule("node:module");
  const { existsSync, readFileSync } = proc.getBuiltinModule("node:fs");
  const { fileURLToPath } = proc.getBuiltinModule("node:url");
  const path = fileURLToPath(new URL(ADDON, import.meta.url));
  if (!existsSync(path)) {
    const note = fileURLToPath(new URL("../../../native/build/FAILED.txt", import.meta.url));
    const why = existsSync(note) ? readFileSync(note, "utf8").split("\n")[0] : "the install script did not run";
    return `native addon not built (${why}); ${buildNativeHint()}`;
  }
  try {
    return createRequire(import.meta.url)(path) as NativeAddon;
  } catch (e) {
    return `native addon failed to load: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** How to build the addon, as a command that works where this copy of transferlab is: an installed package
 *  has no build:native script and npm ≥ 11 skips a dependency's install script unless it is approved, so the
 *  hint names the script by its absolute path. */
export function buildNativeHint(): string {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  const url = proc?.getBuiltinModule?.("node:url");
  if (!url) return "build it with scripts/build-native.mjs (needs Node and a C compiler)";
  const script = url.fileURLToPath(new URL("../../../scripts/build-native.mjs", import.meta.url));
  return `build it with \`node ${JSON.stringify(script).slice(1, -1)}\` (needs a C compiler and Node headers)`;
}

// The addon throws RangeError with code SHAPE_MISMATCH on bad shapes; callers get the typed error.
function typed(e: unknown): never {
  const err = e as { code?: string; message?: string };
  if (err?.code === "SHAPE_MISMATCH" || err?.code === "UNSUPPORTED") throw new TransferLabError(err.code, err.message ?? String(e));
  throw e;
}

/** Multiply-adds below which the TypeScript loop beats the N-API call (measured by bench/gemm.ts). */
export const NATIVE_GEMM_MIN_WORK = 32;

// The addon keeps one parameter block per JS environment, shared by both tiers.
// Layout shared with addon.c: ta, tb, m, n, k, alpha, lda, ldb, beta, ldc.
let params: Float64Array | null = null;

function kernelsOver(tier: "native" | "openblas", gemm3: NativeAddon["gemm3"], setParams: NativeAddon["setParams"], sqdistFn: SqdistFn, rbfFn: NativeAddon["rbf"]): Kernels {
  if (!params) {
    params = new Float64Array(10);
    setParams(params);
  }
  const P = params;
  return {
    tier,
    gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      if (m * n * k < NATIVE_GEMM_MIN_WORK && tier === "native") {
        checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        gemmUnchecked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
      }
      P[0] = transA ? 1 : 0; P[1] = transB ? 1 : 0; P[2] = m; P[3] = n; P[4] = k;
      P[5] = alpha; P[6] = lda; P[7] = ldb; P[8] = beta; P[9] = ldc;
      try {
        gemm3(a, b, c);
      } catch (e) {
        typed(e);
      }
    },
    sqdist(x, n, y, m, d, out) {
      try {
        sqdistFn(x, n, y, m, d, out);
      } catch (e) {
        typed(e);
      }
    },
    rbf(d, len, gammas, k, dk) {
      checkRbf(d, len, gammas, k, dk);
      const g = gammas instanceof Float32Array ? gammas : Float32Array.from(gammas);
      rbfFn(d, len, g, k, dk);
    },
  };
}

export function createNativeKernels(): Kernels | string {
  const a = nativeAddon();
  if (typeof a === "string") return a;
  return kernelsOver("native", a.gemm3, a.setParams, a.sqdist, a.rbf);
}

export function createOpenblasKernels(): Kernels | string {
  const a = nativeAddon();
  if (typeof a === "string") return `needs the native addon: ${a}`;
  const info = a.info();
  if (!info.openblas) return info.openblasDetail;
  return kernelsOver("openblas", a.blasGemm3, a.setParams, a.sqdist, a.rbf);
}

/** What the native and OpenBLAS tiers run on, for `transferlab info`. */
export function nativeDetail(tier: "native" | "openblas"): string {
  const a = nativeAddon();
  if (typeof a === "string") return a;
  const info = a.info();
  return tier === "native" ? `${info.isa === "avx2+fma" ? "AVX2+FMA" : "generic"} micro-kernel, ${info.threads} thread${info.threads === 1 ? "" : "s"}` : info.openblasDetail;
}
