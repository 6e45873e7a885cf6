// `assess`: will transfer from a source domain help a target domain? Divergences with uncertainty, the
// per-feature shift ranking, label shift, transferability scores, the Ben-David bound estimate, and a
// low / medium / high verdict on the risk of negative transfer with its reasons — all before training anything.
//
// Scale: the exact kernel statistics (pooled N×N kernel matrix, permutation test) are used while their memory
// fits `memoryBudget` (default 2 GB); above it the linear-time and random-feature estimators replace them and
// the report says so. Every other part works on bounded random subsets when the domains are large (noted).
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import type { Domain, LabelledDomain } from "../core/domain.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import { argmaxRows } from "../engine/ops/reduce.js";
import { LogisticRegression } from "../estimators/logreg.js";
import {
  medianBandwidth, medianKernel, mixtureKernel, mmdLinear, mmdRff, drawRff, mmdPermutationTest, exactTestBytes,
  type MmdEstimates, type LinearMmd, type RffMmd,
} from "../metrics/mmd.js";
import { proxyADistance, type ProxyADistance } from "../metrics/proxy-a-distance.js";
import { coralDistance } from "../metrics/coral.js";
import { slicedWasserstein, perFeatureShift, type FeatureShift } from "../metrics/wasserstein.js";
import { blackBoxShiftEstimation, classPriors, type LabelShiftEstimate } from "../metrics/label-shift.js";
import { logME, leep, hScore } from "../metrics/transferability.js";
import { checkLabelShift, type LabelShiftValidity } from "../metrics/label-shift-check.js";
import { drawLabelled } from "../data/protocol-split.js";
import { labelledTargetError, sourceModelTargetError, type SourceModelTargetError } from "./target-error.js";
import { fitStandardizer, halves, subsampleRows } from "../metrics/util.js";
import { DEFAULT_MEMORY_BUDGET } from "../core/budget.js";
import { wilson } from "../core/stats.js";
import { countCorrect } from "../metrics/accuracy.js";

import type { RiskLevel } from "./verdict.js";
export type { RiskLevel };

export interface AssessOptions {
  seed?: number;
  /** Permutations of the exact MMD test (default 500). */
  permutations?: number;
  /** Bytes allowed for the O(N²) kernel structures (default 2 GB). */
  memoryBudget?: number;
  /** Random Fourier features for the approximate MMD² (default 512). */
  rffFeatures?: number;
  /** Random directions of the sliced Wasserstein distance (default 128). */
  projections?: number;
  /** Force the scalable estimators even when the exact ones fit. */
  forceApproximate?: boolean;
  /** Significance level for the tests and intervals (default 0.05). */
  alpha?: number;
  /** Use only K labelled target rows per class (stratified, seeded) of a labelled target; the other labels are
   *  used only to check the estimate (`transfer.truthForChecking`). Without it every labelled row is used. */
  targetLabelsPerClass?: number;
  progress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export interface Interval {
  value: number;
  ci: [number, number];
}

export interface AssessReport {
  schema: "transferlab.assess/1";
  seed: number;
  source: DomainSummary;
  target: DomainSummary;
  scale: { mode: "exact" | "approximate"; memoryBudget: number; exactBytes: number; notes: string[] };
  mmd: {
    bandwidth: number;
    mixtureBandwidths: number[];
    /** Exact estimators (null in approximate mode). */
    median: MmdEstimates | null;
    mixture: MmdEstimates | null;
    linear: { median: LinearMmd; mixture: LinearMmd };
    rff: { features: number; median: RffMmd; mixture: RffMmd };
    test: { kind: "permutation" | "linear-time z-test"; kernel: "mixture"; statistic: number; pValue: number; permutations?: number; nullMean?: number; nullSd?: number };
    notes: string[];
  };
  proxyADistance: { linear: ProxyADistance; rbf: ProxyADistance };
  coral: { value: number; sameDomainReference: number };
  slicedWasserstein: { value: number; se: number; projections: number; sameDomainReference: number };
  featureShift: FeatureShift[];
  labelShift: (LabelShiftEstimate & { truePriors: number[] | null; maxAbsError: number | null; validity: LabelShiftValidity }) | null;
  transfer: {
    chanceError: number;
    /** Held-out source error of the linear source classifier; null when the source has no labels. */
    sourceError: Interval | null;
    /** Error of the source-trained classifier on the labelled target rows. */
    targetErrorOfSourceModel: Interval | null;
    /** Cross-validated error of a classifier trained on the labelled target rows alone. */
    targetOnlyError: Interval | null;
    /**
     * Label-free predictions of the source model's target error from its confidence (ATC and DoC, see
     * predictTargetError): estimates that assume confidence still tracks correctness on the target; null without
     * source labels.
     */
    predictedTargetError: { atc: number; doc: number } | null;
    /** Question (1): the source model's target error — from labelled rows with an interval, else label-free
     *  predictions gated by validity checks (reliable: true|false and a reason). */
    sourceModelTargetError: SourceModelTargetError | null;
    /** Which target rows carried labels: all, a random part (partly labelled file), K per class, or none. */
    targetLabels: { rows: number; sampling: "random" | "stratified" | "none" };
    /** With --target-labels-per-class on a fully labelled target: the source model's error on EVERY target row,
     *  for checking the estimate only (never used by the verdict). */
    truthForChecking: number | null;
  };
  transferability: { logME: number; leep: number; hScore: number; rows: number } | null;
  bound: {
    estimate: true;
    sourceError: number | null;
    halfDivergence: number;
    lambda: number | null;
    total: number | null;
    divergenceFrom: "linear domain classifier";
    meaning: string[];
  };
  verdict: {
    /** Question (1): what error will the source model make on the target? */
    sourceModel: { estimate: { value: number; ci: [number, number] | null } | null; from: string; text: string };
    /** Question (2): is adaptation likely to beat the better of source-only and target-only by the margin? */
    adaptation: AdaptationOutlook;
    /** Risk that transferring the source model as-is is negative transfer, with the reasons. */
    level: RiskLevel; reasons: string[]; caveats: string[];
  };
  notes: string[];
}

export interface AdaptationOutlook {
  answer: "likely" | "unlikely" | "unclear";
  reasons: string[];
}

export interface DomainSummary {
  name: string;
  rows: number;
  features: number;
  labelled: boolean;
  classes: number;
  classCounts: number[] | null;
}

const GB = 2 ** 30;
/** Row caps for the parts that do not need every row (each is a random subset, noted when applied). */
const CAPS = { rff: 50_000, coralReference: 100_000, domainClassifier: 5000, featureShift: 100_000, sliced: 20_000, classifier: 20_000, targetScoring: 100_000, targetLabelled: 5000 } as const;

function summarize(d: Domain, k: number): DomainSummary {
  return {
    name: d.name, rows: d.X.rows, features: d.X.cols, labelled: d.y !== undefined, classes: k,
    classCounts: d.y ? countClasses(d.y, k) : null,
  };
}

/** Rows per class; unlabelled rows (−1, a partly labelled file) are not counted. */
function countClasses(y: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) if (y[i]! >= 0) c[y[i]!]!++;
  return c;
}

/** Largest label (a loop: spreading a million labels into Math.max overflows the call stack). */
export function maxLabel(y: ArrayLike<number>): number {
  let k = -1;
  for (let i = 0; i < y.length; i++) if (y[i]! > k) k = y[i]!;
  return k;
}

const errorsOf = (pred: Int32Array, y: ArrayLike<number>): number => pred.length - countCorrect(pred, y);

function takeLabels(y: Int32Array, idx: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: idx.length }, (_, t) => y[idx[t]!]!);
}

/** A standardised logistic-regression classifier: the "h" of the bound and the source model of LEEP/BBSE. */
function fitClassifier(X: Matrix, y: Int32Array, k: number): { predict(A: Matrix): Int32Array; proba(A: Matrix): Matrix } {
  const std = fitStandardizer(X);
  const lr = new LogisticRegression({ C: 1, tol: 1e-4, maxIter: 300 });
  lr.fit(std.apply(X), y, { numClasses: k });
  return { predict: (A) => lr.predict(std.apply(A)), proba: (A) => lr.predictProba(std.apply(A)) };
}

/** k-fold cross-validated error of the target-only classifier (stratified by a seeded shuffle). */
function crossValidatedError(X: Matrix, y: Int32Array, k: number, rng: Rng, folds = 5): { errors: number; n: number } {
  const n = X.rows;
  const f = Math.max(2, Math.min(folds, Math.floor(n / 2)));
  // Deal each class's shuffled rows round-robin into folds, so every fold sees every class when it can.
  const fold = new Int32Array(n);
  const order = rng.permutation(n);
  const seen = new Int32Array(k);
  for (const i of order) fold[i] = seen[y[i]!]!++ % f;
  let errors = 0;
  for (let q = 0; q < f; q++) {
    const tr: number[] = [], te: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === q ? te : tr).push(i);
    if (te.length === 0) continue;
    const ytr = takeLabels(y, tr);
    const present = new Set(ytr);
    if (present.size < 2) {
      // A single training class: predict it (the honest target-only answer with so few labels).
      const only = ytr[0] ?? 0;
      for (const i of te) if (y[i] !== only) errors++;
      continue;
    }
    const clf = fitClassifier(X.takeRows(tr), ytr, k);
    errors += errorsOf(clf.predict(X.takeRows(te)), takeLabels(y, te));
  }
  return { errors, n };
}

export async function assess(source: Domain, target: Domain, opts: AssessOptions = {}): Promise<AssessReport> {
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const alpha = opts.alpha ?? 0.05;
  const level = 1 - alpha;
  const budget = opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  if (!(budget > 0)) throw invalidParam("memoryBudget", `must be a positive number of bytes, got ${budget}`);
  const P = opts.permutations ?? 500;
  if (source.X.cols !== target.X.cols) {
    throw new TransferLabError("FEATURE_MISMATCH", `source '${source.name}' has ${source.X.cols} features but target '${target.name}' has ${target.X.cols}`, {}, "both domains must describe rows with the same features");
  }
  if (source.X.rows < 4 || target.X.rows < 4) throw new TransferLabError("EMPTY_DOMAIN", `assess needs at least 4 rows per domain, got ${source.X.rows} and ${target.X.rows}`);
  assertFinite(source.X, `source '${source.name}'`);
  assertFinite(target.X, `target '${target.name}'`);
  const progress = (f: number, msg: string) => {
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "assess was aborted");
    opts.progress?.(f, msg);
  };
  const notes: string[] = [];
  const k = Math.max(source.classNames?.length ?? 0, target.classNames?.length ?? 0,
    source.y ? maxLabel(source.y) + 1 : 0, target.y ? maxLabel(target.y) + 1 : 0);
  const X = source.X, Y = target.X;
  const n = X.rows, m = Y.rows, N = n + m;

  // ---- Divergences: MMD² ------------------------------------------------------------------------------
  progress(0.02, "bandwidth (median heuristic)");
  const sigma = medianBandwidth(X, Y, rng.fork("bandwidth"));
  const kMed = medianKernel(sigma), kMix = mixtureKernel(sigma);
  const exactBytes = exactTestBytes(N, Math.min(P, 127));
  const exact = !opts.forceApproximate && exactBytes <= budget;
  const scaleNotes: string[] = [];
  if (!exact) {
    scaleNotes.push(opts.forceApproximate
      ? "the scalable estimators were requested (--approximate)"
      : `the exact kernel statistics would need ${(exactBytes / GB).toFixed(2)} GB for the ${N}×${N} pooled kernel matrix, over the ${(budget / GB).toFixed(2)} GB budget: MMD² uses the linear-time and random-Fourier-feature estimators and the linear-time z-test instead of the permutation test`);
  }
  // The linear-time estimator pairs rows in order; shuffle so a sorted file does not bias it.
  const order = { x: rng.fork("linX").permutation(n), y: rng.fork("linY").permutation(m) };
  const linear = { median: mmdLinear(X, Y, kMed, order), mixture: mmdLinear(X, Y, kMix, order) };
  progress(0.08, "random-feature MMD²");
  const D = opts.rffFeatures ?? 512;
  const rffRng = rng.fork("rff");
  const rx = subsampleRows(X, CAPS.rff, rffRng), ry = subsampleRows(Y, CAPS.rff, rffRng);
  if (rx.idx || ry.idx) notes.push(`random-feature MMD² used a random subset of ${CAPS.rff} rows per domain (the linear-time estimator and its test use every row)`);
  const rff = {
    features: D,
    median: mmdRff(rx.X, ry.X, drawRff(kMed, X.cols, D, rffRng)),
    mixture: mmdRff(rx.X, ry.X, drawRff(kMix, X.cols, Math.ceil(D / 5) * 5, rffRng)),
  };
  let median: MmdEstimates | null = null, mixture: MmdEstimates | null = null;
  let test: AssessReport["mmd"]["test"];
  if (exact) {
    progress(0.15, `exact MMD² and permutation test (${P} permutations, one ${N}×${N} kernel matrix)`);
    const pt = mmdPermutationTest(X, Y, kMix, { permutations: P, rng: rng.fork("perm"), memoryBudget: budget, alsoEstimate: [kMed, kMix], signal: opts.signal });
    [median, mixture] = pt.estimates as [MmdEstimates, MmdEstimates];
    test = { kind: "permutation", kernel: "mixture", statistic: pt.statistic, pValue: pt.pValue, permutations: P, nullMean: pt.nullMean, nullSd: pt.nullSd };
  } else {
    test = { kind: "linear-time z-test", kernel: "mixture", statistic: linear.mixture.estimate, pValue: linear.mixture.pValue };
  }
  const mmdNotes: string[] = [];
  const negatives = [
    ["unbiased (median σ)", median?.unbiased], ["unbiased (mixture)", mixture?.unbiased],
    ["linear-time (median σ)", linear.median.estimate], ["linear-time (mixture)", linear.mixture.estimate],
    ["random-feature unbiased (median σ)", rff.median.unbiased],
  ].filter(([, v]) => typeof v === "number" && (v as number) < 0).map(([name]) => name as string);
  if (negatives.length) {
    mmdNotes.push(`negative estimates (${negatives.join(", ")}) are expected, not a bug: the unbiased and linear-time estimators subtract the similarity between distinct rows, so when the domains look alike they scatter around 0 and fall below it about half the time. MMD² itself is never negative; read a negative value as "no detectable difference at this sample size".`);
  }

  // ---- Proxy A-distance, CORAL, sliced Wasserstein, per-feature shift -----------------------------------
  progress(0.55, "domain classifiers (proxy A-distance)");
  const padLinear = proxyADistance(X, Y, { rng: rng.fork("pad-linear"), features: "linear", maxPerDomain: CAPS.domainClassifier, level });
  const padRbf = proxyADistance(X, Y, { rng: rng.fork("pad-rbf"), features: "rbf", maxPerDomain: CAPS.domainClassifier, level });
  progress(0.7, "CORAL and sliced Wasserstein distances");
  // Same-domain references: the statistic between two random halves of the source, rescaled where the
  // statistic's sampling noise has a known size dependence (CORAL: ∝ 1/n₁ + 1/n₂).
  const coral = coralDistance(X, Y);
  const refRng = rng.fork("halves");
  const cr = subsampleRows(X, CAPS.coralReference, refRng);
  const [ha, hb] = halves(cr.X.rows, refRng);
  const coralRef = coralDistance(cr.X.takeRows(ha), cr.X.takeRows(hb)) * ((1 / n + 1 / m) / (1 / ha.length + 1 / hb.length));
  const swRng = rng.fork("sliced");
  const xs = subsampleRows(X, CAPS.sliced, swRng), ys = subsampleRows(Y, CAPS.sliced, swRng);
  if (xs.idx || ys.idx) notes.push(`sliced Wasserstein used a random subset of ${CAPS.sliced} rows per domain`);
  const sw = slicedWasserstein(xs.X, ys.X, { rng: swRng.fork("dirs"), projections: opts.projections ?? 128 });
  const [sa, sb] = halves(xs.X.rows, swRng);
  const swRef = slicedWasserstein(xs.X.takeRows(sa), xs.X.takeRows(sb), { rng: swRng.fork("dirs-ref"), projections: opts.projections ?? 128 }).value;
  progress(0.78, "per-feature KS and Wasserstein-1");
  const fsRng = rng.fork("features");
  const fx = subsampleRows(X, CAPS.featureShift, fsRng), fy = subsampleRows(Y, CAPS.featureShift, fsRng);
  if (fx.idx || fy.idx) notes.push(`per-feature statistics used a random subset of ${CAPS.featureShift} rows per domain`);
  const featureShift = perFeatureShift(fx.X, fy.X, source.featureNames ?? target.featureNames);

  // ---- Labels: source model, label shift, transfer errors, transferability, bound -------------------------
  progress(0.85, "source classifier, label shift and the bound");
  const chanceFromPriors = (p: number[]) => 1 - Math.max(...p);
  let labelShift: AssessReport["labelShift"] = null;
  let sourceErr: Interval | null = null;
  let targetErrSrc: Interval | null = null, targetOnly: Interval | null = null;
  let predicted: { atc: number; doc: number } | null = null;
  let transferability: AssessReport["transferability"] = null;
  let lambda: number | null = null;
  let chance = k > 1 ? 1 - 1 / k : 0;
  const srcLabelled = source.y !== undefined && k >= 2 && new Set(source.y).size >= 2;
  // Labelled target rows: rows with a label (a partly labelled file marks the others −1), or K per class of them.
  const labIdx: number[] = [];
  if (target.y) for (let i = 0; i < m; i++) if (target.y[i]! >= 0) labIdx.push(i);
  let useIdx = Int32Array.from(labIdx);
  let sampling: "random" | "stratified" | "none" = labIdx.length ? "random" : "none";
  if (opts.targetLabelsPerClass !== undefined && labIdx.length) {
    const K = opts.targetLabelsPerClass;
    if (!Number.isInteger(K) || K < 1) throw invalidParam("target-labels-per-class", `must be a positive integer, got ${K}`);
    const pool: LabelledDomain = { name: target.name, X: new Matrix(labIdx.length, 0), y: Int32Array.from(labIdx, (i) => target.y![i]!) };
    const drawn = drawLabelled(pool, K, rng.fork("target-labels"));
    useIdx = Int32Array.from(drawn.labelled, (j) => labIdx[j]!);
    sampling = "stratified";
    notes.push(`target labels: ${useIdx.length} rows, ${K} per class (stratified, seed ${seed}); the other ${labIdx.length - useIdx.length} labels are used only to check the estimate (transfer.truthForChecking)`);
  } else if (labIdx.length && labIdx.length < m) {
    notes.push(`target labels: ${labIdx.length} of ${m} rows are labelled (taken as a random sample of the target)`);
  }
  const tgtLabelled = useIdx.length > 0 && k >= 2;
  let smte: SourceModelTargetError | null = null;
  let truthForChecking: number | null = null;
  if (srcLabelled) {
    const sy = source.y!;
    const lrng = rng.fork("labels");
    const cap = subsampleRows(X, CAPS.classifier, lrng);
    if (cap.idx) notes.push(`the source classifier was trained on a random subset of ${CAPS.classifier} source rows`);
    const Xs = cap.X, ys = cap.idx ? takeLabels(sy, cap.idx) : sy;
    const srcDomain: LabelledDomain = { name: source.name, X: Xs, y: ys };
    const tScore = subsampleRows(Y, CAPS.targetScoring, lrng);
    const bbse = blackBoxShiftEstimation(srcDomain, tScore.X, { rng: lrng.fork("bbse"), numClasses: k });
    labelShift = { ...bbse, truePriors: null, maxAbsError: null, validity: checkLabelShift(srcDomain, tScore.X, bbse, lrng.fork("bbse-check")) };
    const [a, b] = halves(Xs.rows, lrng);
    const h = fitClassifier(Xs.takeRows(a), takeLabels(ys, a), k);
    const eS = errorsOf(h.predict(Xs.takeRows(b)), takeLabels(ys, b));
    sourceErr = { value: eS / b.length, ci: wilson(eS, b.length, level) };
    const probaB = h.proba(Xs.takeRows(b));
    predicted = predictTargetError(probaB, takeLabels(ys, b), h.proba(tScore.X));
    let labelledEstimate = null;
    if (tgtLabelled) {
      const ty = target.y!;
      const cut = useIdx.length > CAPS.targetLabelled ? lrng.permutation(useIdx.length).slice(0, CAPS.targetLabelled).sort() : null;
      if (cut) notes.push(`target-label statistics used a random subset of ${CAPS.targetLabelled} labelled target rows`);
      const rows = cut ? Int32Array.from(cut, (j) => useIdx[j]!) : useIdx;
      const Yl = Y.takeRows(rows), yl = takeLabels(ty, rows);
      if (sampling === "random") {
        const truth = classPriors(yl, k);
        labelShift.truePriors = truth;
        labelShift.maxAbsError = Math.max(...truth.map((q, j) => Math.abs(q - labelShift!.targetPriors[j]!)));
        chance = chanceFromPriors(truth);
      }
      const predL = h.predict(Yl);
      labelledEstimate = labelledTargetError(predL, yl, { sampling: sampling === "stratified" ? "stratified" : "random", predAll: h.predict(tScore.X), k, rng: lrng.fork("target-error"), level });
      targetErrSrc = { value: labelledEstimate.value, ci: labelledEstimate.ci };
      if (sampling === "stratified") {
        const all = Int32Array.from(labIdx);
        truthForChecking = errorsOf(h.predict(Y.takeRows(all)), takeLabels(ty, all)) / all.length;
      }
      const cv = crossValidatedError(Yl, yl, k, lrng.fork("cv"));
      targetOnly = { value: cv.errors / cv.n, ci: wilson(cv.errors, cv.n, level) };
      // λ̂: one classifier fitted on both domains (half of each), its errors summed on the other halves.
      const [ta, tb] = halves(Yl.rows, lrng);
      const joint = fitClassifier(Matrix.vstack([Xs.takeRows(a), Yl.takeRows(ta)]), Int32Array.from([...takeLabels(ys, a), ...takeLabels(yl, ta)]), k);
      lambda = errorsOf(joint.predict(Xs.takeRows(b)), takeLabels(ys, b)) / b.length + errorsOf(joint.predict(Yl.takeRows(tb)), takeLabels(yl, tb)) / tb.length;
      const present = new Set(yl).size;
      if (present >= 2) {
        transferability = { logME: logME(Yl, yl).value, leep: leep(h.proba(Yl), yl), hScore: hScore(Yl, yl), rows: Yl.rows };
      }
    }
    smte = sourceModelTargetError({ sourceProba: probaB, sourceY: takeLabels(ys, b), sourceAccuracy: 1 - sourceErr.value, rawLabelFree: predicted, pad: padRbf.value, labelled: labelledEstimate });
  } else if (tgtLabelled && sampling === "random") {
    chance = chanceFromPriors(classPriors(takeLabels(target.y!, useIdx), k));
  }
  if (labelShift && padRbf.value >= 1) {
    labelShift.notes.push("black-box shift estimation assumes only the class proportions change (p(x|y) stays fixed); the inputs themselves shift strongly here, so its prior estimate may be far off");
  }
  const halfDivergence = Math.max(0, padLinear.value) / 2;
  const boundTotal = sourceErr !== null && lambda !== null ? sourceErr.value + halfDivergence + lambda : null;
  const bound: AssessReport["bound"] = {
    estimate: true, sourceError: sourceErr?.value ?? null, halfDivergence, lambda, total: boundTotal, divergenceFrom: "linear domain classifier",
    meaning: [
      "ε_T(h) ≤ ε_S(h) + ½·d_HΔH(S, T) + λ (Ben-David et al., 2010): the target error of a classifier h is at most its source error, plus how well classifiers of h's family can tell the domains apart, plus the error of the best single classifier for both domains.",
      "ε_S(h): held-out source error of a linear (logistic-regression) source classifier.",
      "½·d̂_HΔH: half the proxy A-distance of a linear domain classifier, negative values read as 0 — an estimate of a supremum, not the supremum itself.",
      lambda === null ? "λ̂: unknown without target labels — the bound cannot be completed, and a large λ (the domains need different decision rules) is exactly the failure it cannot see." : "λ̂: source + target held-out error of one linear classifier fitted on both domains; large λ means no single rule serves both.",
      "Every term is estimated from finite samples, so the sum is an estimate, not a guarantee; above the chance error it says nothing.",
    ],
  };

  const verdict = decideVerdict({
    mmdP: test.pValue, alpha, padRbf, predicted,
    shiftedFeatures: featureShift.filter((fs) => fs.ksPValue < alpha / featureShift.length).length, features: featureShift.length, padLinear, labelShift, sourceErr, targetErrSrc, targetOnly, chance, boundTotal, lambda, exact, smte,
  });
  progress(1, "done");
  return {
    schema: "transferlab.assess/1",
    seed,
    source: summarize(source, k),
    target: summarize(target, k),
    scale: { mode: exact ? "exact" : "approximate", memoryBudget: budget, exactBytes, notes: scaleNotes },
    mmd: { bandwidth: sigma, mixtureBandwidths: kMix.sigmas, median, mixture, linear, rff, test, notes: mmdNotes },
    proxyADistance: { linear: padLinear, rbf: padRbf },
    coral: { value: coral, sameDomainReference: coralRef },
    slicedWasserstein: { value: sw.value, se: sw.se, projections: sw.projections, sameDomainReference: swRef },
    featureShift,
    labelShift,
    transfer: {
      chanceError: chance, sourceError: sourceErr, targetErrorOfSourceModel: targetErrSrc, targetOnlyError: targetOnly, predictedTargetError: predicted,
      sourceModelTargetError: smte, targetLabels: { rows: tgtLabelled ? useIdx.length : 0, sampling: tgtLabelled ? sampling : "none" }, truthForChecking,
    },
    transferability,
    bound,
    verdict,
    notes: [...notes, ...padLinear.notes.map((s) => `linear domain classifier: ${s}`), ...padRbf.notes.map((s) => `kernel domain classifier: ${s}`)],
  };
}

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

/**
 * Two label-free predictions of a classifier's target error from its max-probability confidence:
 *   ATC (Garg et al., "Leveraging Unlabeled Data to Predict Out-of-Distribution Performance", ICLR 2022): t is
 *     chosen so that the share of held-out source rows with confidence > t equals the held-out source accuracy;
 *     predicted target accuracy = share of target rows with confidence > t. Degenerate (predicts no loss) when
 *     the source accuracy is 100 %.
 *   DoC (Guillory et al., "Predicting with Confidence on Unseen Distributions", ICCV 2021): source error plus the
 *     drop in mean confidence from source to target.
 */
export function predictTargetError(sourceProba: Matrix, sourceY: ArrayLike<number>, targetProba: Matrix): { atc: number; doc: number } {
  const conf = (P: Matrix, i: number) => { let c = 0; for (let j = 0; j < P.cols; j++) c = Math.max(c, P.data[i * P.cols + j]!); return c; };
  const n = sourceProba.rows;
  const pred = argmaxRows(sourceProba.data, n, sourceProba.cols);
  const cs = Float64Array.from({ length: n }, (_, i) => conf(sourceProba, i)).sort().reverse();
  let correct = 0;
  for (let i = 0; i < n; i++) if (pred[i] === sourceY[i]) correct++;
  // Exactly `correct` source rows lie above t (ties at t fall below).
  const t = correct >= n ? -Infinity : cs[correct]!;
  let above = 0, meanT = 0, meanS = 0;
  for (let i = 0; i < targetProba.rows; i++) {
    const c = conf(targetProba, i);
    if (c > t) above++;
    meanT += c / targetProba.rows;
  }
  for (let i = 0; i < n; i++) meanS += cs[i]! / n;
  return { atc: 1 - above / targetProba.rows, doc: Math.min(1, Math.max(0, 1 - correct / n + meanS - meanT)) };
}

function fmtP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function ciText(ci: [number, number]): string {
  return `CI ${(100 * ci[0]).toFixed(1)}–${(100 * ci[1]).toFixed(1)} %`;
}
