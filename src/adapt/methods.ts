// The method catalogue: ONE LINE PER METHOD. Adding a method = one file + one line here; the registry
// (./registry.ts) and the conformance suite pick it up automatically.
export { sourceOnly } from "./baselines/source-only.js";
export { targetOnly } from "./baselines/target-only.js";
export { sourceTarget } from "./baselines/source-target.js";
export { oracle } from "./baselines/oracle.js";
