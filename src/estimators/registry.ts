// The estimator registry: names the CLI and the experiment runner use (--estimator svc|logreg|knn|mlp).
import { TransferLabError, describe } from "../core/errors.js";
import { SVC } from "./svc.js";
import { LogisticRegression } from "./logreg.js";
import { KnnClassifier } from "./knn.js";
import { MlpClassifier } from "./mlp.js";
import type { Estimator, EstimatorFactory, EstimatorSnapshot } from "./types.js";

export type EstimatorName = "svc" | "logreg" | "knn" | "mlp";

export interface EstimatorEntry {
  name: EstimatorName;
  description: string;
  /** How sample weights are honoured (never ignored). */
  sampleWeights: string;
  create(params?: Record<string, unknown>): Estimator;
  load(s: EstimatorSnapshot): Estimator;
}

export const ESTIMATORS: Record<EstimatorName, EstimatorEntry> = {
  svc: {
    name: "svc",
    description: "C-support vector classifier (libsvm), RBF kernel, gamma 'scale', C 1 — scikit-learn's SVC defaults",
    sampleWeights: "weighted systematic resampling (libsvm has no per-sample weights)",
    create: (p = {}) => new SVC(p),
    load: (s) => SVC.load(s),
  },
  logreg: {
    name: "logreg",
    description: "multinomial logistic regression, L2 (C 1), L-BFGS",
    sampleWeights: "exact (weighted loss)",
    create: (p = {}) => new LogisticRegression(p),
    load: (s) => LogisticRegression.load(s),
  },
  knn: {
    name: "knn",
    description: "k-nearest neighbours (k 5, Euclidean)",
    sampleWeights: "exact (weighted votes)",
    create: (p = {}) => new KnnClassifier(p),
    load: (s) => KnnClassifier.load(s),
  },
  mlp: {
    name: "mlp",
    description: "MLP on the engine: 100 ReLU units, Adam, L2 1e-4 — scikit-learn's MLPClassifier defaults",
    sampleWeights: "exact in expectation (weighted mini-batch loss)",
    create: (p = {}) => new MlpClassifier(p),
    load: (s) => MlpClassifier.load(s),
  },
};

export function estimatorNames(): EstimatorName[] {
  return Object.keys(ESTIMATORS) as EstimatorName[];
}

export function getEstimator(name: string): EstimatorEntry {
  const e = typeof name === "string" && Object.hasOwn(ESTIMATORS, name) ? (ESTIMATORS as Record<string, EstimatorEntry>)[name] : undefined;
  if (!e) throw new TransferLabError("INVALID_PARAMETER", `unknown estimator ${typeof name === "string" ? `'${name}'` : describe(name)}`, { param: "estimator" }, `use one of ${estimatorNames().join(", ")}`);
  return e;
}

/** A factory for the named estimator with fixed parameters (validated once, here). */
export function estimatorFactory(name: string, params: Record<string, unknown> = {}): EstimatorFactory {
  const e = getEstimator(name);
  e.create(params);
  return () => e.create(params);
}

/** Restores any registered estimator from its snapshot. */
export function loadEstimator(s: EstimatorSnapshot): Estimator {
  return getEstimator(s.kind).load(s);
}
