// Class-prior correction for label shift (p(x|y) fixed, p(y) changes): estimate the target class priors q from
// unlabelled target inputs, then weight every source row of class y by q_y/p_y (p: source priors) so the final
// estimator is trained for the target's class mix (importance-weighted ERM, Lipton, Wang & Smola 2018).
//   estimate "em" (default): Saerens, Latinne & Decaestecker, "Adjusting the Outputs of a Classifier to New a
//     Priori Probabilities: A Simple Procedure", Neural Computation 2002 — EM on a source classifier's posteriors:
//     a_iy ∝ (q_y/p_y)·P(y|x_i), q_y ← mean_i a_iy, until q stops moving. Needs posteriors that are calibrated on
//     the source (the probabilistic estimator is used, e.g. SVC with Platt scaling).
//   estimate "bbse": black-box shift estimation (src/metrics/label-shift.ts): solves C·w = μ with the confusion
//     matrix of a held-out source half; reported as unreliable when C is ill-conditioned.
// Both assume the inputs shift only through the class mix; under a large shift of p(x|y) they can be far off,
// which the notes say when the estimate comes out extreme.
import { z } from "zod";
import { defineInstanceMethod } from "../base.js";
import { blackBoxShiftEstimation } from "../../metrics/index.js";

export interface PriorEm {
  priors: number[];
  iterations: number;
  converged: boolean;
}

/**
 * Saerens et al.'s EM: target priors from posteriors P (n×k row-major) of a classifier trained with priors p.
 * Classes with p_y = 0 keep q_y = 0.
 */
export function emPriors(P: ArrayLike<number>, n: number, k: number, p: readonly number[], opts: { tol?: number; maxIter?: number } = {}): PriorEm {
  const tol = opts.tol ?? 1e-8, maxIter = opts.maxIter ?? 1000;
  let q = p.slice();
  const a = new Float64Array(k);
  for (let it = 1; it <= maxIter; it++) {
    const next = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let y = 0; y < k; y++) s += a[y] = p[y]! > 0 ? (q[y]! / p[y]!) * P[i * k + y]! : 0;
      if (s <= 0) continue;
      for (let y = 0; y < k; y++) next[y]! += a[y]! / s / n;
    }
    const total = next.reduce((t, v) => t + v, 0);
    const qn = total > 0 ? next.map((v) => v / total) : q;
    const moved = Math.max(...qn.map((v, y) => Math.abs(v - q[y]!)));
    q = qn;
    if (moved < tol) return { priors: q, iterations: it, converged: true };
  }
  return { priors: q, iterations: maxIter, converged: false };
}

export const priorCorrection = defineInstanceMethod({
  name: "prior-correction",
  description: "label shift: estimate the target class priors (EM of Saerens et al., or BBSE) and weight source classes by q_y/p_y",
  reference: "Saerens, Latinne & Decaestecker, Adjusting the Outputs of a Classifier to New a Priori Probabilities, Neural Computation 2002; Lipton, Wang & Smola, Detecting and Correcting for Label Shift with Black Box Predictors, ICML 2018",
  params: z.object({
    estimate: z.enum(["em", "bbse"]).default("em").describe("how the target priors are estimated: em (Saerens et al.) or bbse (confusion-matrix inversion)"),
    maxWeight: z.number().positive().default(20).describe("cap on each class weight q_y/p_y"),
  }),
  async weights({ source, target }, prm, ctx) {
    let k = 0;
    for (const v of source.y) if (v + 1 > k) k = v + 1;
    const ns = source.X.rows;
    const p = new Array<number>(k).fill(0);
    for (const v of source.y) p[v]! += 1 / ns;
    const notes: string[] = [];
    let q: number[];
    const details: Record<string, unknown> = { sourcePriors: p };
    if (prm.estimate === "em") {
      const clf = (ctx.probabilisticEstimator ?? ctx.estimator)();
      await clf.fit(source.X, source.y, { numClasses: k, rng: ctx.rng.fork("prior-correction"), signal: ctx.signal });
      const P = clf.predictProba(target.X);
      const em = emPriors(P.data, target.X.rows, P.cols, p);
      q = em.priors;
      details.iterations = em.iterations;
      details.converged = em.converged;
      if (!em.converged) notes.push(`prior-correction: EM stopped after ${em.iterations} iterations before the priors settled`);
    } else {
      const b = blackBoxShiftEstimation(source, target.X, { rng: ctx.rng.fork("bbse"), numClasses: k });
      q = b.targetPriors;
      details.minSingularValue = b.minSingularValue;
      notes.push(...b.notes.map((t) => `prior-correction (bbse): ${t}`));
    }
    details.targetPriors = q;
    const cw = q.map((qy, y) => (p[y]! > 0 ? Math.min(prm.maxWeight, qy / p[y]!) : 0));
    if (q.some((qy, y) => p[y]! > 0 && qy / p[y]! > prm.maxWeight)) notes.push(`prior-correction: class weights capped at maxWeight=${prm.maxWeight}`);
    if (Math.min(...q.filter((_, y) => p[y]! > 0)) < 0.01 / k) {
      notes.push(`prior-correction: an estimated target prior is near 0 (${q.map((v) => v.toFixed(3)).join(", ")}); if the inputs also shift within classes, the label-shift assumption fails and this estimate is not to be trusted`);
    }
    const w = Float64Array.from(source.y, (y) => cw[y]!);
    // Every row weighted 0 (all target mass on classes the source lacks) cannot train anything: fall back to 1.
    if (!w.some((v) => v > 0)) {
      w.fill(1);
      notes.push("prior-correction: no source class has target mass; unweighted");
    }
    return { weights: w, notes, details };
  },
});
