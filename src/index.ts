// transferlab's public API.
export * from "./core/index.js";
export { LogisticRegression, logisticRegressionFactory, type LogisticRegressionParams } from "./estimators/logreg.js";
export * from "./data/index.js";
export * from "./report/index.js";
export { tsne, trustworthiness, pca, type TsneOptions, type TsneResult, type PcaResult } from "./metrics/tsne.js";
