// Source+target: pool the labelled source and the few labelled target points into one training set.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { defineBaseline, concatLabels } from "../base.js";

export const sourceTarget = defineBaseline({
  name: "source-target",
  description: "train on the labelled source and the few labelled target points pooled together",
  reference: "baseline (data pooling)",
  needs: "labelled",
  params: z.object({}),
  trainingSet: ({ source, targetLabelled }) => ({
    X: Matrix.vstack([source.X, targetLabelled!.X]),
    y: concatLabels(source.y, targetLabelled!.y),
  }),
});
