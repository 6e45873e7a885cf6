// A first look at how two domains differ, for `datasets show`: mean shift, label-proportion distance, linear MMD²
// and the relative difference of the feature covariances (the engine's covariance, population convention).
import type { Domain } from "../core/domain.js";
import { numClasses } from "../core/domain.js";
import { TransferLabError } from "../core/errors.js";
import { checkDomainArg } from "../core/args.js";
import { assertFinite, assertSameColumns } from "../core/validate.js";
import { denseBytes, requireBudget } from "../core/budget.js";
import { colMeans } from "../core/linalg.js";
import { covariance } from "../engine/index.js";

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

function rmsSpread(d: Domain, m: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d.X.rows; i++) {
    const r = d.X.row(i);
    for (let j = 0; j < r.length; j++) s += (r[j]! - m[j]!) ** 2;
  }
  return Math.sqrt(s / Math.max(1, d.X.rows));
}

/** Shift statistics of a pair (a data/ DomainPair, or any { source, target } of domains). */
export function summarizeShift(p: { source: Domain; target: Domain }): ShiftSummary {
  if (p === null || typeof p !== "object") throw new TransferLabError("INVALID_PARAMETER", "summarizeShift needs a pair { source, target }", { param: "pair" });
  checkDomainArg(p.source, "source", "optional");
  checkDomainArg(p.target, "target", "optional");
  assertSameColumns(p.source.X, p.target.X);
  for (const [role, d] of [["source", p.source], ["target", p.target]] as const) {
    if (d.X.rows === 0) throw new TransferLabError("EMPTY_DOMAIN", `${role} has no rows`, { param: role });
    assertFinite(d.X, role);
  }
  requireBudget({}, 2 * denseBytes(p.source.X.cols, p.source.X.cols), `summarizeShift's two ${p.source.X.cols}×${p.source.X.cols} covariances`);
  const ms = colMeans(p.source.X);
  const mt = colMeans(p.target.X);
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
  const cs = covariance(p.source.X, { ddof: 0 }).data;
  const ct = covariance(p.target.X, { ddof: 0 }).data;
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
