// Discriminative fine-tuning: each lower block learns more slowly than the one above it (ULMFiT: lr_{l−1} = lr_l/2.6),
// so general early features change little and the head adapts fastest.
import { z } from "zod";
import { defineParameterMethod } from "./define.js";

export const discriminativeLr = defineParameterMethod({
  name: "discriminative-lr",
  description: "pretrain the network on the source; fine-tune every block with a learning rate divided by a factor per block down from the head",
  reference: "Howard & Ruder, Universal Language Model Fine-tuning for Text Classification (ULMFiT), ACL 2018",
  params: z.object({ factor: z.number().min(1).default(2.6).describe("each block's learning rate is the one above divided by this") }),
  plan: ({ blocks }, { factor }) => {
    const factors = blocks.map((_, i) => Math.pow(factor, -(blocks.length - 1 - i)));
    return { lrFactors: () => factors, details: { lrFactors: factors } };
  },
});
