// L2-SP: instead of weight decay towards 0, pull the pretrained weights towards their starting point w⁰ —
// α/2·‖w − w⁰‖² over the backbone — and decay the head, β/2·‖w_head‖² (Li, Grandvalet & Davoine 2018).
import { z } from "zod";
import { add, mul } from "../../engine/index.js";
import type { Parameter, Tensor } from "../../engine/index.js";
import { defineParameterMethod } from "./define.js";
import { anchoredSquaredDistance, constantLike } from "./penalties.js";

/** α/2·Σ‖w − w⁰‖² over the backbone parameters (anchors w⁰) + β/2·Σ‖w‖² over the head's. */
export function l2SpPenalty(backbone: Parameter[], anchors: Tensor[], head: Parameter[], alpha: number, beta: number): Tensor {
  return add(mul(anchoredSquaredDistance(backbone, anchors), alpha / 2), mul(anchoredSquaredDistance(head, head.map(() => null)), beta / 2));
}

export const l2Sp = defineParameterMethod({
  name: "l2-sp",
  description: "pretrain the network on the source; fine-tune every layer with α/2‖w − w⁰‖² towards the pretrained weights and β/2‖w_head‖²",
  reference: "Li, Grandvalet & Davoine, Explicit Inductive Bias for Transfer Learning with Convolutional Networks, ICML 2018",
  params: z.object({
    alpha: z.number().min(0).default(0.1).describe("weight α of the pull towards the pretrained backbone weights"),
    beta: z.number().min(0).default(0.01).describe("weight β of the L2 penalty on the head"),
  }),
  plan: ({ blocks, anchor }, { alpha, beta }) => {
    const backbone = blocks.slice(0, -1).flatMap((b) => b.params);
    const anchors = blocks.slice(0, -1).flatMap((b, i) => b.params.map((p, k) => constantLike(p, anchor[i]![k]!)));
    const head = blocks.at(-1)!.params;
    return {
      lrFactors: () => blocks.map(() => 1),
      weightDecay: 0, // the penalty replaces weight decay
      penalty: () => ({ "l2-sp": l2SpPenalty(backbone, anchors, head, alpha, beta) }),
    };
  },
});
