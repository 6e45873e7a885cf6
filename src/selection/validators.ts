// Validators: label-free (or few-label) estimates of how well a fitted candidate does on the target, each the
// published definition, computed from pieces the selection runner gathers once (predictions, probabilities,
// importance weights). Every validator returns a score (higher is better) and, where one exists, its standard
// error; `perSample` holds values whose mean is the score, on probes shared by every candidate (the same
// source-validation rows or target rows), so the guard can compare two candidates by a paired difference.
// test/fixtures/selection/make_validators.py is a numpy mirror of these definitions (agreement 1e-6).
import { Matrix } from "../core/matrix.js";
import { TransferLabError } from "../core/errors.js";
import type { Labels } from "../core/domain.js";
import { KnnClassifier } from "../estimators/index.js";

export interface ValidatorScore {
  /** Higher is better. Accuracy-like validators are in [0, 1]. */
  score: number;
  /** Standard error of the score; null when the validator has none. */
  se: number | null;
  /** Values on shared probes whose mean is `score` (absent when the probes depend on the candidate). */
  perSample?: Float64Array;
}

/** Mean and standard error (sd with ddof 1 over √n) of per-sample values. */
export function meanScore(z: Float64Array): ValidatorScore {
  const n = z.length;
  if (n === 0) throw new TransferLabError("EMPTY_DOMAIN", "a validator got no probe points");
  let m = 0;
  for (const v of z) m += v;
  m /= n;
  let ss = 0;
  for (const v of z) ss += (v - m) ** 2;
  return { score: m, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) : null, perSample: z };
}

function correctness(pred: Labels, y: Labels): Float64Array {
  if (pred.length !== y.length) throw new TransferLabError("SHAPE_MISMATCH", `${pred.length} predictions for ${y.length} labels`);
  return Float64Array.from(pred, (p, i) => (p === y[i] ? 1 : 0));
}

/** Accuracy on held-out labelled points: source validation accuracy (the candidate never trained on those
 * source rows), or cross-validated accuracy on the labelled target points. */
export function heldOutAccuracy(pred: Labels, y: Labels): ValidatorScore {
  return meanScore(correctness(pred, y));
}

/** Importance weights w(x) = p_t(x)/p_s(x) = (n_s/n_t)·P(target|x)/P(source|x) from a domain classifier's
 * probability of "target" at each source-validation point (Bickel et al. 2007; the density ratio of IWCV). */
export function domainClassifierWeights(pTarget: ArrayLike<number>, nSource: number, nTarget: number): Float64Array {
  return Float64Array.from({ length: pTarget.length }, (_, i) => {
    const p = Math.min(Math.max(pTarget[i]!, 1e-12), 1 - 1e-12);
    return ((nSource / nTarget) * p) / (1 - p);
  });
}

/** IWCV — Sugiyama, Krauledat & Müller, "Covariate Shift Adaptation by Importance Weighted Cross Validation",
 * JMLR 2007: source-validation accuracy with each point weighted by p_t(x)/p_s(x), self-normalised
 * (Σ w_i c_i / Σ w_i). perSample z_i = n·w_i·c_i/Σw. */
export function iwcv(pred: Labels, y: Labels, w: Float64Array): ValidatorScore {
  const c = correctness(pred, y);
  const n = c.length;
  let sw = 0;
  for (const v of w) sw += v;
  if (!(sw > 0)) throw new TransferLabError("INVALID_PARAMETER", "IWCV: the importance weights sum to 0");
  return meanScore(Float64Array.from(c, (ci, i) => (n * w[i]! * ci) / sw));
}

/** DEV — You, Wang, Long & Jordan, "Towards Accurate Model Selection in Deep Unsupervised Domain Adaptation",
 * ICML 2019, Alg. 1: weighted loss L_i = w_i·ℓ_i on source validation, control variate η = −Cov(L, w)/Var(w)
 * (ddof 1), risk R = mean(L) + η·mean(w) − η. Here ℓ is the 0-1 loss, so the score 1 − R estimates target
 * accuracy. R is the least-squares line of L on w evaluated at w = 1, i.e. R = Σ h_i·L_i with
 * h_i = 1/n + (w_i − w̄)(1 − w̄)/Σ(w_j − w̄)², so perSample z_i = 1 − n·h_i·L_i (mean 1 − R): its spread carries
 * the uncertainty of η, which is large when a few weights dominate (domains that barely overlap). Treating η as
 * known (z_i = 1 − (L_i + η·w_i − η)) gave near-zero standard errors exactly there: on optdigits→mnist, with an
 * effective sample size of the weights of 8 of 359 rows, the guard passed candidates on that evidence. */
export function dev(pred: Labels, y: Labels, w: Float64Array): ValidatorScore & { eta: number } {
  const c = correctness(pred, y);
  const n = c.length;
  const L = Float64Array.from(c, (ci, i) => w[i]! * (1 - ci));
  let mL = 0, mW = 0;
  for (let i = 0; i < n; i++) { mL += L[i]!; mW += w[i]!; }
  mL /= n; mW /= n;
  let cov = 0, sww = 0;
  for (let i = 0; i < n; i++) { cov += (L[i]! - mL) * (w[i]! - mW); sww += (w[i]! - mW) ** 2; }
  const eta = sww > 0 ? -cov / sww : 0; // the ddof cancels in the ratio
  const z = Float64Array.from(L, (l, i) => 1 - n * (1 / n + (sww > 0 ? ((w[i]! - mW) * (1 - mW)) / sww : 0)) * l);
  return { ...meanScore(z), eta };
}

function rowEntropy(p: Float32Array | Float64Array, from: number, to: number): number {
  let h = 0;
  for (let j = from; j < to; j++) { const v = p[j]!; if (v > 0) h -= v * Math.log(v); }
  return h;
}

/** Prediction entropy — Morerio, Cavazza & Murino, "Minimal-Entropy Correlation Alignment for Unsupervised
 * Deep Domain Adaptation", ICLR 2018: minus the mean Shannon entropy (nats) of the predicted class
 * probabilities on the target inputs (confident is better). */
export function predictionEntropy(P: Matrix): ValidatorScore {
  const k = P.cols;
  return meanScore(Float64Array.from({ length: P.rows }, (_, i) => -rowEntropy(P.data, i * k, (i + 1) * k)));
}

/** SND — Saito, Kim, Teterwak, Sclaroff, Darrell & Saenko, "Tune it the Right Way: Unsupervised Validation of
 * Domain Adaptation via Soft Neighborhood Density", ICCV 2021: L2-normalise each target point's predicted
 * probabilities, similarities s_ij = ⟨p_i, p_j⟩/T for j ≠ i (self masked out), softmax over j, and the mean
 * entropy of those rows (higher = denser neighbourhoods). T = 0.05 as in the paper. */
export function snd(P: Matrix, T = 0.05): ValidatorScore {
  const n = P.rows, k = P.cols;
  if (n < 2) throw new TransferLabError("EMPTY_DOMAIN", "SND needs at least two target points");
  const F = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += P.data[i * k + c]! ** 2;
    const norm = Math.sqrt(s) || 1;
    for (let c = 0; c < k; c++) F[i * k + c] = P.data[i * k + c]! / norm;
  }
  const z = new Float64Array(n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let d = 0;
      for (let c = 0; c < k; c++) d += F[i * k + c]! * F[j * k + c]!;
      row[j] = d / T;
      if (row[j]! > max) max = row[j]!;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) if (j !== i) sum += Math.exp(row[j]! - max);
    // Entropy of softmax: log Σe^{a_j} − Σ q_j a_j, computed stably.
    let h = 0;
    const logSum = Math.log(sum) + max;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const q = Math.exp(row[j]! - logSum);
      if (q > 0) h -= q * (row[j]! - logSum);
    }
    z[i] = h;
  }
  return meanScore(z);
}

/** Circular (reverse) validation — Zhong, Fan, Yang, Verscheure & Ren, "Cross Validation Framework to Choose
 * amongst Models and Datasets for Transfer Learning", ECML PKDD 2010: label the target with the candidate,
 * train a reverse classifier on the pseudo-labelled target, score it on held-out labelled source points. The
 * reverse classifier is k-NN (k 5): no training, deterministic, and cheap next to refitting the method. */
export function circularValidation(targetX: Matrix, pseudo: Labels, sourceValX: Matrix, sourceValY: Labels, numClasses: number, k = 5): ValidatorScore {
  const knn = new KnnClassifier({ k });
  knn.fit(targetX, pseudo, { numClasses });
  return heldOutAccuracy(knn.predict(sourceValX), sourceValY);
}

/** MixVal — Hu, Liang, Liew, Xue, Bai & Wang, "Mixed Samples as Probes for Unsupervised Model Selection in
 * Domain Adaptation", NeurIPS 2023: mix each target point with a partner, x̃ = λ·x_i + (1 − λ)·x_π(i)
 * (λ = 0.55, so x_i dominates), label x̃ with x_i's pseudo-label, and score the candidate's accuracy on the
 * probes, separately for intra-cluster pairs (same pseudo-label) and inter-cluster pairs; the score is the
 * mean of the two accuracies. The probes depend on the candidate's pseudo-labels: no paired perSample. */
export function mixval(X: Matrix, pseudo: Labels, perm: Int32Array, predict: (X: Matrix) => Labels, lambda = 0.55): MixvalScore {
  return mixvalScore(pseudo, perm, predict(mixProbes(X, perm, lambda)));
}

export type MixvalScore = ValidatorScore & { intra: number; inter: number };

/** MixVal's probe inputs λ·x_i + (1 − λ)·x_π(i): they do not depend on the candidate, so a runner mixes once. */
export function mixProbes(X: Matrix, perm: Int32Array, lambda = 0.55): Matrix {
  const n = X.rows, d = X.cols;
  if (perm.length !== n) throw new TransferLabError("SHAPE_MISMATCH", `MixVal: permutation of ${perm.length} for ${n} points`);
  const mixed = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    const a = i * d, b = perm[i]! * d;
    for (let j = 0; j < d; j++) mixed.data[a + j] = lambda * X.data[a + j]! + (1 - lambda) * X.data[b + j]!;
  }
  return mixed;
}

/** MixVal's score from the candidate's pseudo-labels and its predictions on the probes. */
export function mixvalScore(pseudo: Labels, perm: Int32Array, pred: Labels): MixvalScore {
  const n = pseudo.length;
  const same: number[] = [], diff: number[] = [];
  for (let i = 0; i < n; i++) (pseudo[i] === pseudo[perm[i]!] ? same : diff).push(pred[i] === pseudo[i] ? 1 : 0);
  const part = (xs: number[]) => (xs.length ? meanScore(Float64Array.from(xs)) : null);
  const s = part(same), t = part(diff);
  const parts = [s, t].filter((x): x is ValidatorScore => x !== null);
  const score = parts.reduce((a, p) => a + p.score, 0) / parts.length;
  const se = parts.every((p) => p.se !== null) ? Math.sqrt(parts.reduce((a, p) => a + p.se! ** 2, 0)) / parts.length : null;
  return { score, se, intra: s?.score ?? NaN, inter: t?.score ?? NaN };
}
