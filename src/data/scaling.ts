// Feature scaling fitted on the source only. Pixels: divide by one global scale (per-pixel standardisation
// blows up nearly-always-blank border pixels and drives MNIST→optdigits source-only accuracy to chance).
// Tabular: standardise every feature with the source mean and standard deviation.
import { Matrix, columnMeanStd } from "../core/matrix.js";
import type { Domain } from "../core/domain.js";
import { positive } from "../core/validate.js";
import type { ScalingInfo } from "./pair.js";

export function scaleDomain<D extends Domain>(d: D, scale: number): D {
  positive("scale", scale);
  const X = new Float32Array(d.X.data.length);
  const inv = 1 / scale;
  for (let i = 0; i < X.length; i++) X[i] = d.X.data[i]! * inv;
  return { ...d, X: new Matrix(d.X.rows, d.X.cols, X) };
}

/** Per-feature mean and standard deviation (population, float64) of a domain; a constant feature gets std 1. */
export function featureStats(d: Domain): { mean: number[]; std: number[] } {
  const { mean, std } = columnMeanStd(d.X, 0);
  return { mean: Array.from(mean), std: Array.from(std) };
}

export function standardizeWith<D extends Domain>(d: D, mean: readonly number[], std: readonly number[]): D {
  const { rows, cols, data } = d.X;
  const X = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) X[i * cols + j] = (data[i * cols + j]! - mean[j]!) / std[j]!;
  return { ...d, X: new Matrix(rows, cols, X) };
}

export type ScalingRule = "auto" | "pixel" | "standardize" | "none";

/** Applies a scaling rule to source and target, fitted on the source only. */
export function applyScaling<S extends Domain, T extends Domain>(
  source: S, target: T, rule: Exclude<ScalingRule, "auto">, pixelScale = 1,
): { source: S; target: T; scaling: ScalingInfo } {
  if (rule === "pixel") return { source: scaleDomain(source, pixelScale), target: scaleDomain(target, pixelScale), scaling: { rule: "pixel", scale: pixelScale } };
  if (rule === "standardize") {
    const { mean, std } = featureStats(source);
    return { source: standardizeWith(source, mean, std), target: standardizeWith(target, mean, std), scaling: { rule: "standardize", mean, std } };
  }
  return { source, target, scaling: { rule: "none" } };
}
