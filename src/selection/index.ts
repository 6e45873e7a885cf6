// selection/: label-free validators (each scores a fitted candidate without target-test labels), the scoring of
// one candidate by name, and the guard that keeps a pick only when it beats the baselines.
export * from "./validators.js";
export * from "./score.js";
export * from "./guard.js";
