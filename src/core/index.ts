// core/: the shared vocabulary (Matrix, Labels, Domain, Rng, typed errors, validation) and the shared services
// every room may use: the memory budget, atomic writes, small float64 linear algebra and basic statistics.
export * from "./errors.js";
export * from "./matrix.js";
export * from "./rng.js";
export * from "./domain.js";
export * from "./validate.js";
export * from "./budget.js";
export * from "./atomic.js";
export * from "./stats.js";
export * as linalg from "./linalg.js";
