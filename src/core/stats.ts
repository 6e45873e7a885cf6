// Basic statistics (shared service): summaries over seeds with 95 % confidence intervals, the paired comparison
// of a method against a baseline (wins/ties/losses, paired t-test), Student's t, the normal quantile and the
// Wilson interval of a proportion. Words for what the numbers mean (verdicts) live in experiment/verdict.ts.

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 when n = 1. */
  sd: number;
  /** 95 % confidence interval of the mean from Student's t; [mean, mean] when n = 1. */
  ci95: [number, number];
}

export function summarize(xs: readonly number[]): Summary {
  const n = xs.length;
  if (n === 0) throw new RangeError("summarize needs at least one value");
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) : 0;
  return { n, mean, sd, ci95: [mean - half, mean + half] };
}

export interface PairedComparison {
  wins: number;
  ties: number;
  losses: number;
  /** Mean of method − baseline. */
  meanDiff: number;
  /** Two-sided paired t-test p-value; 1 when every difference is 0, NaN-free. */
  pValue: number;
  test: "paired t-test";
}

/** Compares per-seed scores (higher is better); differences within tieTol count as ties. */
export function pairedComparison(method: readonly number[], baseline: readonly number[], tieTol = 1e-9): PairedComparison {
  if (method.length !== baseline.length) throw new RangeError(`paired comparison needs equal lengths, got ${method.length} and ${baseline.length}`);
  const d = method.map((m, i) => m - baseline[i]!);
  let wins = 0, ties = 0, losses = 0;
  for (const x of d) {
    if (Math.abs(x) <= tieTol) ties++;
    else if (x > 0) wins++;
    else losses++;
  }
  const n = d.length;
  const meanDiff = n ? d.reduce((a, b) => a + b, 0) / n : 0;
  let pValue = 1;
  if (n > 1) {
    const sd = Math.sqrt(d.reduce((a, x) => a + (x - meanDiff) ** 2, 0) / (n - 1));
    if (sd > 0) {
      const t = meanDiff / (sd / Math.sqrt(n));
      pValue = 2 * (1 - studentTCdf(Math.abs(t), n - 1));
    } else if (meanDiff !== 0) {
      pValue = 0; // every seed moved by the same non-zero amount
    }
  }
  return { wins, ties, losses, meanDiff, pValue: Math.min(1, Math.max(0, pValue)), test: "paired t-test" };
}

/** Student's t CDF via the regularised incomplete beta function. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t by bisection on the CDF (accurate to ~1e-10). */
export function studentTQuantile(p: number, df: number): number {
  let lo = -1e3, hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** I_x(a, b) by Lentz's continued fraction (Numerical Recipes' betacf). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let f = 1, c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return (Math.exp(lnFront) * f) / a;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const dd = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((dd[0]! * q + dd[1]!) * q + dd[2]!) * q + dd[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Wilson score interval for a proportion. */
export function wilson(errors: number, n: number, level = 0.95): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = errors / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
