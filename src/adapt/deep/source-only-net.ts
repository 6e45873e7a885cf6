// The deep baseline: the same backbone, head, batches and schedule as every deep method, with no adaptation term,
// so each deep result has a matching network trained without adaptation beside it.
import { z } from "zod";
import { defineDeepMethod } from "./define.js";

export const sourceOnlyNet = defineDeepMethod({
  name: "source-only-net",
  description: "the deep methods' network trained on the source labels (and any target labels) without adaptation",
  reference: "the common baseline of Ganin & Lempitsky (ICML 2015) and Long et al. (ICML 2015): same network, no adaptation loss",
  params: z.object({}),
  stepLoss: () => ({}),
});
