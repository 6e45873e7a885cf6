// CDAN: the discriminator sees the multilinear map f ⊗ softmax(logits) (softmax detached), through gradient
// reversal; +E weights each example by 1 + exp(−entropy) of its prediction (normalised over the joint batch).
import { z } from "zod";
import { bceWithLogits, concat, detach, entropyWeights, gradReverse, mlp, outer, softmax } from "../../engine/index.js";
import { defineDeepMethod } from "./define.js";
import { domainLabels } from "./domain.js";

export const cdan = defineDeepMethod({
  name: "cdan",
  description: "conditional adversarial adaptation: a discriminator on features ⊗ predictions behind gradient reversal (+E: entropy weights)",
  reference: "Long, Cao, Wang & Jordan, Conditional Adversarial Domain Adaptation, NeurIPS 2018",
  params: z.object({
    tradeoff: z.number().min(0).default(1).describe("weight of the conditional adversarial term"),
    entropy: z.boolean().default(false).describe("CDAN+E: weight examples by 1 + exp(−entropy of the prediction)"),
    discriminatorWidth: z.number().int().positive().default(256).describe("width of the discriminator's two hidden layers"),
  }),
  modules: ({ featureDim, numClasses, rng }, { discriminatorWidth: w }) => ({ discriminator: mlp([featureDim * numClasses, w, w, 1], { activation: "relu", rng }) }),
  stepLoss({ fs, ft, logitsS, logitsT, modules, grl }, { tradeoff, entropy }) {
    const g = detach(softmax(concat([logitsS, logitsT], 0)));
    const d = modules.discriminator!.forward(gradReverse(outer(concat([fs, ft], 0), g), grl));
    const weights = entropy ? entropyWeights(g) : undefined;
    return { domain: bceWithLogits(d, domainLabels(fs.shape[0]!, ft.shape[0]!), weights).mul(tradeoff) };
  },
});
