// Fine-tuning: every layer of the pretrained network trains on the labelled target points.
import { z } from "zod";
import { defineParameterMethod } from "./define.js";

export const finetune = defineParameterMethod({
  name: "finetune",
  description: "pretrain the network on the source, then fine-tune every layer on the labelled target points",
  reference: "Yosinski, Clune, Bengio & Lipson, How transferable are features in deep neural networks?, NeurIPS 2014",
  params: z.object({}),
  plan: ({ blocks }) => ({ lrFactors: () => blocks.map(() => 1) }),
});
