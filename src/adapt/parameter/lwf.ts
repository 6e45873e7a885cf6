// Learning without forgetting: the pretrained network is a teacher on the target inputs; fine-tuning adds the KL
// between its softened outputs and the student's at temperature T to the target cross-entropy (Li & Hoiem 2016,
// with Hinton et al.'s temperature).
import { z } from "zod";
import { Tensor, gather, mul } from "../../engine/index.js";
import { defineParameterMethod } from "./define.js";
import { distillationKl, softTargets } from "./penalties.js";

export const lwf = defineParameterMethod({
  name: "lwf",
  description: "pretrain the network on the source; fine-tune with the KL to the pretrained network's outputs on the target inputs at temperature T",
  reference: "Li & Hoiem, Learning without Forgetting, ECCV 2016 (TPAMI 2018); Hinton, Vinyals & Dean, Distilling the Knowledge in a Neural Network, 2015",
  params: z.object({
    temperature: z.number().positive().default(2).describe("distillation temperature T"),
    distillWeight: z.number().min(0).default(1).describe("weight of the distillation term"),
  }),
  plan: ({ network, blocks, target }, { temperature, distillWeight }) => {
    const k = network.numClasses;
    const teacher = new Tensor(softTargets(network, target.X, temperature), [target.X.rows, k]);
    return {
      lrFactors: () => blocks.map(() => 1),
      penalty: ({ logits, rows }) => ({ distillation: mul(distillationKl(logits, gather(teacher, rows), temperature), distillWeight) }),
    };
  },
});
