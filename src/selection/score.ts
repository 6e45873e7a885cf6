// Scores every candidate with every validator from the predictions a runner gathered on shared probes: the
// held-out source rows (source validation, IWCV, DEV, circular), the target inputs (entropy, SND, pseudo-labels),
// MixVal's mixed target probes, and — when labelled target points exist — each labelled point predicted by a
// fit that did not see it (cv-target). Nothing here reads target-test labels: they are not among the inputs.
import { Matrix } from "../core/matrix.js";
import type { Labels } from "../core/domain.js";
import { circularValidation, dev, heldOutAccuracy, iwcv, mixvalScore, predictionEntropy, snd, type ValidatorScore } from "./validators.js";

export const VALIDATORS = ["source-val", "iwcv", "dev", "entropy", "snd", "circular", "mixval", "cv-target"] as const;
export type ValidatorName = (typeof VALIDATORS)[number];

export const VALIDATOR_DOCS: Record<ValidatorName, string> = {
  "source-val": "accuracy on held-out source rows",
  iwcv: "importance-weighted source-validation accuracy (Sugiyama et al. 2007)",
  dev: "deep embedded validation, 1 − DEV risk with control variate (You et al. 2019)",
  entropy: "minus the mean prediction entropy on the target (Morerio et al. 2018)",
  snd: "soft neighbourhood density of the target predictions (Saito et al. 2021)",
  circular: "reverse validation: 5-NN on the pseudo-labelled target, accuracy on held-out source (Zhong et al. 2010)",
  mixval: "accuracy on mixed target probes (Hu et al. 2023)",
  "cv-target": "accuracy on the labelled target points, each predicted by a fit that did not see it",
};

/** The shared probes, computed once per run. */
export interface Probes {
  sourceValX: Matrix;
  sourceValY: Labels;
  /** p_t/p_s at the held-out source rows (domain classifier). */
  weights: Float64Array;
  targetX: Matrix;
  numClasses: number;
  /** Target rows SND uses (a seeded subset: SND is O(n²)). */
  sndRows: Int32Array;
  /** MixVal's partner of each target row. */
  mixPerm: Int32Array;
  /** Labels of the labelled target points, in the order of CandidateOutputs.cvPred. */
  targetLabelledY?: Labels;
}

/** What one fitted candidate predicted on the probes. */
export interface CandidateOutputs {
  sourceValPred: Labels;
  targetPred: Labels;
  /** Target probabilities (absent when the estimator gives none, e.g. SVC without Platt scaling). */
  targetProba?: Matrix;
  mixPred: Labels;
  cvPred?: Labels;
  /** Why cvPred is absent although labelled target points exist. */
  cvWhyNot?: string;
}

export type ScoreOrWhyNot = ValidatorScore | { unavailable: string };

export function isScore(s: ScoreOrWhyNot | undefined): s is ValidatorScore {
  return s !== undefined && "score" in s;
}

export function scoreCandidate(out: CandidateOutputs, p: Probes, names: readonly ValidatorName[]): Partial<Record<ValidatorName, ScoreOrWhyNot>> {
  const r: Partial<Record<ValidatorName, ScoreOrWhyNot>> = {};
  const noProba = { unavailable: "the estimator gives no probabilities (SVC: --estimator-param probability=true, or logreg/knn/mlp)" };
  for (const v of names) {
    switch (v) {
      case "source-val": r[v] = heldOutAccuracy(out.sourceValPred, p.sourceValY); break;
      case "iwcv": r[v] = iwcv(out.sourceValPred, p.sourceValY, p.weights); break;
      case "dev": { const { eta: _eta, ...s } = dev(out.sourceValPred, p.sourceValY, p.weights); r[v] = s; break; }
      case "entropy": r[v] = out.targetProba ? predictionEntropy(out.targetProba) : noProba; break;
      case "snd": r[v] = out.targetProba ? snd(out.targetProba.takeRows(p.sndRows)) : noProba; break;
      case "circular": r[v] = circularValidation(p.targetX, out.targetPred, p.sourceValX, p.sourceValY, p.numClasses); break;
      case "mixval": { const { intra: _a, inter: _b, ...s } = mixvalScore(out.targetPred, p.mixPerm, out.mixPred); r[v] = s; break; }
      case "cv-target":
        r[v] = out.cvPred && p.targetLabelledY && p.targetLabelledY.length > 0 ? heldOutAccuracy(out.cvPred, p.targetLabelledY) : { unavailable: out.cvWhyNot ?? "no labelled target points" };
        break;
    }
  }
  return r;
}
