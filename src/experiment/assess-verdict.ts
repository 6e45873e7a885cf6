// The risk verdict of `assess`: from the measured evidence to a low / medium / high risk of negative transfer,
// with the reasons in words. Kept apart from the workflow (./assess.ts) so the rule can change on its own.
import type { ProxyADistance } from "../metrics/index.js";
import type { AdaptationOutlook, AssessReport, Interval } from "./assess.js";
import type { SourceModelTargetError } from "./target-error.js";
import type { RiskLevel } from "./verdict.js";

export interface VerdictInputs {
  mmdP: number;
  /** Label-free predictions of the source model's target error, or null. */
  predicted: { atc: number; doc: number } | null;
  /** Features whose KS test rejects at α/d (Bonferroni), and the number of features. */
  shiftedFeatures: number;
  features: number;
  alpha: number;
  padRbf: ProxyADistance;
  padLinear: ProxyADistance;
  labelShift: AssessReport["labelShift"];
  sourceErr: Interval | null;
  targetErrSrc: Interval | null;
  targetOnly: Interval | null;
  chance: number;
  boundTotal: number | null;
  lambda: number | null;
  exact: boolean;
  smte?: SourceModelTargetError | null;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/**
 * The verdict. With labelled target rows the deciding evidence is direct: how much worse the source-trained
 * classifier is on the target than a classifier trained on the target's own labels (cross-validated) —
 * that gap is negative transfer for naive transfer. Without target labels it rests on the input shift
 * (kernel domain classifier, MMD test) and the estimated label shift, and says so.
 */
export function decideVerdict(v: VerdictInputs): AssessReport["verdict"] {
  const reasons: string[] = [];
  const caveats: string[] = [];
  const rank: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
  let level: RiskLevel = "low";
  const raise = (to: RiskLevel) => { if (rank[to] > rank[level]) level = to; };
  const mmdSignificant = v.mmdP < v.alpha;
  const significant = mmdSignificant || v.shiftedFeatures > 0;
  const pad = v.padRbf.value;
  // Input shift.
  if (!mmdSignificant && v.shiftedFeatures > 0) {
    reasons.push(`The MMD test does not reject "same distribution" (p = ${fmtP(v.mmdP)}), but ${v.shiftedFeatures} of ${v.features} features differ significantly one at a time (Kolmogorov–Smirnov, Bonferroni-corrected); the kernel domain classifier reaches ${pct(1 - v.padRbf.epsilon)} balanced accuracy (proxy A-distance ${pad.toFixed(2)} of 2).`);
  } else if (significant) {
    reasons.push(`The inputs differ: the MMD test rejects "same distribution" (p = ${fmtP(v.mmdP)}), and a kernel classifier tells source rows from target rows with ${pct(1 - v.padRbf.epsilon)} balanced accuracy on held-out rows (proxy A-distance ${pad.toFixed(2)} of 2).`);
  } else {
    reasons.push(`No detectable input shift: the MMD test does not reject "same distribution" (p = ${fmtP(v.mmdP)}) and the kernel domain classifier is near chance (proxy A-distance ${pad.toFixed(2)} of 2).`);
  }
  if (v.targetErrSrc && v.targetOnly) {
    const gap = v.targetErrSrc.value - v.targetOnly.value;
    const sure = v.targetErrSrc.ci[0] > v.targetOnly.value;
    reasons.push(`On the labelled target rows, a classifier trained on the source errs on ${pct(v.targetErrSrc.value)} (${ciText(v.targetErrSrc.ci)}); one trained on the target labels alone errs on ${pct(v.targetOnly.value)} (cross-validated); ${v.sourceErr ? `the source error is ${pct(v.sourceErr.value)}` : "the source error is unknown"}.`);
    if (v.targetErrSrc.value >= 0.75 * v.chance && v.chance > 0 && v.targetOnly.value < 0.75 * v.chance) {
      raise("high");
      reasons.push(`The source model is close to guessing on the target (chance error ${pct(v.chance)}) while a target-only model is not: what it learned does not carry over.`);
    } else if (v.targetErrSrc.value >= 0.75 * v.chance && v.chance > 0) {
      reasons.push(`The source model and a target-only model are both close to guessing (chance error ${pct(v.chance)}): the task is hard with these features and these few labels, and transferring as-is costs little against the alternative.`);
    } else if (gap >= 0.1 && sure) {
      raise("high");
      reasons.push(`Using the source model costs ${pct(gap)} of target accuracy against learning from the target labels alone: transferring as-is would be negative transfer.`);
    } else if (gap >= 0.03 && sure) {
      raise("medium");
      reasons.push(`The source model is ${pct(gap)} worse on the target than a target-only model: some knowledge transfers, but adaptation (or weighting the source down) is needed to avoid losing accuracy.`);
    } else if (gap <= -0.03) {
      reasons.push(`The source model is ${pct(-gap)} MORE accurate on the target than a target-only model trained on these labels: transferring as-is already helps.`);
    } else {
      reasons.push("The source model is about as accurate on the target as a target-only model (within 3 points): the shift leaves the decision rule largely intact.");
    }
    // λ̂ is large on every hard task; it signals conflicting rules only when one joint classifier does clearly
    // worse than a source classifier and a target classifier separately.
    if (v.lambda !== null && v.sourceErr && v.lambda > 0.5 * v.chance && v.lambda > v.sourceErr.value + v.targetOnly.value + 0.1) {
      raise("high");
      reasons.push(`No single linear rule serves both domains (λ̂ = ${v.lambda.toFixed(2)}, against ${(v.sourceErr.value + v.targetOnly.value).toFixed(2)} for separate source and target classifiers): the domains need different decision boundaries, which no amount of input alignment fixes.`);
    }
    if (v.targetOnly.value <= v.targetErrSrc.value && significant && pad >= 1.5 && level === "low") {
      caveats.push("The inputs are strongly shifted even though the source model still works on the labelled target rows; check that those rows represent the whole target.");
    }
  } else {
    caveats.push("Without target labels this verdict rests on how different the inputs look; a shift can leave the decision rule intact (then the risk is overstated) or change it without moving the inputs much (then it is understated). A few labelled target rows make the verdict direct.");
    // The more pessimistic of the two label-free predictions: the verdict is about risk.
    const pred = v.predicted ? Math.max(v.predicted.atc, v.predicted.doc) : null;
    const predGap = pred !== null && v.sourceErr ? pred - v.sourceErr.value : null;
    const predText = v.predicted ? ` (label-free predictions of the source model's target error: ${pct(v.predicted.doc)} by its confidence drop, ${pct(v.predicted.atc)} by thresholded confidence; source error ${pct(v.sourceErr!.value)})` : "";
    if (significant && pad >= 1.5) {
      raise("high");
      reasons.push(`A classifier separates the domains almost perfectly, so a source-trained model will be applied to inputs unlike anything it saw${predText}.`);
      if (predGap !== null && predGap < 0.2) {
        caveats.push("The source model stays confident on the target, but confidence is not evidence here: models are routinely confident on inputs unlike their training data (on mnist→optdigits the confidence-based prediction is under 10 % error while the true error is over 80 %).");
      }
    } else if (predGap !== null && predGap >= 0.2) {
      raise("high");
      reasons.push(`The source model loses much of its confidence on the target${predText}: expect a large drop in accuracy.`);
    } else if (significant && pad >= 0.5) {
      raise("medium");
      reasons.push("The domains overlap only partly.");
    } else if (significant) {
      reasons.push("The shift is statistically detectable but small.");
    }
    if (v.boundTotal === null && v.sourceErr && v.sourceErr.value + Math.max(0, v.padLinear.value) / 2 >= v.chance && v.chance > 0) {
      raise("high");
      reasons.push("Even without λ, the Ben-David bound estimate exceeds the chance error, so it gives no assurance that the source model will work.");
    }
  }
  if (v.sourceErr && v.chance > 0 && v.sourceErr.value >= 0.9 * v.chance) {
    raise("high");
    reasons.push(`A classifier trained on the source is near chance on held-out source rows (error ${pct(v.sourceErr.value)}, chance ${pct(v.chance)}): the source labels are barely predictable from these features, so there is little to transfer.`);
  }
  // BBSE is only trusted when its assumptions check out (well-conditioned confusion matrix, no input shift
  // within classes: label-shift-check.ts); otherwise the estimate is not used, and the reason is given.
  const bbseReliable = v.labelShift !== null && v.labelShift.validity.reliable;
  if (v.labelShift && (v.labelShift.truePriors || bbseReliable)) {
    const tv = v.labelShift.truePriors
      ? 0.5 * v.labelShift.truePriors.reduce((s, q, j) => s + Math.abs(q - v.labelShift!.sourcePriors[j]!), 0)
      : v.labelShift.shift;
    if (tv >= 0.2) {
      raise("medium");
      reasons.push(`The class proportions change a lot between the domains (total variation ${tv.toFixed(2)}${v.labelShift.truePriors ? "" : ", estimated by black-box shift estimation, whose assumptions check out"}): a source model's priors are wrong for the target; correct them with \`--methods prior-correction\` (class weights from EM-estimated target priors).`);
    }
  } else if (v.labelShift && v.labelShift.shift >= 0.2) {
    caveats.push(`Black-box shift estimation suggests the class proportions change (total variation ${v.labelShift.shift.toFixed(2)}), but ${v.labelShift.validity.reason.replace(/^BBSE's assumptions fail, so its class-prior estimate is not to be trusted: /, "its assumptions fail: ")}; the estimate is not used.`);
  }
  if (v.boundTotal !== null) {
    if (v.boundTotal >= v.chance && v.chance > 0) {
      reasons.push(`The Ben-David bound estimate (${v.boundTotal.toFixed(2)}) is at or above the chance error (${v.chance.toFixed(2)}): theory offers no assurance here.`);
    } else {
      reasons.push(`The Ben-David bound estimate puts the source model's target error at most near ${v.boundTotal.toFixed(2)} (an estimate, see the bound section).`);
    }
  }
  if (!v.exact) caveats.push("The MMD test used the linear-time z-test (large data): it has less power than the permutation test.");
  return { sourceModel: sourceModelVerdict(v), adaptation: adaptationOutlook(v), level, reasons, caveats };
}

/** Question (1) in words: the estimate, its interval and where it comes from — or why it cannot be predicted. */
function sourceModelVerdict(v: VerdictInputs): AssessReport["verdict"]["sourceModel"] {
  const best = v.smte?.best ?? null;
  if (best) {
    return { estimate: { value: best.value, ci: best.ci }, from: best.from, text: `The source model's error on the target: ${pct(best.value)}${best.ci ? ` (95 % interval ${ciText(best.ci).replace("CI ", "")})` : ""}, from ${best.from}.` };
  }
  const why = v.smte ? v.smte.labelFree.find((p) => !p.reliable)?.reason ?? "" : "the source has no labels";
  return { estimate: null, from: "none", text: `The source model's error on the target cannot be predicted without target labels: ${why.replace(/^cannot be predicted without target labels: /, "")}. Label K target rows per class (--target-labels-per-class K, or a partly labelled target file) to measure it.` };
}

/**
 * Question (2): will an adaptation method beat the BETTER baseline by the practical margin (1 point)? Rules,
 * checked against the generator pairs and the digit pairs (README: hit rate). Adaptation recovers what the
 * shift costs: its room is the better baseline's error above the source model's own held-out error. With
 * labels both baselines are measured; without them only a reliable label-free prediction says anything.
 */
export function adaptationOutlook(v: VerdictInputs, margin = 0.01): AdaptationOutlook {
  const E = v.smte?.best?.value ?? null, S = v.sourceErr?.value ?? null, T = v.targetOnly?.value ?? null;
  if (E === null || S === null) {
    return { answer: "unclear", reasons: ["Without a trustworthy estimate of the source model's target error there is nothing to compare adaptation with; label a few target rows per class."] };
  }
  const B = T === null ? E : Math.min(E, T);
  const room = B - S;
  const better = T === null ? "the source model (target-only unknown without labels)" : T < E ? `target-only (${pct(T)} error)` : `the source model as-is (${pct(E)} error)`;
  if (room < margin) {
    return { answer: "unlikely", reasons: [`The better baseline, ${better}, is already within ${pct(margin)} of the source model's error on its own domain (${pct(S)}): the shift costs too little for adaptation to gain a meaningful amount.`] };
  }
  if (T === null) {
    return { answer: "unclear", reasons: [`The shift costs the source model ${pct(E - S)}, which adaptation could recover, but whether that beats a target-only model needs target labels.`] };
  }
  if (T < E - 0.1) {
    return { answer: "unlikely", reasons: [`A target-only model (${pct(T)} error) already beats the source model on the target (${pct(E)}) by more than 10 points: aligning to a source this far away rarely beats learning from the target labels.`] };
  }
  return { answer: "likely", reasons: [`The better baseline, ${better}, errs ${pct(room)} above the source model's error on its own domain (${pct(S)}), and the source model still carries information (${pct(E)} error, chance ${pct(v.chance)}): adaptation has room to gain.`] };
}

function fmtP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function ciText(ci: [number, number]): string {
  return `CI ${(100 * ci[0]).toFixed(1)}–${(100 * ci[1]).toFixed(1)} %`;
}
