// ULMFiT's gradual unfreezing: train the head alone first, then unfreeze one more block per stage from the top, so
// the general lower layers move only once the layers above have adapted. Stages split the iterations equally.
import { z } from "zod";
import { defineParameterMethod } from "./define.js";

/** Blocks trainable at progress p with `stages` equal stages: the top 1, 2, … blocks (at least the head). */
export function unfrozenFromTop(p: number, blocks: number, stages: number): number {
  return Math.min(blocks, 1 + Math.floor(p * stages));
}

export const progressiveUnfreezing = defineParameterMethod({
  name: "progressive-unfreezing",
  description: "pretrain the network on the source; fine-tune the head first, then unfreeze one more block per stage from the top",
  reference: "Howard & Ruder, Universal Language Model Fine-tuning for Text Classification (ULMFiT), ACL 2018",
  params: z.object({}),
  plan: ({ blocks }) => {
    const n = blocks.length;
    return {
      lrFactors: (p) => {
        const open = unfrozenFromTop(p, n, n);
        return blocks.map((_, i) => (i >= n - open ? 1 : 0));
      },
      details: { stages: n },
    };
  },
});
