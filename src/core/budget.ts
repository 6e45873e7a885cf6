// The memory budget for O(n²) structures (kernel matrices, transport plans): one default and one set of checks,
// shared by the methods (adapt/), the measures (metrics/) and the workflows (experiment/).
import { TransferLabError } from "./errors.js";

/** Default memory budget for O(n²) structures: 2 GB. */
export const DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3;

/** Anything that may carry a budget in bytes (a FitContext, assess options, ...). */
export interface HasMemoryBudget {
  memoryBudget?: number;
}

/** The budget in force: the one asked for (default 2 GB), capped by the machine's memory — a budget the machine
 *  cannot give (--memory-budget 1TB on a 23 GB machine) would only move the failure to an allocation error. */
export function memoryBudget(ctx: HasMemoryBudget): number {
  return Math.min(ctx.memoryBudget ?? DEFAULT_MEMORY_BUDGET, machineMemory());
}

let machine: number | undefined;
/** Physical memory in bytes (Node: os.totalmem(); browsers: navigator.deviceMemory when given; else unbounded). */
export function machineMemory(): number {
  if (machine !== undefined) return machine;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("node:os") as { totalmem(): number } | undefined;
  const nav = (globalThis as { navigator?: { deviceMemory?: number } }).navigator;
  machine = os ? os.totalmem() : nav?.deviceMemory ? nav.deviceMemory * 1024 ** 3 : Infinity;
  return machine;
}

/** Bytes of a dense rows×cols array of `bytesPerEntry`-byte numbers (8 = Float64, 4 = Float32). */
export function denseBytes(rows: number, cols: number, bytesPerEntry = 8): number {
  return rows * cols * bytesPerEntry;
}

/** True when `bytes` fits the budget; methods use this to choose between exact and approximate algorithms. */
export function fitsBudget(ctx: HasMemoryBudget, bytes: number): boolean {
  return bytes <= memoryBudget(ctx);
}

/** Throws MEMORY_BUDGET with a clear message when `bytes` exceeds the budget. */
export function requireBudget(ctx: HasMemoryBudget, bytes: number, what: string, hint?: string): void {
  const budget = memoryBudget(ctx);
  if (bytes > budget) {
    const capped = (ctx.memoryBudget ?? DEFAULT_MEMORY_BUDGET) > budget ? " (capped at the machine's memory)" : "";
    throw new TransferLabError("MEMORY_BUDGET", `${what} needs ${formatBytes(bytes)}, above the memory budget of ${formatBytes(budget)}${capped}`, { param: "memoryBudget" }, hint ?? "subsample the data or raise the budget (--memory-budget)");
  }
}

export function formatBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(1)} GB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} kB`;
  return `${b} B`;
}
