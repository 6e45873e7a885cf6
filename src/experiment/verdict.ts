// The verdict vocabulary: the words every command uses to say what its numbers mean, in one module, so a new
// rule is added here once and every command speaks it.
//  - comparison verdicts (evaluate, curve): a method against a baseline on per-example correctness (./compare.ts),
//    with a practical-equivalence margin: gain / harm / no meaningful change / no significant change / no test;
//  - transfer verdicts (demo, results.json v1): the same question by a paired t-test over seeds, in the field's
//    words: positive transfer (= gain) / negative transfer (= harm) / no significant transfer;
//  - risk levels (assess): how likely transferring as-is is to be negative transfer, before training anything.
import type { PairedComparison } from "../core/stats.js";

export type ComparisonVerdict = "gain" | "harm" | "no meaningful change" | "no significant change" | "no test";

/**
 * The verdict of one comparison: a difference inside ±margin points is "no meaningful change" whatever its p;
 * outside it, a two-sided p < α says "gain" or "harm"; otherwise "no significant change".
 */
export function comparisonVerdict(c: { meanDiff: number; pValue: number | null }, opts: { alpha: number; margin: number }): ComparisonVerdict {
  if (Math.abs(c.meanDiff) < opts.margin) return "no meaningful change";
  if (c.pValue === null) return "no test";
  if (c.pValue < opts.alpha) return c.meanDiff > 0 ? "gain" : "harm";
  return "no significant change";
}

/** The demo's words for a paired t-test over seeds (results.json v1). */
export type TransferVerdict = "positive transfer" | "negative transfer" | "no significant transfer";

export function transferVerdict(cmp: PairedComparison, alpha = 0.05): TransferVerdict {
  if (cmp.pValue < alpha && cmp.meanDiff > 0) return "positive transfer";
  if (cmp.pValue < alpha && cmp.meanDiff < 0) return "negative transfer";
  return "no significant transfer";
}

/** Risk of negative transfer, as `assess` reports it. */
export type RiskLevel = "low" | "medium" | "high";
