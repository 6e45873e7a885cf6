// Paired comparisons of two classifiers on per-example correctness over the SAME test rows, so the variance
// of a difference comes from where it arises:
//  - same fitted models (both fitted once, e.g. source-only against a transductive method that reads no target
//    labels): the only randomness left is which target rows are tested, so the test is McNemar's on the
//    discordant rows (each distinct test row once), exact binomial and mid-p (Fagerland, Lydersen & Laake,
//    "The McNemar test for binary matched-pairs data: mid-p and asymptotic are better than exact conditional",
//    BMC Med. Res. Methodol. 2013). Seeds do not add information: they only re-draw overlapping test sets.
//  - fits that differ per seed (a method that reads the seed's labelled target points): a two-stage paired
//    bootstrap, seeds with replacement, then each chosen seed's test rows with replacement, both methods on the
//    same resampled rows; p from the bootstrap distribution of the mean difference (percentile inversion).
//    Resampling rows inside resampled seeds (Davison & Hinkley 1997, §3.8, strategy 2) counts the row noise a
//    second time — conservative on purpose: with 5 seeds, resampling seeds alone would understate the variance.
//    With one seed the fit-to-fit variance cannot be estimated: no test.
// A verdict then needs both a small p and a difference outside the practical-equivalence margin (./verdict.ts).
import { Rng } from "../core/rng.js";
import { regularizedIncompleteBeta } from "../core/stats.js";

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regularizedIncompleteBeta(1 - p, n - k, k + 1);
}

export interface McNemar {
  /** Rows the method gets right and the baseline wrong, and the other way round. */
  methodOnly: number;
  baselineOnly: number;
  /** Two-sided exact conditional p (binomial on the discordant rows, p = ½), and its mid-p version. */
  pExact: number;
  pMid: number;
}

/** McNemar's test from the discordant counts b (method right only) and c (baseline right only). */
export function mcnemar(b: number, c: number): McNemar {
  const n = b + c, m = Math.min(b, c);
  if (n === 0) return { methodOnly: b, baselineOnly: c, pExact: 1, pMid: 1 };
  const le = binomialCdf(m, n, 0.5), lt = binomialCdf(m - 1, n, 0.5);
  return { methodOnly: b, baselineOnly: c, pExact: Math.min(1, 2 * le), pMid: Math.min(1, 2 * lt + (le - lt)) };
}

export type ComparisonTest = "McNemar mid-p" | "paired bootstrap" | "no test";

export interface CorrectnessComparison {
  test: ComparisonTest;
  /** Why this test (or why none). */
  testReason: string;
  /** Mean over seeds of (method − baseline) accuracy, in points. */
  meanDiff: number;
  /** 95 % interval of the difference in points: Wald for paired proportions (McNemar), percentile (bootstrap). */
  ci95: [number, number] | null;
  /** Two-sided p, or null without a test. */
  pValue: number | null;
  /** Seeds on which the method scored higher / equal / lower. */
  wins: number;
  ties: number;
  losses: number;
  mcnemar?: McNemar;
  bootstrapReplicates?: number;
}

export interface SeedCorrectness {
  /** Target row index of each tested row (to count each distinct row once for McNemar). */
  rows: ArrayLike<number>;
  method: Uint8Array;
  baseline: Uint8Array;
}

const accDiff = (s: SeedCorrectness): number => {
  let d = 0;
  for (let i = 0; i < s.method.length; i++) d += s.method[i]! - s.baseline[i]!;
  return (100 * d) / s.method.length;
};

/**
 * Compares a method with a baseline on per-example correctness. `sameModels`: both predictions come from one
 * fit each, reused on every seed (then McNemar over the distinct test rows); otherwise the paired bootstrap.
 */
export function compareCorrectness(seeds: SeedCorrectness[], opts: { sameModels: boolean; rng: Rng; replicates?: number }): CorrectnessComparison {
  if (seeds.length === 0) throw new RangeError("compareCorrectness needs at least one seed");
  const diffs = seeds.map(accDiff);
  const meanDiff = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const wins = diffs.filter((d) => d > 1e-9).length, losses = diffs.filter((d) => d < -1e-9).length;
  const base = { meanDiff, wins, losses, ties: diffs.length - wins - losses };
  if (opts.sameModels) {
    // Each distinct row once: seeds re-draw overlapping test sets of the same two fixed models.
    const seen = new Set<number>();
    let b = 0, c = 0, n = 0;
    for (const s of seeds) {
      for (let i = 0; i < s.method.length; i++) {
        const r = s.rows[i]!;
        if (seen.has(r)) continue;
        seen.add(r);
        n++;
        if (s.method[i] && !s.baseline[i]) b++;
        else if (!s.method[i] && s.baseline[i]) c++;
      }
    }
    const mc = mcnemar(b, c);
    const d = (b - c) / n, se = Math.sqrt(Math.max(0, b + c - (b - c) ** 2 / n)) / n;
    return {
      ...base, test: "McNemar mid-p", pValue: mc.pMid, mcnemar: mc,
      ci95: [100 * Math.max(-1, d - 1.959964 * se), 100 * Math.min(1, d + 1.959964 * se)],
      testReason: `both fitted once (their inputs do not change with the seed): McNemar's test on the ${n} distinct test rows (${b} right only by the method, ${c} only by the baseline)`,
    };
  }
  if (seeds.length < 2) {
    return { ...base, test: "no test", pValue: null, ci95: null, testReason: "one seed: the variance between fits cannot be estimated; run --seeds 5 or more" };
  }
  const B = opts.replicates ?? 2000;
  const rng = opts.rng;
  const stats = new Float64Array(B);
  const S = seeds.length;
  // Per seed only the discordant rows move the difference: a rows where only the method is right, b where only
  // the baseline is. Resampling n rows with replacement is drawn exactly without touching the other rows.
  const counts = seeds.map((s) => {
    let a = 0, b = 0;
    for (let i = 0; i < s.method.length; i++) { const d = s.method[i]! - s.baseline[i]!; if (d > 0) a++; else if (d < 0) b++; }
    return { n: s.method.length, a, b };
  });
  for (let r = 0; r < B; r++) {
    let sum = 0;
    for (let q = 0; q < S; q++) {
      const c = counts[rng.int(S)]!;
      sum += (100 * resampledDifference(c.n, c.a, c.b, rng)) / c.n;
    }
    stats[r] = sum / S;
  }
  let le = 0, ge = 0;
  for (const t of stats) { if (t <= 0) le++; if (t >= 0) ge++; }
  const sorted = stats.slice().sort();
  const at = (q: number) => sorted[Math.min(B - 1, Math.max(0, Math.round(q * (B - 1))))]!;
  return {
    ...base, test: "paired bootstrap", bootstrapReplicates: B,
    pValue: Math.min(1, (2 * (1 + Math.min(le, ge))) / (B + 1)),
    ci95: [at(0.025), at(0.975)],
    testReason: `fits differ per seed: paired bootstrap (${B} replicates) over the ${S} seeds and, within each, its test rows`,
  };
}

/**
 * Σ (method − baseline) over n rows drawn with replacement from n rows of which a are +1, b are −1, the rest 0:
 * the draws that land on a discordant row are found by geometric gaps (probability (a+b)/n each), each is +1 with
 * probability a/(a+b) — the same distribution as drawing all n rows, in O(a + b) instead of O(n).
 */
export function resampledDifference(n: number, a: number, b: number, rng: Rng): number {
  const m = a + b;
  if (m === 0) return 0;
  const lq = Math.log1p(-m / n); // −Infinity when every row is discordant: then every draw hits
  let pos = -1, sum = 0;
  for (;;) {
    pos += 1 + (lq === -Infinity ? 0 : Math.floor(Math.log(1 - rng.uniform()) / lq));
    if (pos >= n) return sum;
    sum += rng.uniform() * m < a ? 1 : -1;
  }
}
