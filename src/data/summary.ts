// A first look at a domain pair: sizes, class counts and simple shift statistics, for `datasets show`.
import { linalg } from "../core/index.js";
import type { Domain } from "../core/domain.js";
import { numClasses } from "../core/domain.js";
import { TransferLabError } from "../core/errors.js";
import { checkDomainArg } from "../core/args.js";
import { assertFinite, assertSameColumns } from "../core/validate.js";
import { denseBytes, requireBudget } from "../core/budget.js";
import type { DomainPair } from "./pair.js";

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

export interface ShiftSummary {
  /** ‖mean_S − mean_T‖₂ divided by the mean within-domain RMS distance to the domain mean. */
  meanShift: number;
  /** Total variation distance between the class proportions. */
  labelShiftTV: number;
  /** Linear-kernel MMD² = ‖mean_S − mean_T‖². */
  linearMmd2: number;
  /** ‖C_S − C_T‖_F / ‖C_S‖_F for the feature covariances (catches rotations that leave the mean in place). */
  covarianceShift: number;
}

/** Population covariance (float64, d × d row-major), from core's small linear algebra. */
const covariance = (d: Domain): Float64Array => linalg.covariance(linalg.toMat64(d.X), 0).data;

export function featureMean(d: Domain): Float64Array {
  const m = new Float64Array(d.X.cols);
  for (let i = 0; i < d.X.rows; i++) {
    const r = d.X.row(i);
    for (let j = 0; j < r.length; j++) m[j]! += r[j]!;
  }
  for (let j = 0; j < m.length; j++) m[j]! /= Math.max(1, d.X.rows);
  return m;
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

function rmsSpread(d: Domain, m: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d.X.rows; i++) {
    const r = d.X.row(i);
    for (let j = 0; j < r.length; j++) s += (r[j]! - m[j]!) ** 2;
  }
  return Math.sqrt(s / Math.max(1, d.X.rows));
}

export function summarizeShift(p: DomainPair): ShiftSummary {
  if (p === null || typeof p !== "object") throw new TransferLabError("INVALID_PARAMETER", "summarizeShift needs a pair { source, target }", { param: "pair" });
  checkDomainArg(p.source, "source", "optional");
  checkDomainArg(p.target, "target", "optional");
  assertSameColumns(p.source.X, p.target.X);
  for (const [role, d] of [["source", p.source], ["target", p.target]] as const) {
    if (d.X.rows === 0) throw new TransferLabError("EMPTY_DOMAIN", `${role} has no rows`, { param: role });
    assertFinite(d.X, role);
  }
  requireBudget({}, 2 * denseBytes(p.source.X.cols, p.source.X.cols), `summarizeShift's two ${p.source.X.cols}×${p.source.X.cols} covariances`);
  const ms = featureMean(p.source);
  const mt = featureMean(p.target);
  let d2 = 0;
  for (let j = 0; j < ms.length; j++) d2 += (ms[j]! - mt[j]!) ** 2;
  const spread = (rmsSpread(p.source, ms) + rmsSpread(p.target, mt)) / 2;
  const k = Math.max(numClasses(p.source), numClasses(p.target));
  const prop = (d: Domain) => {
    const c = new Array(k).fill(0);
    for (const v of d.y ?? []) c[v]++;
    return c.map((v) => v / Math.max(1, d.y?.length ?? 0));
  };
  const ps = prop(p.source);
  const pt = prop(p.target);
  const cs = covariance(p.source);
  const ct = covariance(p.target);
  let diff = 0;
  let norm = 0;
  for (let j = 0; j < cs.length; j++) {
    diff += (cs[j]! - ct[j]!) ** 2;
    norm += cs[j]! ** 2;
  }
  return {
    meanShift: Math.sqrt(d2) / (spread || 1), labelShiftTV: ps.reduce((a, v, i) => a + Math.abs(v - pt[i]!), 0) / 2, linearMmd2: d2,
    covarianceShift: Math.sqrt(diff) / (Math.sqrt(norm) || 1),
  };
}
