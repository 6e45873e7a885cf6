// Input scaling for an experiment, computed from inputs only (never labels):
//  - global: divide every feature of both domains by one number, the largest |x| over source ∪ target
//    (pixel data: 0–16 or 0–255 becomes 0–1, relative intensities kept);
//  - standard: z-score every feature with the source's mean and standard deviation (constant features → 0);
//  - none: as given.
import { Matrix } from "../core/matrix.js";
import { TransferLabError } from "../core/errors.js";

export type Scale = "global" | "standard" | "none";

/** "auto" as evaluate reads it: global for images, standard for tables, none for synthetic pairs (standard when the
 *  kind is unknown: z-scoring is the safe choice for arbitrary features). */
export function resolveScale(rule: Scale | "auto", kind?: "image" | "tabular" | "synthetic" | string): Scale {
  if (rule !== "auto") return rule;
  return kind === "image" ? "global" : kind === "synthetic" ? "none" : "standard";
}

export interface ScaleInfo {
  rule: Scale;
  /** global: the divisor; standard: per-feature mean/std of the source. */
  divisor?: number;
  mean?: number[];
  std?: number[];
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
    const d = source.cols, n = source.rows;
    const mean = new Float64Array(d), sd = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += source.data[i * d + j]! / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j]! += (source.data[i * d + j]! - mean[j]!) ** 2 / n;
    for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
    const info: ScaleInfo = { rule, mean: Array.from(mean), std: Array.from(sd) };
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
