// Oracle: trained on the labels of every target point the protocol holds. It reads labels no real user has, so
// it is an upper bound only: never run unless asked for, and always reported as "oracle".
import { z } from "zod";
import { defineBaseline } from "../base.js";

export const oracle = defineBaseline({
  name: "oracle",
  description: "ORACLE upper bound: trained on all target labels (not a usable method; run only when asked)",
  reference: "baseline (oracle upper bound)",
  needs: "oracle",
  params: z.object({}),
  trainingSet: ({ targetLabelled }) => ({ X: targetLabelled!.X, y: targetLabelled!.y, notes: ["oracle: trained on target labels a real user does not have"] }),
});
