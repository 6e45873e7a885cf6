// Nearest-neighbour weighting (Loog, Nearest neighbor-based importance weighting, MLSP 2012): each source point
// is weighted by how many target points fall in its Voronoi cell — i.e. how many target points have it among
// their k nearest source points — plus Laplace smoothing, so that source regions without target mass keep a
// small weight instead of vanishing: w_i = smoothing + #{ j : xs_i ∈ kNN_source(xt_j) }.
import { z } from "zod";
import { kernels } from "../../engine/index.js";
import { smallestK } from "../../estimators/index.js";
import { defineInstanceMethod, throwIfAborted } from "../base.js";

export const nearestNeighbourWeighting = defineInstanceMethod({
  name: "nn-weighting",
  description: "source weights = number of target points whose nearest source neighbour it is (+ smoothing)",
  reference: "Loog, Nearest Neighbor-Based Importance Weighting, IEEE MLSP 2012",
  params: z.object({
    k: z.number().int().positive().default(1).describe("each target point votes for its k nearest source points"),
    smoothing: z.number().nonnegative().default(1).describe("added to every count (Laplace smoothing)"),
  }),
  weights({ source, target }, p, ctx) {
    const ns = source.X.rows, nt = target.X.rows, d = source.X.cols;
    const k = Math.min(p.k, ns);
    const w = new Float64Array(ns).fill(p.smoothing);
    const block = 256;
    const dist = new Float32Array(Math.min(block, nt) * ns);
    const kern = kernels();
    const best = new Int32Array(k);
    for (let r0 = 0; r0 < nt; r0 += block) {
      throwIfAborted(ctx.signal);
      const m = Math.min(block, nt - r0);
      kern.sqdist(target.X.data.subarray(r0 * d, (r0 + m) * d), m, source.X.data, ns, d, dist);
      for (let r = 0; r < m; r++) {
        // k smallest, ties to the lower source index (as a stable sort would).
        smallestK(dist.subarray(r * ns, (r + 1) * ns), k, best);
        for (let q = 0; q < k; q++) w[best[q]!]! += 1;
      }
    }
    return { weights: w };
  },
});
