// The first question `assess` answers: what error will the SOURCE model make on the target? Two routes.
//  - With labelled target rows: directly from them, with an interval. Rows labelled at random (a partly
//    labelled file) give a Wilson interval. K rows per class (stratified, --target-labels-per-class) give
//    per-class errors; the target's class mix q is then not observed, so it is estimated by inverting the
//    source model's confusion matrix on those rows against its predicted-label shares on every target row
//    (P_T(ŷ) = M·q, M measured on the target itself: no label-shift assumption); error = Σ_c q_c·e_c, with a
//    bootstrap interval that resamples each class's rows and draws each class's error from its Jeffreys
//    posterior Beta(errors + ½, right + ½) — without that smoothing a class with no error in K rows would
//    contribute a zero-width interval.
//  - Without labels: ATC and DoC (predictTargetError) extrapolate from the model's confidence. They are shown
//    only when their validity checks pass: the domains are not nearly separable (a kernel domain classifier
//    does not tell them apart almost perfectly; when it does, the model meets inputs unlike its training data
//    and its confidence says nothing about its accuracy), and its confidence is calibrated on held-out source
//    rows (expected calibration error). Otherwise each prediction says reliable: false and why.
import type { Rng } from "../core/rng.js";
import { Matrix as MlMatrix, solve } from "ml-matrix";
import { wilson } from "../core/stats.js";

export interface TargetErrorEstimate {
  value: number;
  ci: [number, number];
  /** Which interval, in words. */
  interval: string;
  /** The labelled rows it rests on and how they were chosen. */
  rows: number;
  sampling: "random" | "stratified";
}

/** The source model's target error from labelled target rows (see the header for the two samplings). */
export function labelledTargetError(pred: Int32Array, y: Int32Array, opts: { sampling: "random" | "stratified"; predAll: Int32Array; k: number; rng: Rng; level?: number; replicates?: number }): TargetErrorEstimate {
  const level = opts.level ?? 0.95;
  const n = y.length;
  if (opts.sampling === "random") {
    let e = 0;
    for (let i = 0; i < n; i++) if (pred[i] !== y[i]) e++;
    return { value: e / n, ci: wilson(e, n, level), interval: `Wilson over ${n} labelled target rows (assumed a random sample of the target)`, rows: n, sampling: "random" };
  }
  const k = opts.k;
  const mu = new Array<number>(k).fill(0);
  for (const v of opts.predAll) mu[v]! += 1 / opts.predAll.length;
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]!]!.push(i);
  const estimate = (pick: (c: number) => number[], smooth = false): number => {
    const M = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const e = new Array<number>(k).fill(0);
    const present: number[] = [];
    for (let c = 0; c < k; c++) {
      const rows = pick(c);
      if (rows.length === 0) continue;
      present.push(c);
      for (const i of rows) {
        M[pred[i]!]![c]! += 1 / rows.length;
        if (pred[i] !== c) e[c]! += 1 / rows.length;
      }
    }
    const q = classMix(M, mu, present);
    if (smooth) for (const c of present) { const nc = pick(c).length, ec = Math.round(e[c]! * nc); e[c] = betaDraw(ec + 0.5, nc - ec + 0.5, opts.rng); }
    return present.reduce((s, c) => s + q[c]! * e[c]!, 0);
  };
  const value = estimate((c) => byClass[c]!);
  const B = opts.replicates ?? 1000;
  const reps = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    const draw = byClass.map((rows) => rows.map(() => rows[opts.rng.int(rows.length)]!));
    reps[r] = estimate((c) => draw[c]!, true);
  }
  reps.sort();
  const at = (p: number) => reps[Math.min(B - 1, Math.max(0, Math.round(p * (B - 1))))]!;
  return {
    // The smoothed draws can leave the point estimate just outside (e.g. 0 errors observed): widen to include it.
    value, ci: [Math.min(value, at((1 - level) / 2)), Math.max(value, at(1 - (1 - level) / 2))], rows: n, sampling: "stratified",
    interval: `bootstrap (${B} replicates, each class's rows resampled, its error drawn from the Jeffreys posterior) of Σ_c q_c·e_c over ${n} labelled rows (${byClass.filter((b) => b.length).length} classes), class mix q from the confusion matrix on those rows and the predicted-label shares of every target row`,
  };
}

/** Gamma(a, 1) by Marsaglia & Tsang (2000); a < 1 through Gamma(a + 1)·U^(1/a). */
function gammaDraw(a: number, rng: Rng): number {
  if (a < 1) return gammaDraw(a + 1, rng) * Math.pow(1 - rng.uniform(), 1 / a);
  const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal(), v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0, u = 1 - rng.uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function betaDraw(a: number, b: number, rng: Rng): number {
  const x = gammaDraw(a, rng), y = gammaDraw(b, rng);
  return x / (x + y);
}

/** q ≥ 0, Σq = 1 solving M·q ≈ μ over the classes present (least squares, negatives clipped). */
function classMix(M: number[][], mu: number[], present: number[]): number[] {
  const k = mu.length;
  const q = new Array<number>(k).fill(0);
  if (present.length === 0) return q;
  const A = new MlMatrix(M.map((row) => present.map((c) => row[c]!)));
  let sol: number[];
  try {
    sol = solve(A, MlMatrix.columnVector(mu), true).to1DArray();
  } catch {
    sol = present.map(() => 1 / present.length);
  }
  present.forEach((c, j) => (q[c] = Math.max(0, Number.isFinite(sol[j]!) ? sol[j]! : 0)));
  const s = q.reduce((a, b) => a + b, 0);
  return s > 0 ? q.map((v) => v / s) : q.map((_, c) => (present.includes(c) ? 1 / present.length : 0));
}

/** Expected calibration error of max-probability confidence (equal-width bins, Guo et al. 2017). */
export function expectedCalibrationError(P: { rows: number; cols: number; data: ArrayLike<number> }, y: ArrayLike<number>, bins = 15): number {
  const cnt = new Float64Array(bins), conf = new Float64Array(bins), acc = new Float64Array(bins);
  for (let i = 0; i < P.rows; i++) {
    let c = -1, best = -1;
    for (let j = 0; j < P.cols; j++) if (P.data[i * P.cols + j]! > best) { best = P.data[i * P.cols + j]!; c = j; }
    const b = Math.min(bins - 1, Math.floor(best * bins));
    cnt[b]! += 1; conf[b]! += best; acc[b]! += c === y[i] ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]! > 0) ece += Math.abs(acc[b]! - conf[b]!) / P.rows;
  return ece;
}

export interface LabelFreePrediction {
  method: "ATC" | "DoC";
  /** The prediction, or null when its validity checks fail (then it must not be read as an error estimate). */
  value: number | null;
  /** The number the method computes whatever the checks say — for calibration studies only. */
  raw: number;
  reliable: boolean;
  reason: string;
}

/** Thresholds of the validity checks (see the README's calibration table for how they were chosen). */
export const LABEL_FREE_LIMITS = { maxProxyADistance: 0.5, maxSourceEce: 0.05 } as const;

/** Gates ATC and DoC by the two validity checks; `pad`: kernel proxy A-distance; `sourceEce`: on held-out source. */
export function gateLabelFree(raw: { atc: number; doc: number }, checks: { pad: number; sourceEce: number; sourceAccuracy: number }): LabelFreePrediction[] {
  const fails: string[] = [];
  if (checks.pad > LABEL_FREE_LIMITS.maxProxyADistance) {
    fails.push(`the domains are nearly separable (kernel proxy A-distance ${checks.pad.toFixed(2)} > ${LABEL_FREE_LIMITS.maxProxyADistance}): the model meets inputs unlike its training data, where its confidence does not track its accuracy`);
  }
  if (checks.sourceEce > LABEL_FREE_LIMITS.maxSourceEce) {
    fails.push(`its confidence is not calibrated even on held-out source rows (expected calibration error ${checks.sourceEce.toFixed(3)} > ${LABEL_FREE_LIMITS.maxSourceEce})`);
  }
  const atcFails = checks.sourceAccuracy >= 1 ? [...fails, "the source model makes no held-out source error, so ATC's threshold is undefined"] : fails;
  const mk = (method: "ATC" | "DoC", v: number, f: string[]): LabelFreePrediction => ({
    method, raw: v, value: f.length ? null : v, reliable: f.length === 0,
    reason: f.length ? `cannot be predicted without target labels: ${f.join("; ")}` : `checks passed: domains not nearly separable (proxy A-distance ${checks.pad.toFixed(2)} ≤ ${LABEL_FREE_LIMITS.maxProxyADistance}), confidence calibrated on held-out source (ECE ${checks.sourceEce.toFixed(3)} ≤ ${LABEL_FREE_LIMITS.maxSourceEce})`,
  });
  return [mk("ATC", raw.atc, atcFails), mk("DoC", raw.doc, fails)];
}

export interface SourceModelTargetError {
  /** From labelled target rows (null without them). */
  labelled: TargetErrorEstimate | null;
  /** ATC and DoC, each with reliable: true|false and why. */
  labelFree: LabelFreePrediction[];
  /** Expected calibration error of the source model on held-out source rows (a validity check). */
  sourceEce: number;
  /** The best estimate to act on, and where it comes from (null: cannot be predicted). */
  best: { value: number; ci: [number, number] | null; from: string } | null;
}

/** Puts the two routes together: labelled rows win; otherwise a reliable label-free prediction (the larger). */
export function sourceModelTargetError(args: {
  sourceProba: { rows: number; cols: number; data: ArrayLike<number> }; sourceY: ArrayLike<number>; sourceAccuracy: number;
  rawLabelFree: { atc: number; doc: number }; pad: number; labelled: TargetErrorEstimate | null;
}): SourceModelTargetError {
  const sourceEce = expectedCalibrationError(args.sourceProba, args.sourceY);
  const labelFree = gateLabelFree(args.rawLabelFree, { pad: args.pad, sourceEce, sourceAccuracy: args.sourceAccuracy });
  const reliable = labelFree.filter((p) => p.reliable);
  const best = args.labelled
    ? { value: args.labelled.value, ci: args.labelled.ci, from: `${args.labelled.rows} labelled target rows (${args.labelled.interval})` }
    : reliable.length
      ? { value: Math.max(...reliable.map((p) => p.value!)), ci: null, from: `label-free (${reliable.map((p) => p.method).join(" and ")}; the larger; no interval)` }
      : null;
  return { labelled: args.labelled, labelFree, sourceEce, best };
}
