// The method catalogue: ONE LINE PER METHOD. Adding a method = one file + one line here; the registry
// (./registry.ts) and the conformance suite pick it up automatically.
export { sourceOnly } from "./baselines/source-only.js";
export { targetOnly } from "./baselines/target-only.js";
export { sourceTarget } from "./baselines/source-target.js";
export { oracle } from "./baselines/oracle.js";
export { kmm } from "./instance/kmm.js";
export { kliep } from "./instance/kliep.js";
export { domainClassifier } from "./instance/domain-classifier.js";
export { nearestNeighbourWeighting } from "./instance/nearest-neighbour.js";
