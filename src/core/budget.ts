// The memory budget for O(n²) structures (kernel matrices, transport plans): one default and one set of checks,
// shared by the methods (adapt/), the measures (metrics/) and the workflows (experiment/).
import { TransferLabError } from "./errors.js";

/** Default memory budget for O(n²) structures: 2 GB. */
export const DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3;

/** Anything that may carry a budget in bytes (a FitContext, assess options, ...). */
export interface HasMemoryBudget {
  memoryBudget?: number;
}

export function memoryBudget(ctx: HasMemoryBudget): number {
  return ctx.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
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
    throw new TransferLabError("MEMORY_BUDGET", `${what} needs ${formatBytes(bytes)}, above the memory budget of ${formatBytes(budget)}`, {}, hint ?? "subsample the data or raise the budget (--memory-budget)");
  }
}

export function formatBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(1)} GB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} kB`;
  return `${b} B`;
}
