// One `prepare`: input scaling for a source/target pair, fitted on the source inputs only (never on labels).
// The rules:
//  - pixel: divide both domains by the dataset's declared pixel range (mnist 255, optdigits 16); per-pixel
//    standardisation would blow up nearly-always-blank border pixels and drive mnist→optdigits to chance;
//  - global: divide every feature of both domains by one number, the largest |x| over source ∪ target
//    (pixel data without a declared range: 0–16 or 0–255 becomes 0–1, relative intensities kept);
//  - standardize (alias "standard"): z-score every feature with the source's mean and population standard
//    deviation (constant features map to 0);
//  - none: as given;
//  - auto: by the kind of pair — images: global (evaluate) or pixel (the loader, which knows the range),
//    tabular files: standardize, synthetic generators: none.
import { Matrix, columnMeanStd } from "../core/matrix.js";
import type { Domain } from "../core/domain.js";
import { positive } from "../core/validate.js";
import { TransferLabError } from "../core/errors.js";
import type { DomainPair, ScalingInfo } from "./pair.js";

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
  return { ...d, X: applyScale(d.X, { rule: "standard", mean: [...mean], std: [...std] }) };
}

/** The loader's rules (resolveDomainPair, assess). */
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

/** The protocol's rules (evaluate, the runner): "auto" resolves from the pair's kind with resolveScale. */
export type Scale = "global" | "standard" | "none";

export interface ScaleInfo {
  rule: Scale;
  /** global: the divisor; standard: per-feature mean/std of the source. */
  divisor?: number;
  mean?: number[];
  std?: number[];
}

/** "auto" as evaluate reads it: global for images, standard for tables, none for synthetic pairs (standard when the
 *  kind is unknown: z-scoring is the safe choice for arbitrary features). */
export function resolveScale(rule: Scale | "auto", kind?: DomainPair["kind"] | string): Scale {
  if (rule !== "auto") return rule;
  return kind === "image" ? "global" : kind === "synthetic" ? "none" : "standard";
}

export function scalePair(source: Matrix, target: Matrix, rule: Scale): { source: Matrix; target: Matrix; info: ScaleInfo } {
  if (rule === "none") return { source, target, info: { rule } };
  if (rule === "global") {
    let m = 0;
    for (const v of source.data) if (Math.abs(v) > m) m = Math.abs(v);
    for (const v of target.data) if (Math.abs(v) > m) m = Math.abs(v);
    if (m === 0) m = 1;
    const info: ScaleInfo = { rule, divisor: m };
    return { source: applyScale(source, info), target: applyScale(target, info), info };
  }
  if (rule === "standard") {
    const info: ScaleInfo = { rule, ...featureStats({ name: "source", X: source }) };
    return { source: applyScale(source, info), target: applyScale(target, info), info };
  }
  throw new TransferLabError("INVALID_PARAMETER", `unknown scale '${String(rule)}'`, { param: "scale" }, "use global, standard or none");
}

/** The scaling a ScaleInfo describes, applied to any rows (new rows at prediction time get exactly the
 * transformation the training rows got). */
export function applyScale(X: Matrix, info: ScaleInfo): Matrix {
  if (info.rule === "none") return X;
  if (info.rule === "global") {
    const m = info.divisor!;
    return new Matrix(X.rows, X.cols, X.data.map((v) => v / m));
  }
  const d = X.cols, mean = info.mean!, sd = info.std!;
  if (mean.length !== d) throw new TransferLabError("FEATURE_MISMATCH", `scaling was fitted on ${mean.length} features, got ${d}`);
  const out = new Matrix(X.rows, d);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) out.data[i * d + j] = (X.data[i * d + j]! - mean[j]!) / sd[j]!;
  return out;
}

/** One prepare for the protocol: the pair scaled by `rule` ("auto" resolved from pair.kind), fitted on the source. */
export function prepare<S extends Domain, T extends Domain>(pair: { source: S; target: T; kind?: DomainPair["kind"] }, rule: Scale | "auto"): { source: S; target: T; info: ScaleInfo } {
  const s = scalePair(pair.source.X, pair.target.X, resolveScale(rule, pair.kind));
  return { source: { ...pair.source, X: s.source }, target: { ...pair.target, X: s.target }, info: s.info };
}
