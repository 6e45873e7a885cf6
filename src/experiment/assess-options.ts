// assess's boundary: options parsed strictly, the two domains checked (labels one per row; a target may be partly
// labelled, −1 marking its unlabelled rows), and the memory of its d×d parts estimated before any work.
import type { Progress } from "../core/progress.js";
import { z } from "zod";
import { TransferLabError } from "../core/errors.js";
import { bytesSchema, checkDomainArg, parseArgs, fnSchema, positiveInt, seedSchema, signalSchema } from "../core/args.js";
import { denseBytes, formatBytes, memoryBudget } from "../core/budget.js";
import type { Domain } from "../core/domain.js";

export const assessOptionsSchema = z.strictObject({
  seed: seedSchema.optional(),
  permutations: positiveInt.max(100_000).optional(),
  memoryBudget: bytesSchema.optional(),
  rffFeatures: positiveInt.max(65_536).optional(),
  projections: positiveInt.max(65_536).optional(),
  forceApproximate: z.boolean().optional(),
  alpha: z.number().gt(0).lt(1).optional(),
  targetLabelsPerClass: positiveInt.optional(),
  progress: fnSchema<Progress>().optional(),
  signal: signalSchema.optional(),
});

export function parseAssessArgs(source: unknown, target: unknown, options: unknown): z.output<typeof assessOptionsSchema> {
  checkDomainArg(source, "source", "optional");
  checkDomainArg(target, "target", "partial");
  const s = source as Domain, t = target as Domain;
  if (s.X.cols !== t.X.cols) {
    throw new TransferLabError("FEATURE_MISMATCH", `source '${s.name}' has ${s.X.cols} features but target '${t.name}' has ${t.X.cols}`, {}, "both domains must describe rows with the same features");
  }
  return parseArgs(assessOptionsSchema, options ?? {}, "assess");
}

/** The transferability scores (LogME, H-score) eigendecompose d×d matrices held as arrays of arrays (≈ 4 d×d float64
 *  copies at once): true when they fit the budget, else the caller skips them and says so. */
export function transferabilityFits(d: number, ctx: { memoryBudget?: number }, notes: string[]): boolean {
  const need = 4 * denseBytes(d, d);
  if (need <= memoryBudget(ctx)) return true;
  notes.push(`transferability scores (LogME, H-score) skipped: their ${d}×${d} covariances and eigendecompositions need ≈ ${formatBytes(need)}, above the memory budget of ${formatBytes(memoryBudget(ctx))}`);
  return false;
}
