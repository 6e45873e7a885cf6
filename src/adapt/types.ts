// The one method contract (see DESIGN.md): every adaptation method is an Adapter; its family decides what it
// implements, and the shared base in ./base.ts does the rest (validation, training the final estimator,
// prediction through the learned map).
import type { Domain, Labels, FitData } from "../core/domain.js";
import type { Matrix } from "../core/matrix.js";
import type { Rng } from "../core/rng.js";
import type { Estimator, EstimatorFactory } from "../estimators/index.js";

export type Family = "baseline" | "instance" | "feature" | "ot" | "deep" | "parameter" | "self-training";

/** What a method may see (defined in core/domain.ts, where data/'s splits can build it too). */
export type { FitData };

export interface ProgressReporter {
  (fraction: number, message?: string): void;
}

export interface FitContext {
  rng: Rng;
  estimator: EstimatorFactory;
  /** The same estimator configured so predictProba is available (e.g. SVC with Platt scaling), for methods that
   * rank by confidence (self-training); falls back to `estimator` when absent. */
  probabilisticEstimator?: EstimatorFactory;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  /** The protocol seed this fit belongs to, the same for every method of that seed (ctx.rng is forked per method):
   * work several methods share and cache, such as the parameter family's pretraining, is seeded by it. Absent:
   * ctx.rng.seed. */
  sharedSeed?: number;
  /** Memory budget in bytes for O(n²) structures (default 2 GB, see DEFAULT_MEMORY_BUDGET in base.ts). */
  memoryBudget?: number;
}

export interface FittedModel {
  /** Predicts target-domain inputs (the base applies the method's target map first). */
  predict(X: Matrix): Labels;
  predictProba(X: Matrix): Matrix;
  /** Predicts held-out SOURCE-domain inputs through the method's source map (for source validation); absent
   * on restored models, which serve target rows. */
  predictSource?(X: Matrix): Labels;
  /** Target probabilities calibrated on held-out SOURCE rows (X, y) through the method's source map, for an
   * estimator whose predictProba needs calibration (SVC without `probability`: Platt scaling on those rows, no
   * refit). Absent when the estimator gives probabilities anyway, and on restored models. */
  calibrateOnSource?(X: Matrix, y: Labels): (Xt: Matrix) => Matrix;
  /** Notes the method wants shown with its result (e.g. "switched to Nyström approximation"). */
  notes: string[];
  /** What the method learned, for inspection and fidelity tests. */
  details: FitDetails;
  /** A JSON snapshot from which restoreFitted (./model-state.ts) rebuilds a model with bit-identical
   * predictions. Every registered method provides it (the conformance suite checks); a method with its own
   * state (deep networks: config + engine weights) returns { kind: "method", ... } and implements
   * Adapter.restore. Throws UNSUPPORTED when a part (e.g. a target map without state) cannot be saved. */
  save?(): FittedState;
}

/** What FittedModel.save returns; see ./model-state.ts. */
export type FittedState = import("./model-state.js").FittedState;

export interface FitDetails {
  /** Instance methods: the source weights as the method computed them (before the base's mean-1 rescale). */
  weights?: Float64Array;
  /** Feature/OT methods: the features the estimator was trained on for the source rows. */
  mappedSource?: Matrix;
  /** The fitted final estimator (absent when a constant model was used because one class was present). */
  estimator?: Estimator;
  /** False when an iterative solver stopped at its iteration cap before its tolerance (KMM, Sinkhorn, EM);
   *  evaluate puts it in the verdict. Absent: the method has no such solver, or it converged. */
  converged?: boolean;
  /** Anything else a method wants to expose (pseudo-label counts, iterations, ...). */
  [key: string]: unknown;
}

/** Which target data a method needs: none (source only), unlabelled target inputs, a few target labels,
 * or (oracle only) every target label — an oracle is never run unless asked for, and always labelled as such. */
export type Needs = "none" | "unlabelled" | "labelled" | "oracle";

export interface ParamDoc {
  name: string;
  default: unknown;
  doc: string;
}

export interface Adapter<P = Record<string, unknown>> {
  readonly name: string;
  readonly family: Family;
  readonly description: string;
  /** The paper or source the method follows. */
  readonly reference: string;
  readonly needs: Needs;
  /** Whether fit may read `targetLabelled`. When false the base removes it before the method runs, so the fit
   * depends only on the source and the unlabelled target (evaluate then reuses one fit across seeds when those
   * inputs are the same). False for unsupervised instance/feature/OT methods and source-only; absent means true. */
  readonly seesTargetLabels?: boolean;
  /** Validates and fills defaults; throws INVALID_PARAMETER naming the parameter. */
  parseParams(raw: Record<string, unknown>): P;
  /** Parameters with their defaults and one-line docs, for `transferlab methods`. */
  readonly paramDocs: ReadonlyArray<ParamDoc>;
  /** Rebuilds a fitted model from the `state` of a { kind: "method" } FittedState (methods whose fitted model
   * is not "a target map + an estimator", e.g. deep networks: their config and engine/nn/serialize weights). */
  restore?(state: unknown): FittedModel;
  /** Fits the method and the final estimator. `params` are raw (validated by parseParams). */
  fit(data: FitData, ctx: FitContext, params?: Partial<P> | Record<string, unknown>): Promise<FittedModel>;
}

export type { Domain };
