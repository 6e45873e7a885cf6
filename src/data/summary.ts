// A first look at one domain: sizes, class counts, value range, feature means, for `datasets show` (the shift
// statistics between two domains are measures: metrics/shift-summary.ts).
import type { Domain } from "../core/domain.js";
import { numClasses } from "../core/domain.js";
import { colMeans } from "../core/linalg.js";

export interface DomainSummary {
  name: string;
  rows: number;
  features: number;
  classCounts: Record<string, number>;
  min: number;
  max: number;
  mean: number;
  /** Fraction of exactly-zero cells (blank pixels). */
  zeroFraction: number;
}

export function featureMean(d: Domain): Float64Array {
  return colMeans(d.X);
}

export function summarizeDomain(d: Domain): DomainSummary {
  const k = numClasses(d);
  const counts: Record<string, number> = {};
  if (d.y) {
    const c = new Array(k).fill(0);
    for (const v of d.y) c[v]++;
    c.forEach((v, i) => (counts[d.classNames?.[i] ?? String(i)] = v));
  }
  let min = Infinity;
  let max = -Infinity;
  let s = 0;
  let zeros = 0;
  for (const v of d.X.data) {
    if (v < min) min = v;
    if (v > max) max = v;
    s += v;
    if (v === 0) zeros++;
  }
  const n = Math.max(1, d.X.data.length);
  return { name: d.name, rows: d.X.rows, features: d.X.cols, classCounts: counts, min, max, mean: s / n, zeroFraction: zeros / n };
}
