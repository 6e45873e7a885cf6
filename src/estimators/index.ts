// Estimators: one contract (fit, predict, predictProba, save/load) and a registry by name.
export * from "./types.js";
export * from "./registry.js";
export { SVC, SVC_DEFAULTS } from "./svc.js";
export type { SVCParams } from "./svc.js";
export { LogisticRegression, logisticRegressionFactory } from "./logreg.js";
export type { LogisticRegressionParams } from "./logreg.js";
export { KnnClassifier, KNN_DEFAULTS } from "./knn.js";
export type { KnnParams } from "./knn.js";
export { MlpClassifier, MLP_DEFAULTS } from "./mlp.js";
export type { MlpParams } from "./mlp.js";
export { smallestK } from "./knn.js";
export { activeSvmBackend, forcedSvmBackend, svmBackendStatus } from "./libsvm-backend.js";
