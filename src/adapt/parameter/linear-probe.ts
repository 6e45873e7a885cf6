// Linear probing: the pretrained backbone stays fixed; only the linear head trains on the labelled target points.
import { z } from "zod";
import { defineParameterMethod } from "./define.js";

export const linearProbe = defineParameterMethod({
  name: "linear-probe",
  description: "pretrain the network on the source, then train only its linear head on the labelled target points",
  reference: "Kumar, Raghunathan, Jones, Ma & Liang, Fine-Tuning can Distort Pretrained Features and Underperform Out-of-Distribution, ICLR 2022",
  params: z.object({}),
  plan: ({ blocks }) => ({ lrFactors: () => blocks.map((_, i) => (i === blocks.length - 1 ? 1 : 0)) }),
});
