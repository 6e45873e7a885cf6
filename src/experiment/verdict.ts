// The verdict vocabulary: the words every command uses to say what its numbers mean (in text, JSON and pages),
// defined once here so a new rule is added once and every command speaks it. Two kinds of verdict:
//  - measured, after fitting (evaluate, demo, curve): a method against a baseline —
//      positive transfer | negative transfer | no significant transfer | no meaningful transfer | no test;
//    a row that is not compared says why instead: baseline | oracle | diverged (a deep fit whose loss blew up);
//  - predicted, before fitting anything (assess): the risk of negative transfer if the source model is used
//    as-is (low | medium | high), and whether adaptation is likely to give positive transfer over the better
//    baseline (likely | unlikely | unclear).
import type { PairedComparison } from "../core/stats.js";

/** A measured verdict, the word for each outcome of one paired comparison of a method with a baseline. */
export const TRANSFER_VERDICTS = {
  /** The method is better by at least the margin, p < α. */
  positive: "positive transfer",
  /** The method is worse by at least the margin, p < α (against target-only: the field's negative transfer). */
  negative: "negative transfer",
  /** The difference is at least the margin but p ≥ α. */
  insignificant: "no significant transfer",
  /** The difference is inside the practical-equivalence margin, whatever its p. */
  withinMargin: "no meaningful transfer",
  /** No test could be made (one seed, nothing to pair). */
  untested: "no test",
} as const;

export type TransferVerdict = (typeof TRANSFER_VERDICTS)[keyof typeof TRANSFER_VERDICTS];

/**
 * The verdict of one comparison: a difference inside ±margin points is "no meaningful transfer" whatever its p;
 * outside it, a two-sided p < α says positive or negative transfer; otherwise "no significant transfer".
 * With margin 0 this is the plain significance rule (the demo's paired t-test over seeds).
 */
export function comparisonVerdict(c: { meanDiff: number; pValue: number | null }, opts: { alpha: number; margin: number }): TransferVerdict {
  const V = TRANSFER_VERDICTS;
  if (Math.abs(c.meanDiff) < opts.margin) return V.withinMargin;
  if (c.pValue === null) return V.untested;
  if (c.pValue < opts.alpha && c.meanDiff !== 0) return c.meanDiff > 0 ? V.positive : V.negative;
  return V.insignificant;
}

/** The three verdicts a test without margin can give. */
export type SignificanceVerdict = typeof TRANSFER_VERDICTS.positive | typeof TRANSFER_VERDICTS.negative | typeof TRANSFER_VERDICTS.insignificant;
export const SIGNIFICANCE_VERDICTS = [TRANSFER_VERDICTS.positive, TRANSFER_VERDICTS.negative, TRANSFER_VERDICTS.insignificant] as const;

/** The verdict of a paired t-test over seeds (demo, curve): significance alone, no margin (so never "no meaningful
 * transfer"), and a t-test always has a p-value (so never "no test"). */
export function transferVerdict(cmp: PairedComparison, alpha = 0.05): SignificanceVerdict {
  return comparisonVerdict(cmp, { alpha, margin: 0 }) as SignificanceVerdict;
}

/** Predicted: the risk of negative transfer if the source model is used as-is (assess, question 1). */
export type RiskLevel = "low" | "medium" | "high";
export const RISK_LEVELS: readonly RiskLevel[] = ["low", "medium", "high"];

/** Predicted: will adaptation give positive transfer over the better baseline (assess, question 2)? */
export type PositiveTransferOutlook = "likely" | "unlikely" | "unclear";
