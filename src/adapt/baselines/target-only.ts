// Target-only: the estimator trained on the few labelled target points alone ("from scratch"); the baseline a
// transfer method must beat, otherwise transfer was negative.
import { z } from "zod";
import { defineBaseline } from "../base.js";

export const targetOnly = defineBaseline({
  name: "target-only",
  description: "train on the few labelled target points only (learning from scratch; the negative-transfer yardstick)",
  reference: "baseline (no transfer)",
  needs: "labelled",
  params: z.object({}),
  trainingSet: ({ targetLabelled }) => ({ X: targetLabelled!.X, y: targetLabelled!.y }),
});
