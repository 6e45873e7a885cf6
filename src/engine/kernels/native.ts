// Tiers 1 and 1b: the native N-API addon (native/, built by scripts/build-native.mjs at install) and
// the system OpenBLAS it opens at run time. Node-only: the addon is required lazily through
// process.getBuiltinModule, so a browser bundle never reaches a node: import.
import { TransferLabError } from "../../core/errors.js";
import { checkGemm, checkRbf } from "./check.js";
import { gemmUnchecked } from "./js.js";
import type { ConvKernels, Kernels, LinearKernels, OuterKernels } from "./types.js";

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
  /** Force a GEMM path (tests cover every one the CPU runs); returns the path now in use, lower than asked when the CPU lacks it. */
  setIsa(isa: GemmIsa): GemmIsa;
  setThreads(n: number): void;
  /** The fused conv block (absent from addons built before it). */
  convForward?: ConvKernels["forward"];
  convBackward?: ConvKernels["backward"];
  sgdStep?: Kernels["sgdStep"];
  linearForward?: LinearKernels["forward"];
  linearBackward?: LinearKernels["backward"];
  outerForward?: OuterKernels["forward"];
  outerBackward?: OuterKernels["backward"];
  axpy?: Kernels["axpy"];
  info(): { isa: GemmIsa; bestIsa: GemmIsa; threads: number; openblas: boolean; openblasDetail: string };
}

/** The native tier's GEMM micro-kernels, fastest first; cpuid picks the best the CPU runs. */
export const GEMM_ISAS = ["avx512", "avx2", "portable"] as const;
export type GemmIsa = (typeof GEMM_ISAS)[number];

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
  let a: NativeAddon;
  try {
    a = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (e) {
    return `native addon failed to load: ${e instanceof Error ? e.message : String(e)}`;
  }
  // A binary built from older sources (e.g. after a pull without a rebuild) speaks another protocol.
  if (!(GEMM_ISAS as readonly string[]).includes(a.info().isa)) return `native addon is out of date (built from older sources); ${buildNativeHint()}`;
  return a;
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

function kernelsOver(tier: "native" | "openblas", gemm3: NativeAddon["gemm3"], setParams: NativeAddon["setParams"], sqdistFn: SqdistFn, rbfFn: NativeAddon["rbf"], layers: NativeLayers = {}): Kernels {
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
    ...layers,
  };
}

/** TRANSFERLAB_GEMM_ISA, when running in Node and set to something non-empty. */
export function forcedGemmIsa(): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.TRANSFERLAB_GEMM_ISA || undefined;
}

/**
 * Apply TRANSFERLAB_GEMM_ISA to the addon: a typed error for an unknown name or a path this CPU cannot run
 * (never a silent fall-back to another path).
 */
export function applyGemmIsa(a: NativeAddon): void {
  const want = forcedGemmIsa();
  if (want === undefined) return;
  if (!(GEMM_ISAS as readonly string[]).includes(want))
    throw new TransferLabError("INVALID_PARAMETER", `TRANSFERLAB_GEMM_ISA=${want} is not a GEMM path; use ${GEMM_ISAS.join(", ")}`, { param: "TRANSFERLAB_GEMM_ISA" });
  const got = a.setIsa(want as GemmIsa);
  if (got !== want) throw new TransferLabError("UNSUPPORTED", `TRANSFERLAB_GEMM_ISA=${want}: this CPU only runs ${got} and below`, { param: "TRANSFERLAB_GEMM_ISA" });
}

export function createNativeKernels(): Kernels | string {
  const a = nativeAddon();
  if (typeof a === "string") return a;
  applyGemmIsa(a);
  return kernelsOver("native", a.gemm3, a.setParams, a.sqdist, a.rbf, nativeLayers(a));
}

type NativeLayers = Pick<Kernels, "conv" | "linear" | "outer" | "axpy" | "sgdStep">;

/** A native function with typed errors (the addon throws RangeError with a code). */
function guarded<A extends unknown[]>(f: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      f(...args);
    } catch (e) {
      typed(e);
    }
  };
}

/**
 * The addon's fused layers (conv block, linear, SGD step), each undefined when the addon was built before it: the
 * ops then run their TypeScript paths. Only the native tier offers them: on the openblas tier the layers'
 * products would not run in OpenBLAS.
 */
function nativeLayers(a: NativeAddon): NativeLayers {
  const { convForward, convBackward, linearForward, linearBackward, outerForward, outerBackward, axpy, sgdStep } = a;
  return {
    outer: outerForward && outerBackward ? { forward: guarded(outerForward), backward: guarded(outerBackward) } : undefined,
    axpy: axpy ? guarded(axpy) : undefined,
    conv: convForward && convBackward ? { forward: guarded(convForward), backward: guarded(convBackward) } : undefined,
    linear: linearForward && linearBackward ? { forward: guarded(linearForward), backward: guarded(linearBackward) } : undefined,
    sgdStep: sgdStep ? guarded(sgdStep) : undefined,
  };
}

export function createOpenblasKernels(): Kernels | string {
  const a = nativeAddon();
  if (typeof a === "string") return `needs the native addon: ${a}`;
  const info = a.info();
  if (!info.openblas) return info.openblasDetail;
  return kernelsOver("openblas", a.blasGemm3, a.setParams, a.sqdist, a.rbf);
}

const ISA_LABEL: Record<GemmIsa, string> = {
  avx512: "AVX-512 14×32 micro-kernel",
  avx2: "AVX2+FMA 6×16 micro-kernel",
  portable: "portable 4×8 micro-kernel",
};
const ISA_CPU: Record<GemmIsa, string> = { avx512: "avx512f+avx512vl", avx2: "avx2+fma", portable: "no avx2" };

/** What the native and OpenBLAS tiers run on and why, for `transferlab info`. */
export function nativeDetail(tier: "native" | "openblas"): string {
  const a = nativeAddon();
  if (typeof a === "string") return a;
  const info = a.info();
  if (tier === "openblas") return info.openblasDetail;
  const why = info.isa === info.bestIsa ? `${ISA_CPU[info.bestIsa]} detected` : `forced by TRANSFERLAB_GEMM_ISA=${info.isa}; the CPU runs ${info.bestIsa}`;
  return `GEMM: ${ISA_LABEL[info.isa]} (${why}), ${info.threads} thread${info.threads === 1 ? "" : "s"}`;
}
