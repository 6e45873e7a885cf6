// Small helpers shared by the generators.
import { Matrix } from "../../core/matrix.js";
import type { LabelledDomain } from "../../core/domain.js";
import { invalidParam } from "../../core/errors.js";

export function labelled(name: string, X: Float32Array, y: Int32Array, d: number, k: number): LabelledDomain {
  return {
    name,
    X: new Matrix(y.length, d, X),
    y,
    featureNames: Array.from({ length: d }, (_, j) => `x${j + 1}`),
    classNames: Array.from({ length: k }, (_, c) => String(c)),
  };
}

/** Exact class counts for proportions p summing to 1 (largest remainder), so priors are met exactly. */
export function countsFor(n: number, p: readonly number[]): number[] {
  const raw = p.map((q) => q * n);
  const counts = raw.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, c) => [r - Math.floor(r), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k]![1]]!++;
  return counts;
}

export function checkInt(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw invalidParam(name, `must be an integer ≥ ${min}, got ${v}`);
  return v;
}

export function checkNum(name: string, v: number, min = -Infinity): number {
  if (!Number.isFinite(v) || v < min) throw invalidParam(name, `must be a finite number${min > -Infinity ? ` ≥ ${min}` : ""}, got ${v}`);
  return v;
}

export function checkPriors(name: string, p: readonly number[], k: number): number[] {
  if (p.length !== k || p.some((q) => !(q >= 0)) || Math.abs(p.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
    throw invalidParam(name, `must be ${k} non-negative proportions summing to 1, got [${p.join(", ")}]`);
  }
  return [...p];
}

/** Evenly spaced class centres on a circle of the given radius in the first two dimensions. */
export function circleMeans(k: number, radius: number, d: number): Float64Array[] {
  return Array.from({ length: k }, (_, c) => {
    const m = new Float64Array(d);
    const a = (2 * Math.PI * c) / k;
    m[0] = radius * Math.cos(a);
    if (d > 1) m[1] = radius * Math.sin(a);
    return m;
  });
}
