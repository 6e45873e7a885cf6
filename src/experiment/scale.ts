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
    const f = (X: Matrix) => new Matrix(X.rows, X.cols, X.data.map((v) => v / m));
    return { source: f(source), target: f(target), info: { rule, divisor: m } };
  }
  if (rule === "standard") {
    const d = source.cols, n = source.rows;
    const mean = new Float64Array(d), sd = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += source.data[i * d + j]! / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j]! += (source.data[i * d + j]! - mean[j]!) ** 2 / n;
    for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
    const f = (X: Matrix) => {
      const out = new Matrix(X.rows, d);
      for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) out.data[i * d + j] = (X.data[i * d + j]! - mean[j]!) / sd[j]!;
      return out;
    };
    return { source: f(source), target: f(target), info: { rule, mean: Array.from(mean), std: Array.from(sd) } };
  }
  throw new TransferLabError("INVALID_PARAMETER", `unknown scale '${String(rule)}'`, { param: "scale" }, "use global, standard or none");
}
