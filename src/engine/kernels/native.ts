// Tiers 1 and 1b: the native N-API addon (native/, built by scripts/build-native.mjs during `npm ci`) and
// the system OpenBLAS it opens at run time. Node-only: the addon is required lazily through
// process.getBuiltinModule, so a browser bundle never reaches a node: import.
import { TransferLabError } from "../../core/errors.js";
import type { Kernels } from "./types.js";

type GemmFn = Kernels["gemm"];
type SqdistFn = Kernels["sqdist"];

export interface NativeAddon {
  gemm: GemmFn;
  blasGemm: GemmFn;
  sqdist: SqdistFn;
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
    const why = existsSync(note) ? readFileSync(note, "utf8").split("\n")[0] : "run `npm ci` or `node scripts/build-native.mjs`";
    return `native addon not built (${why})`;
  }
  try {
    return createRequire(import.meta.url)(path) as NativeAddon;
  } catch (e) {
    return `native addon failed to load: ${e instanceof Error ? e.message : String(e)}`;
  }
}

// The addon throws RangeError with code SHAPE_MISMATCH on bad shapes; callers get the typed error.
function typed(e: unknown): never {
  const err = e as { code?: string; message?: string };
  if (err?.code === "SHAPE_MISMATCH" || err?.code === "UNSUPPORTED") throw new TransferLabError(err.code, err.message ?? String(e));
  throw e;
}

function kernelsOver(tier: "native" | "openblas", gemmFn: GemmFn, sqdistFn: SqdistFn): Kernels {
  return {
    tier,
    gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      try {
        gemmFn(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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
  };
}

export function createNativeKernels(): Kernels | string {
  const a = nativeAddon();
  if (typeof a === "string") return a;
  return kernelsOver("native", a.gemm, a.sqdist);
}

export function createOpenblasKernels(): Kernels | string {
  const a = nativeAddon();
  if (typeof a === "string") return `needs the native addon: ${a}`;
  const info = a.info();
  if (!info.openblas) return info.openblasDetail;
  return kernelsOver("openblas", a.blasGemm, a.sqdist);
}

/** What the native and OpenBLAS tiers run on, for `transferlab info`. */
export function nativeDetail(tier: "native" | "openblas"): string {
  const a = nativeAddon();
  if (typeof a === "string") return a;
  const info = a.info();
  return tier === "native" ? `${info.isa === "avx2+fma" ? "AVX2+FMA" : "generic"} micro-kernel, ${info.threads} threads` : info.openblasDetail;
}
