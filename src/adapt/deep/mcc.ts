// MCC: minimise the class confusion of the target predictions (temperature-scaled, entropy-weighted).
import { z } from "zod";
import { mccLoss } from "../../engine/index.js";
import { defineDeepMethod } from "./define.js";

export const mcc = defineDeepMethod({
  name: "mcc",
  description: "minimum class confusion on the target predictions",
  reference: "Jin, Wang, Long & Wang, Minimum Class Confusion for Versatile Domain Adaptation, ECCV 2020",
  params: z.object({
    tradeoff: z.number().min(0).default(1).describe("weight of the class-confusion term"),
    temperature: z.number().positive().default(2.5).describe("softmax temperature of the confusion matrix"),
  }),
  stepLoss: ({ logitsT }, { tradeoff, temperature }) => ({ confusion: mccLoss(logitsT, temperature).mul(tradeoff) }),
});
