// Deep CORAL: align the second-order statistics of source and target features, ‖C_s − C_t‖²_F / (4d²).
import { z } from "zod";
import { coral } from "../../engine/index.js";
import { defineDeepMethod } from "./define.js";

export const deepCoral = defineDeepMethod({
  name: "deep-coral",
  description: "features whose source and target covariances match (CORAL loss on the network's features)",
  reference: "Sun & Saenko, Deep CORAL: Correlation Alignment for Deep Domain Adaptation, ECCV 2016 workshops",
  params: z.object({ tradeoff: z.number().min(0).default(1).describe("weight of the CORAL term") }),
  stepLoss: ({ fs, ft }, { tradeoff }) => ({ coral: coral(fs, ft).mul(tradeoff) }),
});
