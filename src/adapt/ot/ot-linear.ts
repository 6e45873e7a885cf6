// The linear Gaussian (Monge) map: the closed-form OT map between Gaussian fits of source and target,
// applied to the source. Knott & Smith 1984; Flamary, Lounici & Ferrari, "Concentration bounds for linear
// Monge mapping estimation and optimal transport domain adaptation", 2019 (POT's LinearTransport).
import { z } from "zod";
import { defineFeatureMethod, denseBytes, requireBudget } from "../base.js";
import { identityMap } from "../target-map.js";
import { linearMongeMap } from "./linear-map.js";

export const otLinear = defineFeatureMethod({
  name: "ot-linear",
  family: "ot",
  description: "linear Monge map between Gaussian fits of source and target, applied to the source",
  reference: "Knott & Smith, On the optimal mapping of distributions, JOTA 1984; Flamary, Lounici & Ferrari, arXiv:1905.10155, 2019",
  params: z.object({
    reg: z.number().positive().default(1e-8).describe("added to both covariance diagonals (POT default 1e-8)"),
    bias: z.boolean().default(true).describe("also match the means (b = μt − μs·A)"),
  }),
  fitMap({ source, target }, p, ctx) {
    // ≈ 9 float64 d×d matrices at once (the covariances, their square roots, the eigendecompositions' copies, the
    // products: peak RSS grew by 7.2 d²·8 bytes from d = 600 to 1,000) plus the float64 copies of both domains and
    // the mapped source.
    const d = source.X.cols;
    requireBudget(ctx, 9 * denseBytes(d, d) + 3 * denseBytes(source.X.rows + target.X.rows, d), `ot-linear on ${d} features (9 float64 ${d}×${d} matrices)`, "reduce the features first or raise --memory-budget");
    const m = linearMongeMap(source.X, target.X, p.reg, p.bias);
    return { mappedSource: m.apply(source.X), mapTarget: identityMap(), mapSource: (X) => m.apply(X), details: { A: m.A, b: m.b, map: m } };
  },
});
