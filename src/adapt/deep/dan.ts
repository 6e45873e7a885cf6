// DAN: multi-kernel MMD² between source and target features (five Gaussian kernels around the batch's mean
// squared distance, as the tutorial's code).
import { z } from "zod";
import { multiKernelMmd2 } from "../../engine/index.js";
import { defineDeepMethod } from "./define.js";

export const dan = defineDeepMethod({
  name: "dan",
  description: "features with a small multi-kernel MMD² between source and target batches",
  reference: "Long, Cao, Wang & Jordan, Learning Transferable Features with Deep Adaptation Networks, ICML 2015",
  params: z.object({
    tradeoff: z.number().min(0).default(1).describe("weight of the MMD² term"),
    kernels: z.number().int().min(1).default(5).describe("Gaussian kernels, bandwidths base·2^k around the batch's mean squared distance"),
    ramp: z.boolean().default(false).describe("scale the MMD² term by 2/(1+exp(−10p))−1 (the DeepDA code's warm-up; guards against early feature collapse)"),
  }),
  stepLoss: ({ fs, ft, grl }, { tradeoff, kernels, ramp }) => ({ mmd: multiKernelMmd2(fs, ft, { kernels, multiplier: 2 }).mul(tradeoff * (ramp ? grl : 1)) }),
});
