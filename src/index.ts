// transferlab's user API: what a user needs to load data, run and judge adaptation methods, and read results.
// Everything else is on a subpath (package.json "exports"), each the public index of one room:
//   transferlab/engine      tensors, autograd, ops, modules, optimizers, kernel tiers
//   transferlab/methods     the method contract, define* helpers, every method object, the registry
//   transferlab/estimators  the estimator contract, SVC / logistic regression / k-NN / MLP, the registry
//   transferlab/data        loaders, writers, scaling, splits, generators, bundled datasets
//   transferlab/metrics     accuracy, divergences, label shift, transferability scores, t-SNE/PCA
//   transferlab/report      figure specs, SVG/PNG rendering, HTML pages
//   transferlab/browser     the browser build (no Node built-ins; see src/browser.ts)
// Adding an export: a user-facing entry point goes under its heading below; anything else belongs in its room's
// index.ts, where the subpath already reaches it. test/package/exports.test.ts keeps this list deliberate.

// What both entries share (errors, Matrix/Rng/Domain, generators, methods and estimators by name, the
// protocol and scale words): one list, src/api-shared.ts, so the Node and browser entries cannot drift apart.
export * from "./api-shared.js";

// Data: files and bundled datasets.
export { loadDomain, loadSourceTarget, type LoadOptions, type LoadedDomain, type MissingPolicy, type SourceTarget, type SourceTargetFiles } from "./data/load.js";
export { listDatasets, loadNamedDomain, resolveDomainPair, type DatasetInfo, type PairSpec, type ResolveOptions } from "./data/registry.js";

// Experiments: will transfer help (assess), does it help (evaluate), the reference experiment (demo).
export { evaluate, formatEvaluation, EVALUATE_DEFAULTS, type EvaluateOptions, type EvaluateResult, type MethodResult, type Verdict } from "./experiment/evaluate.js";
export { assess, type AssessOptions, type AssessReport, type RiskLevel } from "./experiment/assess.js";
export { formatAssessText } from "./report/assess-text.js";
export { runDemo, demoSummaryTable, type DemoOptions, type DemoRun } from "./experiment/demo.js";
// Deploy: fit one method on everything the user has, save/load the model file, predict with class names.
export { fitModel as fit, TransferModel, type FitModelOptions, type FitModelData } from "./experiment/model.js";
export type { DemoResults } from "./experiment/demo-schema.js";

// Engine start-up in browsers: await once before the first kernel call (Node compiles the kernels itself).
export { compileWasmKernels } from "./engine/kernels/index.js";
