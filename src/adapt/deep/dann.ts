// DANN: a domain discriminator on the features through a gradient-reversal layer (coefficient λ_p from the base).
import { z } from "zod";
import { bceWithLogits, concat, gradReverse, mlp } from "../../engine/index.js";
import { defineDeepMethod } from "./define.js";
import { domainLabels } from "./domain.js";

export const dann = defineDeepMethod({
  name: "dann",
  description: "domain-adversarial training: features that a discriminator behind a gradient-reversal layer cannot tell apart",
  reference: "Ganin & Lempitsky, Unsupervised Domain Adaptation by Backpropagation, ICML 2015; Ganin et al., JMLR 2016",
  params: z.object({
    tradeoff: z.number().min(0).default(1).describe("weight of the domain-adversarial term"),
    discriminatorWidth: z.number().int().positive().default(256).describe("width of the discriminator's two hidden layers"),
  }),
  modules: ({ featureDim, rng }, { discriminatorWidth: w }) => ({ discriminator: mlp([featureDim, w, w, 1], { activation: "relu", rng }) }),
  stepLoss({ fs, ft, modules, grl }, { tradeoff }) {
    const d = modules.discriminator!.forward(gradReverse(concat([fs, ft], 0), grl));
    return { domain: bceWithLogits(d, domainLabels(fs.shape[0]!, ft.shape[0]!)).mul(tradeoff) };
  },
});
