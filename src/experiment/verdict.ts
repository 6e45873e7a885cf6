// The verdict vocabulary: the words every command uses to say what its numbers mean. One module, so a new
// rule (an equivalence margin, a different test) is added here once and every command speaks it.
//  - transfer verdicts (demo, evaluate): did a method beat a baseline, by a paired test over seeds at level α;
//  - risk levels (assess): how likely transferring as-is is to be negative transfer, before training anything.
import type { PairedComparison } from "../core/stats.js";

export type TransferVerdict = "positive transfer" | "negative transfer" | "no significant transfer";

export function transferVerdict(cmp: PairedComparison, alpha = 0.05): TransferVerdict {
  if (cmp.pValue < alpha && cmp.meanDiff > 0) return "positive transfer";
  if (cmp.pValue < alpha && cmp.meanDiff < 0) return "negative transfer";
  return "no significant transfer";
}

/** Risk of negative transfer, as `assess` reports it. */
export type RiskLevel = "low" | "medium" | "high";
