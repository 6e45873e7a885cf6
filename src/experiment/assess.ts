// `assess`: will transfer from a source domain help a target domain? Divergences with uncertainty, the
// per-feature shift ranking, label shift, transferability scores, the Ben-David bound estimate, and a
// low / medium / high verdict on the risk of negative transfer with its reasons — all before training anything.
//
// Scale: the exact kernel statistics (pooled N×N kernel matrix, permutation test) are used while their memory
// fits `memoryBudget` (default 2 GB); above it the linear-time and random-feature estimators replace them and
// the report says so. Every other part works on bounded random subsets when the domains are large (noted).
import type { Progress } from "../core/progress.js";
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import type { Domain, LabelledDomain } from "../core/domain.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import { LogisticRegression } from "../estimators/index.js";
import {
  medianBandwidth, medianKernel, mixtureKernel, mmdLinear, mmdRff, drawRff, mmdPermutationTest, exactTestBytes,
  type MmdEstimates, type LinearMmd, type RffMmd, proxyADistance, type ProxyADistance, coralDistance,
  slicedWasserstein, perFeatureShift, type FeatureShift, blackBoxShiftEstimation, classPriors,
  type LabelShiftEstimate, logME, leep, hScore, checkLabelShift, type LabelShiftValidity, fitStandardizer, halves,
  subsampleRows, predictTargetError, countCorrect,
} from "../metrics/index.js";
import { drawLabelled } from "../data/index.js";
import { labelledTargetError, sourceModelTargetError, type SourceModelTargetError } from "./target-error.js";
import { decideVerdict } from "./assess-verdict.js";
import { memoryBudget } from "../core/budget.js";
import { parseAssessArgs, transferabilityFits } from "./assess-options.js";
import { wilson } from "../core/stats.js";

import type { RiskLevel, PositiveTransferOutlook } from "./verdict.js";
import { resultHeader, type ResultId, type RESULT_VERSIONS } from "./schemas.js";
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
  /** The share of the work done (of 1) and the step running now. */
  progress?: Progress;
  signal?: AbortSignal;
}

export interface Interval {
  value: number;
  ci: [number, number];
}

export interface AssessReport {
  schema: ResultId<"assess">;
  version: (typeof RESULT_VERSIONS)["assess"];
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
  answer: PositiveTransferOutlook;
  reasons: string[];
}

export interface DomainSummary {
  name: string;
  rows: number;
  features: number;
  labelled: boolean;
  classes: number;
  classCounts: number[] | null;
  /** The user's class names for labels 0…classes−1 (the source's mapping; the label code when a name is missing). */
  classNames: string[];
}

const GB = 2 ** 30;
/** Row caps for the parts that do not need every row (each is a random subset, noted when applied). */
const CAPS = { rff: 50_000, coralReference: 100_000, domainClassifier: 5000, featureShift: 100_000, sliced: 20_000, classifier: 20_000, targetScoring: 100_000, targetLabelled: 5000 } as const;

function summarize(d: Domain, k: number, names: readonly string[] | undefined): DomainSummary {
  return {
    name: d.name, rows: d.X.rows, features: d.X.cols, labelled: d.y !== undefined, classes: k,
    classCounts: d.y ? countClasses(d.y, k) : null,
    classNames: Array.from({ length: k }, (_, j) => names?.[j] ?? String(j)),
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

export async function assess(source: Domain, target: Domain, rawOpts: AssessOptions = {}): Promise<AssessReport> {
  const opts: AssessOptions = parseAssessArgs(source, target, rawOpts);
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const alpha = opts.alpha ?? 0.05;
  const level = 1 - alpha;
  const budget = memoryBudget(opts);
  const P = opts.permutations ?? 500;
  if (source.X.cols !== target.X.cols) {
    throw new TransferLabError("FEATURE_MISMATCH", `source '${source.name}' has ${source.X.cols} features but target '${target.name}' has ${target.X.cols}`, {}, "both domains must describe rows with the same features");
  }
  if (source.X.rows < 4 || target.X.rows < 4) throw new TransferLabError("EMPTY_DOMAIN", `assess needs at least 4 rows per domain, got ${source.X.rows} and ${target.X.rows}`, { param: source.X.rows < 4 ? "source" : "target" });
  assertFinite(source.X, `source '${source.name}'`);
  assertFinite(target.X, `target '${target.name}'`);
  const progress = (f: number, msg: string) => {
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "assess was aborted", { param: "signal" });
    opts.progress?.(f, 1, msg);
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
      if (present >= 2 && transferabilityFits(Yl.cols, opts, notes)) {
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
    ...resultHeader("assess"),
    seed,
    // The target uses the source's class mapping, so both summaries name classes by the source's names.
    source: summarize(source, k, source.classNames ?? target.classNames),
    target: summarize(target, k, source.classNames ?? target.classNames),
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
