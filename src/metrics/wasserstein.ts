// One-dimensional optimal transport and two-sample statistics, the sliced Wasserstein distance, and the
// per-feature shift ranking (Kolmogorov–Smirnov and Wasserstein-1 per column).
import { Matrix } from "../core/matrix.js";
import type { Rng } from "../core/rng.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertSameColumns } from "../core/validate.js";
import { kernels } from "../engine/index.js";

/**
 * W_p between two empirical distributions with uniform weights, given SORTED samples:
 * (∫₀¹ |F_a⁻¹(t) − F_b⁻¹(t)|^p dt)^{1/p}, walking the merged quantile breakpoints in O(n + m).
 */
export function wasserstein1dSorted(a: ArrayLike<number>, b: ArrayLike<number>, p = 1): number {
  const n = a.length, m = b.length;
  if (n === 0 || m === 0) throw new TransferLabError("EMPTY_DOMAIN", "Wasserstein distance needs non-empty samples");
  let i = 0, j = 0, t = 0, acc = 0;
  while (i < n && j < m) {
    const ta = (i + 1) / n, tb = (j + 1) / m;
    const next = Math.min(ta, tb);
    const diff = Math.abs(a[i]! - b[j]!);
    acc += (next - t) * (p === 1 ? diff : diff ** p);
    t = next;
    // Advance whichever quantile step ends here (both when they coincide; the tolerance absorbs i/n rounding).
    if (ta - next <= 1e-15) i++;
    if (tb - next <= 1e-15) j++;
  }
  return p === 1 ? acc : acc ** (1 / p);
}

/** Two-sample Kolmogorov–Smirnov statistic sup_x |F_a(x) − F_b(x)| for sorted samples. */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length, m = b.length;
  let i = 0, j = 0, dmax = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    dmax = Math.max(dmax, Math.abs(i / n - j / m));
  }
  return dmax;
}

/** Survival function of the Kolmogorov distribution, Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}. */
export function kolmogorovSf(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 0.2) return 1; // the series needs many terms here; Q(0.2) = 1 − 1e-20
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += (k % 2 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/** Asymptotic two-sided p-value of the two-sample KS statistic: Q(√(nm/(n+m))·D). */
export function ksPValue(D: number, n: number, m: number): number {
  return kolmogorovSf(Math.sqrt((n * m) / (n + m)) * D);
}

export interface SlicedWassersteinOptions {
  rng: Rng;
  projections?: number;
  p?: number;
  /** Given unit directions (L × d, row-major); drawn uniformly on the sphere when absent. */
  directions?: Float32Array;
}

export interface SlicedWasserstein {
  value: number;
  p: number;
  projections: number;
  /** Standard error of the Monte-Carlo mean of W_p^p over directions, mapped to the distance scale. */
  se: number;
}

/** Directions drawn uniformly on the unit sphere S^{d−1} (normalised Gaussians). */
export function randomDirections(L: number, d: number, rng: Rng): Float32Array {
  const out = new Float32Array(L * d);
  for (let l = 0; l < L; l++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      out[l * d + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[l * d + j]! *= inv;
  }
  return out;
}

/** Row l of the result holds θ_lᵀx_i for all rows i (L × n, row-major). */
function project(X: Matrix, dirs: Float32Array, L: number): Float32Array {
  const out = new Float32Array(L * X.rows);
  kernels().gemm(false, true, L, X.rows, X.cols, 1, dirs, X.cols, X.data, X.cols, 0, out, X.rows);
  return out;
}

/** SW_p = (mean over directions θ of W_p^p(θᵀX, θᵀY))^{1/p} (Bonneel et al. 2015). */
export function slicedWasserstein(X: Matrix, Y: Matrix, opts: SlicedWassersteinOptions): SlicedWasserstein {
  assertSameColumns(X, Y);
  const p = opts.p ?? 2;
  if (!(p >= 1)) throw invalidParam("p", `must be ≥ 1, got ${p}`);
  const d = X.cols;
  const L = opts.directions ? opts.directions.length / d : opts.projections ?? 128;
  const dirs = opts.directions ?? randomDirections(L, d, opts.rng);
  const PX = project(X, dirs, L), PY = project(Y, dirs, L);
  const vals = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    const a = PX.subarray(l * X.rows, (l + 1) * X.rows).sort();
    const b = PY.subarray(l * Y.rows, (l + 1) * Y.rows).sort();
    vals[l] = wasserstein1dSorted(a, b, p) ** p;
  }
  const mean = vals.reduce((s, v) => s + v, 0) / L;
  const sd = L > 1 ? Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / (L - 1)) : 0;
  const value = mean ** (1 / p);
  // Delta method: d(m^{1/p}) = m^{1/p − 1}/p · dm.
  const se = mean > 0 ? (mean ** (1 / p - 1) / p) * (sd / Math.sqrt(L)) : 0;
  return { value, p, projections: L, se };
}

export interface FeatureShift {
  /** 0-based column index. */
  feature: number;
  name: string;
  ks: number;
  ksPValue: number;
  /** Wasserstein-1 distance in the feature's own units. */
  w1: number;
  /** W1 divided by the pooled standard deviation of the feature (comparable across features). */
  w1Standardized: number;
  sourceMean: number;
  targetMean: number;
}

/** KS and W1 for every feature, ranked by KS statistic (then standardised W1), largest shift first. */
export function perFeatureShift(X: Matrix, Y: Matrix, featureNames?: readonly string[]): FeatureShift[] {
  assertSameColumns(X, Y);
  const out: FeatureShift[] = [];
  for (let j = 0; j < X.cols; j++) {
    const a = X.column(j).sort(), b = Y.column(j).sort();
    const ks = ksStatisticSorted(a, b);
    const w1 = wasserstein1dSorted(a, b, 1);
    const ma = mean(a), mb = mean(b);
    const n = a.length, m = b.length;
    const pooledMean = (ma * n + mb * m) / (n + m);
    let ss = 0;
    for (const v of a) ss += (v - pooledMean) ** 2;
    for (const v of b) ss += (v - pooledMean) ** 2;
    const sd = Math.sqrt(ss / Math.max(1, n + m - 1));
    out.push({
      feature: j, name: featureNames?.[j] ?? `x${j}`, ks, ksPValue: ksPValue(ks, n, m), w1,
      w1Standardized: sd > 0 ? w1 / sd : 0, sourceMean: ma, targetMean: mb,
    });
  }
  return out.sort((u, v) => v.ks - u.ks || v.w1Standardized - u.w1Standardized || u.feature - v.feature);
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}
