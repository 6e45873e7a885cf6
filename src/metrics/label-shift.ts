// Black-box shift estimation (Lipton, Wang & Smola, "Detecting and Correcting for Label Shift with Black Box
// Predictors", ICML 2018). Under label shift (p(x|y) fixed, p(y) changes) the confusion matrix C[i][j] =
// P_S(ŷ = i, y = j) of any fixed source classifier links the target's prediction rates μ[i] = P_T(ŷ = i) to the
// importance weights w[j] = q(y = j)/p(y = j) by C·w = μ. Solving it gives the target class priors q = w ⊙ p
// without a single target label. The classifier is trained on one half of the source and C is estimated on
// the other half.
import { countCorrect } from "./accuracy.js";
import type { Matrix } from "../core/matrix.js";
import type { LabelledDomain } from "../core/domain.js";
import type { Rng } from "../core/rng.js";
import { TransferLabError } from "../core/errors.js";
import { Matrix as MlMatrix, SingularValueDecomposition, solve } from "ml-matrix";
import { LogisticRegression } from "../estimators/index.js";
import { fitStandardizer, halves } from "./util.js";

export interface LabelShiftEstimate {
  /** Source class priors (from the held-out source half). */
  sourcePriors: number[];
  /** Estimated target class priors q̂ (non-negative, sum 1). */
  targetPriors: number[];
  /** Importance weights ŵ = q̂/p (before clipping negatives to 0). */
  weights: number[];
  /** Total variation ½Σ|q̂ − p| between estimated target and source priors. */
  shift: number;
  /** Smallest singular value of C: near 0 means the classifier cannot tell classes apart and q̂ is unreliable. */
  minSingularValue: number;
  /** Held-out accuracy of the source classifier on the source. */
  sourceAccuracy: number;
  notes: string[];
}

export function blackBoxShiftEstimation(source: LabelledDomain, targetX: Matrix, opts: { rng: Rng; numClasses?: number; C?: number }): LabelShiftEstimate {
  let maxY = -1;
  for (const v of source.y) if (v > maxY) maxY = v;
  const k = opts.numClasses ?? maxY + 1;
  if (k < 2) throw new TransferLabError("TOO_FEW_LABELS", "label-shift estimation needs at least 2 classes");
  const [a, b] = halves(source.X.rows, opts.rng);
  const std = fitStandardizer(source.X.takeRows(a));
  const clf = new LogisticRegression({ C: opts.C ?? 1, tol: 1e-5, maxIter: 500 });
  clf.fit(std.apply(source.X.takeRows(a)), Int32Array.from(a, (i) => source.y[i]!), { numClasses: k });
  const predVal = clf.predict(std.apply(source.X.takeRows(b)));
  const C = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const p = new Array<number>(k).fill(0);
  const yVal = Int32Array.from(b, (i) => source.y[i]!);
  for (let t = 0; t < b.length; t++) {
    C[predVal[t]!]![yVal[t]!]! += 1 / b.length;
    p[yVal[t]!]! += 1 / b.length;
  }
  const correct = countCorrect(predVal, yVal);
  const predT = clf.predict(std.apply(targetX));
  const mu = new Array<number>(k).fill(0);
  for (const v of predT) mu[v]! += 1 / predT.length;
  const notes: string[] = [];
  const missing = p.map((v, j) => (v === 0 ? j : -1)).filter((j) => j >= 0);
  if (missing.length) notes.push(`classes ${missing.join(", ")} are absent from the held-out source half; their target priors cannot be estimated`);
  const Cm = new MlMatrix(C);
  const minSv = Math.min(...new SingularValueDecomposition(Cm).diagonal);
  const w = solve(Cm, MlMatrix.columnVector(mu), true).to1DArray();
  const q = w.map((wj, j) => Math.max(0, wj) * p[j]!);
  const sum = q.reduce((s, v) => s + v, 0);
  const targetPriors = sum > 0 ? q.map((v) => v / sum) : p.slice();
  if (w.some((v) => v < 0)) notes.push("some estimated weights were negative (estimation noise) and were clipped to 0");
  if (minSv < 0.1 / k) notes.push("the confusion matrix is nearly singular: the source classifier confuses classes, so the prior estimate is unreliable");
  const shift = 0.5 * targetPriors.reduce((s, v, j) => s + Math.abs(v - p[j]!), 0);
  return { sourcePriors: p, targetPriors, weights: w, shift, minSingularValue: minSv, sourceAccuracy: correct / b.length, notes };
}

/** Class priors of integer labels. */
export function classPriors(y: ArrayLike<number>, k: number): number[] {
  const p = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) p[y[i]!]! += 1 / y.length;
  return p;
}
