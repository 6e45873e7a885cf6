// Source-only: the estimator trained on the labelled source, applied to the target as is (no adaptation).
import { z } from "zod";
import { defineBaseline } from "../base.js";

export const sourceOnly = defineBaseline({
  name: "source-only",
  description: "train on the labelled source only and apply to the target unchanged (the no-adaptation baseline)",
  reference: "baseline (no adaptation)",
  needs: "none",
  params: z.object({}),
  trainingSet: ({ source }) => ({ X: source.X, y: source.y }),
});
