// The one method contract (see DESIGN.md): every adaptation method is an Adapter; its family decides what it
// implements, and the shared base in ./base.ts does the rest.
import type { Domain, LabelledDomain, UnlabelledDomain, Labels } from "../core/domain.js";
import type { Matrix } from "../core/matrix.js";
import type { Rng } from "../core/rng.js";
import type { EstimatorFactory } from "../estimators/types.js";

export type Family = "baseline" | "instance" | "feature" | "ot" | "deep" | "parameter" | "self-training";

/** What a method may see. The target-test split is not here, and `target` carries no labels. */
export interface FitData {
  source: LabelledDomain;
  target: UnlabelledDomain;
  targetLabelled?: LabelledDomain;
}

export interface ProgressReporter {
  (fraction: number, message?: string): void;
}

export interface FitContext {
  rng: Rng;
  estimator: EstimatorFactory;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  /** Memory budget in bytes for O(n²) structures (default 2 GB). */
  memoryBudget?: number;
}

export interface FittedModel {
  predict(X: Matrix): Labels;
  predictProba(X: Matrix): Matrix;
  /** Notes the method wants shown with its result (e.g. "switched to Nyström approximation"). */
  notes?: string[];
}

export interface Adapter<P = Record<string, unknown>> {
  readonly name: string;
  readonly family: Family;
  readonly description: string;
  /** The paper or source the method follows. */
  readonly reference: string;
  /** Which target data it needs: "unlabelled" (transductive/UDA) or "labelled" (needs a few target labels). */
  readonly needs: "unlabelled" | "labelled" | "none";
  /** Validates and fills defaults; throws INVALID_PARAMETER naming the parameter. */
  parseParams(raw: Record<string, unknown>): P;
  /** Parameters with their defaults and one-line docs, for `transferlab methods`. */
  readonly paramDocs: ReadonlyArray<{ name: string; default: unknown; doc: string }>;
  fit(data: FitData, ctx: FitContext, params?: Partial<P>): Promise<FittedModel>;
}

export type { Domain };
