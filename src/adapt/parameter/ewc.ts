// Elastic weight consolidation: λ/2·Σᵢ Fᵢ(θᵢ − θ*ᵢ)², with F the diagonal Fisher of the source task at the
// pretrained θ* — parameters that matter for the source move less (Kirkpatrick et al. 2017).
import { z } from "zod";
import { mul } from "../../engine/index.js";
import { defineParameterMethod } from "./define.js";
import { anchoredSquaredDistance, constantLike, diagonalFisher } from "./penalties.js";

export const ewc = defineParameterMethod({
  name: "ewc",
  description: "pretrain the network on the source; fine-tune with λ/2·Σ F(θ − θ*)², F the diagonal Fisher of the source task at the pretrained θ*",
  reference: "Kirkpatrick et al., Overcoming catastrophic forgetting in neural networks, PNAS 2017",
  params: z.object({
    lambda: z.number().min(0).default(100).describe("weight λ of the Fisher-weighted pull towards the pretrained weights"),
    fisherSamples: z.number().int().min(1).default(256).describe("source rows (drawn at random from the pretraining rows) the Fisher averages over"),
  }),
  plan: ({ network, blocks, anchor, source, rng }, { lambda, fisherSamples }) => {
    const params = blocks.flatMap((b) => b.params);
    const anchors = blocks.flatMap((b, i) => b.params.map((p, k) => constantLike(p, anchor[i]![k]!)));
    const rows = rng.fork("fisher").permutation(source.X.rows).subarray(0, Math.min(fisherSamples, source.X.rows));
    const fisher = diagonalFisher(network, params, source.X, source.y, rows);
    const weights = params.map((p, k) => constantLike(p, fisher[k]!));
    return {
      lrFactors: () => blocks.map(() => 1),
      penalty: () => ({ ewc: mul(anchoredSquaredDistance(params, anchors, weights), lambda / 2) }),
      details: { fisher },
    };
  },
});
