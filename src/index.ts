// transferlab's public API.
export * from "./core/index.js";
export { LogisticRegression, logisticRegressionFactory, type LogisticRegressionParams } from "./estimators/logreg.js";
