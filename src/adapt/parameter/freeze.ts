// Freezing the lower layers: the first `layers` backbone blocks keep their pretrained weights (general features),
// the layers above and the head fine-tune.
import { z } from "zod";
import { invalidParam } from "../../core/errors.js";
import { defineParameterMethod } from "./define.js";

export const freeze = defineParameterMethod({
  name: "freeze",
  description: "pretrain the network on the source, freeze its first blocks, fine-tune the rest on the labelled target points",
  reference: "Yosinski, Clune, Bengio & Lipson, How transferable are features in deep neural networks?, NeurIPS 2014",
  params: z.object({ layers: z.number().int().min(1).default(1).describe("backbone blocks (layers with weights, from the input) kept frozen") }),
  plan: ({ blocks }, { layers }) => {
    const backbone = blocks.length - 1;
    if (layers > backbone) throw invalidParam("layers", `method 'freeze': layers ${layers}, but the network has ${backbone} backbone blocks`, `use 1..${backbone}; linear-probe freezes them all`);
    return { lrFactors: () => blocks.map((_, i) => (i < layers ? 0 : 1)) };
  },
});
