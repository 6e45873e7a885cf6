// OT-DA with the exact coupling: transport the source onto the target by the earth mover's plan, train on the
// barycentric images. Courty, Flamary, Tuia & Rakotomamonjy, "Optimal Transport for Domain Adaptation", TPAMI 2017.
import { z } from "zod";
import { defineFeatureMethod } from "../base.js";
import { identityMap } from "../target-map.js";
import { emdPlan } from "./emd.js";
import { transportSource } from "./transport.js";
import { transportParams } from "./common-params.js";

export const otEmd = defineFeatureMethod({
  name: "ot-emd",
  family: "ot",
  description: "exact optimal transport (network simplex) of the source onto the target, barycentric mapping",
  reference: "Courty, Flamary, Tuia & Rakotomamonjy, Optimal Transport for Domain Adaptation, IEEE TPAMI 2017",
  params: z.object({ ...transportParams }),
  fitMap({ source, target }, p, ctx) {
    const r = transportSource(source.X, source.y, target.X, (a, b, M) => { const r = emdPlan(a, b, M, { signal: ctx.signal }); return { plan: r.plan, info: { pivots: r.pivots, cost: r.cost } }; },
      { ...p, denseCopies: 3, method: "ot-emd" }, ctx);
    return { mappedSource: r.mappedSource, mapTarget: identityMap(), mapSource: (X) => r.sourceMap.apply(X), notes: r.notes, details: { coupling: r.coupling, sourceMap: r.sourceMap, approximation: r.approximation, ...r.info } };
  },
});
