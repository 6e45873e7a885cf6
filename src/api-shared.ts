// The part of the user API that the Node entry (src/index.ts) and the browser entry (src/browser.ts) both export.
// Nothing here may reach a Node built-in: the browser build bundles this file.

// Errors and the shapes every API takes.
export { TransferLabError, isTransferLabError, type ErrorCode, type ErrorLocation } from "./core/errors.js";
export { Matrix } from "./core/matrix.js";
export { Rng } from "./core/rng.js";
export type { Domain, LabelledDomain, UnlabelledDomain, Labels } from "./core/domain.js";

// Shift generators and shift statistics.
export { generators, type Generator } from "./data/generators/index.js";
export type { DomainPair } from "./data/pair.js";
export { summarizeShift, type ShiftSummary } from "./metrics/shift-summary.js";

// Methods and estimators by name.
export { listMethods, getMethod, methodNames, type MethodName } from "./adapt/registry.js";
export type { Adapter, Family } from "./adapt/types.js";
export { estimatorNames, getEstimator, type EstimatorName } from "./estimators/registry.js";
export type { Estimator } from "./estimators/types.js";
export { SVC, type SVCParams } from "./estimators/svc.js";
export { LogisticRegression, type LogisticRegressionParams } from "./estimators/logreg.js";
export { KnnClassifier, type KnnParams } from "./estimators/knn.js";
export { MlpClassifier, type MlpParams } from "./estimators/mlp.js";

// The words evaluate's options use.
export type { Protocol } from "./data/split.js";
export type { Scale } from "./data/prepare.js";
