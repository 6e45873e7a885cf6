// One contract for every estimator: fit, predict, predictProba, save/load.
import type { Matrix } from "../core/matrix.js";
import type { Labels } from "../core/domain.js";
import type { Rng } from "../core/rng.js";

export interface FitOptions {
  /** Per-sample weights (instance-based methods); an estimator that cannot honour them must throw UNSUPPORTED. */
  sampleWeight?: Float32Array;
  /** Number of classes when some classes are absent from y. */
  numClasses?: number;
  rng?: Rng;
  signal?: AbortSignal;
  /** Bytes the fit may hold at once (core/budget.ts; default 2 GB, capped by the machine): an estimator whose
   *  working memory grows with the data checks it before allocating (MEMORY_BUDGET). */
  memoryBudget?: number;
}

export interface Estimator {
  readonly name: string;
  /** Whether fit honours sampleWeight (exactly, or by a documented weighted resampling). */
  readonly supportsSampleWeight: boolean;
  fit(X: Matrix, y: Labels, opts?: FitOptions): Promise<void> | void;
  predict(X: Matrix): Labels;
  /** Rows are class probabilities (n × k). */
  predictProba(X: Matrix): Matrix;
  /** An unfitted copy configured so predictProba works (SVC: Platt scaling); absent when it always works. */
  withProbabilities?(): Estimator;
  /** A copy whose predictProba is calibrated on held-out rows (SVC: Platt scaling, no refit); absent when
   * predictProba always works. */
  calibrated?(X: Matrix, y: Labels): Estimator;
  /** A JSON-serialisable snapshot from which `load` restores the fitted estimator. */
  save(): EstimatorSnapshot;
}

export interface EstimatorSnapshot {
  kind: string;
  version: 1;
  params: Record<string, unknown>;
  state: unknown;
}

export type EstimatorFactory = () => Estimator;
