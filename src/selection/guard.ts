// Choosing a candidate, and the negative-transfer guard (docs/selection.md explains the rule and what it was
// measured against). The rule: the candidate with the highest score under one declared validator. The guard:
// that pick must beat source-only — and target-only when labelled target points exist — under the same
// validator by more than the uncertainty of the difference, the half-width of its 95 % interval: 1.96 standard
// errors, paired over the shared probes when both have per-sample values, else √(se₁² + se₂²). Otherwise a
// baseline is chosen, by the same evidence: target-only when it has a score (negative transfer is "worse than
// training on the target alone", DESIGN.md), unless source-only beats it by more than that uncertainty too —
// source-only is itself a transfer, so it needs the same proof as any other. A baseline the rule could not score
// (target-only with a single labelled point in some class) is not compared, and the reasons say so.
import { TransferLabError } from "../core/errors.js";
import type { ValidatorScore } from "./validators.js";
import { isScore, type ScoreOrWhyNot, type ValidatorName } from "./score.js";

export interface ScoredCandidate {
  label: string;
  /** Set for the baselines the guard compares against. */
  baseline?: "source-only" | "target-only";
  scores: Partial<Record<ValidatorName, ScoreOrWhyNot>>;
}

export interface GuardComparison { baseline: string; difference: number; uncertainty: number; paired: boolean; beats: boolean }

export interface Choice {
  rule: ValidatorName;
  /** Best under the rule, before the guard. */
  best: string;
  /** After the guard. */
  pick: string;
  guarded: boolean;
  comparisons: GuardComparison[];
  reasons: string[];
}

/** The uncertainty of a − b: paired standard error over shared probes, else the two errors combined. */
export function differenceUncertainty(a: ValidatorScore, b: ValidatorScore): { se: number; paired: boolean } {
  const za = a.perSample, zb = b.perSample;
  if (za && zb && za.length === zb.length && za.length > 1) {
    const n = za.length;
    let m = 0;
    for (let i = 0; i < n; i++) m += za[i]! - zb[i]!;
    m /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (za[i]! - zb[i]! - m) ** 2;
    return { se: Math.sqrt(ss / (n - 1) / n), paired: true };
  }
  return { se: Math.sqrt((a.se ?? 0) ** 2 + (b.se ?? 0) ** 2), paired: false };
}

const fmt = (x: number) => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3) : x.toExponential(2));

/** Standard errors in the guard's margin: 1.96, the half-width of a 95 % interval of the difference. */
export const GUARD_Z = 1.96;

export function choose(cands: readonly ScoredCandidate[], rule: ValidatorName, z = GUARD_Z): Choice {
  const scored = cands.filter((c) => isScore(c.scores[rule]));
  if (scored.length === 0) throw new TransferLabError("INVALID_PARAMETER", `no candidate has a '${rule}' score`, { param: "rule" });
  const s = (c: ScoredCandidate) => c.scores[rule] as ValidatorScore;
  let best = scored[0]!;
  for (const c of scored) if (s(c).score > s(best).score) best = c;
  const reasons = [`rule: highest ${rule}; best is ${best.label} (${fmt(s(best).score)}${s(best).se !== null ? ` ± ${fmt(s(best).se!)}` : ""})`];
  const baselines = scored.filter((c) => c.baseline);
  for (const c of cands) {
    const q = c.scores[rule];
    if (c.baseline && q && !isScore(q)) reasons.push(`${c.label} has no ${rule} score (${q.unavailable}): not compared`);
  }
  const compare = (a: ScoredCandidate, b: ScoredCandidate): GuardComparison => {
    const u = differenceUncertainty(s(a), s(b));
    const d = s(a).score - s(b).score;
    return { baseline: b.label, difference: d, uncertainty: z * u.se, paired: u.paired, beats: d > z * u.se };
  };
  const targetOnly = baselines.find((b) => b.baseline === "target-only");
  const sourceOnly = baselines.find((b) => b.baseline === "source-only");
  // The baseline to fall back to: target-only when it exists, unless source-only beats it beyond the uncertainty.
  const fallbackBaseline = (): { pick: ScoredCandidate; why: string } => {
    if (!targetOnly || !sourceOnly) return { pick: (targetOnly ?? sourceOnly ?? baselines[0])!, why: "the only baseline" };
    const c = compare(sourceOnly, targetOnly);
    return c.beats
      ? { pick: sourceOnly, why: `source-only beats target-only by ${fmt(c.difference)} > ${fmt(c.uncertainty)}` }
      : { pick: targetOnly, why: `source-only does not beat target-only beyond the uncertainty (${fmt(c.difference)} ≤ ${fmt(c.uncertainty)})` };
  };
  if (best.baseline) {
    const f = fallbackBaseline();
    reasons.push(`${best.label} is a baseline; between the baselines: ${f.why}: ${f.pick.label}`);
    return { rule, best: best.label, pick: f.pick.label, guarded: f.pick !== best, comparisons: [], reasons };
  }
  const comparisons: GuardComparison[] = baselines.map((b) => compare(best, b));
  for (const c of comparisons) {
    reasons.push(`${best.label} − ${c.baseline} = ${fmt(c.difference)} under ${rule}, uncertainty ${fmt(c.uncertainty)}${c.paired ? " (paired)" : ""}: ${c.beats ? "beats it" : "does not beat it by more than its uncertainty"}`);
  }
  if (comparisons.every((c) => c.beats)) {
    reasons.push(`guard passed: ${best.label} is chosen`);
    return { rule, best: best.label, pick: best.label, guarded: false, comparisons, reasons };
  }
  const f = fallbackBaseline();
  reasons.push(`guard: the evidence does not show ${best.label} beating ${comparisons.filter((c) => !c.beats).map((c) => c.baseline).join(" and ")}; falling back to a baseline (${f.why}): ${f.pick.label}`);
  return { rule, best: best.label, pick: f.pick.label, guarded: true, comparisons, reasons };
}
