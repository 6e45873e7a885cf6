// Kernel tier selection: the fastest available tier unless TRANSFERLAB_KERNELS forces one.
import { TransferLabError } from "../../core/errors.js";
import { jsKernels } from "./js.js";
import { applyGemmIsa, createNativeKernels, createOpenblasKernels, nativeAddon, nativeDetail } from "./native.js";
import type { Kernels, Tier, TierStatus } from "./types.js";
import { createWasmKernels } from "./wasm.js";

export type { ConvKernels, Kernels, LinearKernels, OuterKernels, Tier, TierStatus } from "./types.js";
export { compileWasmKernels } from "./wasm.js";
export { NATIVE_GEMM_MIN_WORK } from "./native.js";

const loaders: Record<Tier, () => Kernels | string> = {
  native: createNativeKernels,
  openblas: createOpenblasKernels,
  wasm: createWasmKernels,
  js: () => jsKernels,
};

const DETAIL: Record<Tier, () => string> = {
  native: () => nativeDetail("native"),
  openblas: () => nativeDetail("openblas"),
  wasm: () => "WebAssembly SIMD (v128), 1 thread; TypeScript below 256 multiply-adds",
  js: () => "TypeScript loops",
};

// OpenBLAS is left out of the automatic choice: in bench/gemm.ts the native tier's AVX-512 path is within
// 8 % of it on large products (same process, same library as numpy's), faster at 256, and OpenBLAS loses on
// the tiny products that dominate training (library call overhead, thread wake-ups).
const PREFERENCE: Tier[] = ["native", "wasm", "js"];
const cache = new Map<Tier, Kernels | string>();

function load(tier: Tier): Kernels | string {
  if (!cache.has(tier)) {
    let k: Kernels | string;
    try {
      k = loaders[tier]();
    } catch (e) {
      k = e instanceof Error ? e.message : String(e);
    }
    cache.set(tier, k);
  }
  return cache.get(tier)!;
}

export function tierStatus(): TierStatus[] {
  return (Object.keys(loaders) as Tier[]).map((tier) => {
    const k = load(tier);
    return typeof k === "string" ? { tier, available: false, detail: k } : { tier, available: true, detail: DETAIL[tier]() };
  });
}

export function availableTiers(): Tier[] {
  return tierStatus().filter((s) => s.available).map((s) => s.tier);
}

export function kernelsFor(tier: Tier): Kernels {
  const k = load(tier);
  if (typeof k === "string") throw new TransferLabError("UNSUPPORTED", `kernel tier '${tier}' is not available: ${k}`, { param: "TRANSFERLAB_KERNELS" });
  return k;
}

let active: Kernels | null = null;

/** TRANSFERLAB_KERNELS, when running in Node and set to something non-empty. */
export function forcedTier(): Tier | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = proc?.env?.TRANSFERLAB_KERNELS;
  return v ? (v as Tier) : undefined;
}

/** The active kernels: forced by TRANSFERLAB_KERNELS, else the first available in preference order. */
export function kernels(): Kernels {
  if (active) return active;
  const addon = nativeAddon();
  if (typeof addon !== "string") applyGemmIsa(addon); // a bad TRANSFERLAB_GEMM_ISA is an error, not a silent other tier
  const forced = forcedTier();
  if (forced) {
    if (!Object.hasOwn(loaders, forced)) throw new TransferLabError("INVALID_PARAMETER", `unknown tier '${forced}'; use native, openblas, wasm or js`, { param: "TRANSFERLAB_KERNELS" });
    active = kernelsFor(forced);
  } else {
    active = kernelsFor(PREFERENCE.find((t) => typeof load(t) !== "string")!);
  }
  return active;
}

/** Switch the active tier (tests use this to run the same checks on every tier). */
export function useTier(tier: Tier): Kernels {
  active = kernelsFor(tier);
  return active;
}
