// core/: the shared vocabulary (Matrix, Labels, Domain, Rng, typed errors, validation) and the shared services
// every room may use: the memory budget, atomic writes, small float64 linear algebra and basic statistics.
export * from "./errors.js";
export * from "./matrix.js";
export * from "./rng.js";
export * from "./domain.js";
export * from "./validate.js";
export * from "./budget.js";
// atomic.ts (Node file writes) is imported directly by the rooms that write files: re-exporting it here would pull
// node:fs into the browser bundle, which imports core through this index.
export * from "./stats.js";
export * as linalg from "./linalg.js";
