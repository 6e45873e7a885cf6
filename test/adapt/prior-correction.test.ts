// Class-prior correction (src/adapt/instance/prior-correction.ts) against closed forms: with exact Bayes
// posteriors, Saerens et al.'s EM recovers the target priors a sample was drawn with; q = p is a fixed point;
// and the registered method recovers the priors of the prior-shift generator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/index.js";
import { emPriors, priorCorrection } from "../../src/adapt/instance/prior-correction.js";
import { priorShift } from "../../src/data/generators/shifts.js";
import { logisticRegressionFactory } from "../../src/estimators/logreg.js";

/** Two 1-D Gaussian classes N(∓1, 1); exact source posterior for source priors p. */
function posteriors(xs: number[], p: number[]): Float64Array {
  const P = new Float64Array(xs.length * 2);
  xs.forEach((x, i) => {
    const l0 = p[0]! * Math.exp(-((x + 1) ** 2) / 2), l1 = p[1]! * Math.exp(-((x - 1) ** 2) / 2);
    P[2 * i] = l0 / (l0 + l1);
    P[2 * i + 1] = l1 / (l0 + l1);
  });
  return P;
}

test("EM with exact posteriors recovers the priors the target was drawn with", () => {
  const rng = new Rng(3);
  const p = [0.5, 0.5];
  for (const q1 of [0.1, 0.3, 0.8]) {
    const n = 20000;
    const xs = Array.from({ length: n }, () => (rng.uniform() < q1 ? 1 : -1) + rng.normal());
    const em = emPriors(posteriors(xs, p), n, 2, p);
    assert.ok(em.converged);
    // Sampling noise of a proportion over 20000 draws, inflated by the class overlap: well under 0.02.
    assert.ok(Math.abs(em.priors[1]! - q1) < 0.02, `q1 = ${q1}: EM ${em.priors[1]}`);
  }
});

test("EM: the source priors are a fixed point when the posteriors average to them", () => {
  // Posteriors whose mean is exactly p: one step returns p.
  const P = Float64Array.from([0.9, 0.1, 0.1, 0.9, 0.7, 0.3, 0.3, 0.7]);
  const em = emPriors(P, 4, 2, [0.5, 0.5]);
  assert.deepEqual(em.priors.map((v) => Math.round(v * 1e12) / 1e12), [0.5, 0.5]);
  assert.equal(em.iterations, 1);
});

test("prior-correction recovers the prior-shift generator's target priors (EM and BBSE)", async () => {
  const pair = priorShift({ n: 3000, targetPriors: [0.7, 0.2, 0.1], separation: 3 }, new Rng(1));
  for (const estimate of ["em", "bbse"] as const) {
    const fit = await priorCorrection.fit({ source: pair.source, target: { name: "t", X: pair.target.X } },
      { rng: new Rng(2), estimator: logisticRegressionFactory() }, { estimate });
    const q = fit.details.targetPriors as number[];
    [0.7, 0.2, 0.1].forEach((truth, y) => assert.ok(Math.abs(q[y]! - truth) < 0.04, `${estimate}: q = ${q.map((v) => v.toFixed(3))}`));
    // Source rows are weighted q_y / p_y (p uniform here), before the base's mean-1 rescale.
    const w = fit.details.weights as Float64Array;
    assert.ok(Math.abs(w[0]! / w[pair.source.y.indexOf(2)]! - q[0]! / q[2]!) < 1e-9);
  }
});
