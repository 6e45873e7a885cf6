// A source/target pair as the rest of transferlab receives it, with what was done to it.
import type { LabelledDomain } from "../core/domain.js";

export type ScalingInfo =
  | { rule: "none" }
  | { rule: "pixel"; scale: number }
  | { rule: "standardize"; mean: number[]; std: number[] };

export interface DomainPair {
  /** e.g. "mnist→optdigits" or "moons(angle=30)". */
  name: string;
  source: LabelledDomain;
  /** Labelled so a test split can be cut from it (see splitTarget); methods only ever see it without labels. */
  target: LabelledDomain;
  kind: "image" | "tabular" | "synthetic";
  scaling: ScalingInfo;
  /** Height × width when features are image pixels (row-major). */
  imageShape?: [number, number];
  /** Provenance and parameters, one line each. */
  notes: string[];
}
