// Importance weights from a probabilistic domain classifier (Zadrozny 2004; Bickel, Brückner & Scheffer 2007):
// a logistic regression separates source (0) from target (1); by Bayes' rule
//   w(x) = p_t(x)/p_s(x) = [P(t|x) / P(s|x)] · (n_s / n_t).
// Weights are capped at `maxWeight` (before the base's mean-1 rescale) so one point cannot take the whole mass.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { LogisticRegression } from "../../estimators/index.js";
import { defineInstanceMethod } from "../base.js";

export const domainClassifier = defineInstanceMethod({
  name: "domain-classifier",
  description: "importance weights p_t/p_s from a logistic-regression domain classifier (source vs target)",
  reference: "Bickel, Brückner & Scheffer, Discriminative Learning for Differing Training and Test Distributions, ICML 2007",
  params: z.object({
    C: z.number().positive().default(1).describe("inverse L2 strength of the logistic domain classifier"),
    maxWeight: z.number().positive().default(100).describe("cap on each weight p_t/p_s·n_s/n_t"),
  }),
  weights({ source, target }, p, ctx) {
    const ns = source.X.rows, nt = target.X.rows;
    const X = Matrix.vstack([source.X, target.X]);
    const d = new Int32Array(ns + nt);
    d.fill(1, ns);
    const clf = new LogisticRegression({ C: p.C });
    clf.fit(X, d, { numClasses: 2, rng: ctx.rng.fork("domain-classifier"), memoryBudget: ctx.memoryBudget });
    const P = clf.predictProba(source.X);
    const w = new Float64Array(ns);
    let capped = 0;
    for (let i = 0; i < ns; i++) {
      const pt = P.data[i * 2 + 1]!, ps = P.data[i * 2]!;
      let v = ps > 0 ? (pt / ps) * (ns / nt) : p.maxWeight;
      if (v > p.maxWeight) { v = p.maxWeight; capped++; }
      w[i] = v;
    }
    const notes = capped > 0 ? [`domain-classifier: ${capped} of ${ns} weights capped at maxWeight=${p.maxWeight}`] : [];
    return { weights: w, notes, details: { converged: clf.converged } };
  },
});
