// transferlab's public API.
export * from "./core/index.js";
export { LogisticRegression, logisticRegressionFactory, type LogisticRegressionParams } from "./estimators/logreg.js";
export * from "./data/index.js";
export * from "./report/index.js";
export { tsne, trustworthiness, pca, type TsneOptions, type TsneResult, type PcaResult } from "./metrics/tsne.js";
export * from "./metrics/index.js";
// The reference experiment (`transferlab demo`) and its parts.
export { SVC, SVC_DEFAULTS, type SVCParams } from "./estimators/svc.js";
export { NumpyRandomState } from "./data/numpy-rng.js";
export { referencePair, sampleGaussianClasses64, REFERENCE_DEFAULTS, type ReferencePair, type ReferencePairOptions, type NormalSource } from "./data/generators/reference.js";
export { MmdTransferNetwork, mmdTransfer, MMD_TRANSFER_DEFAULTS, type MmdTransferParams } from "./adapt/deep/mmd-transfer.js";
export { runDemo, demoSummaryTable, resolveDemoSettings, type DemoOptions, type DemoRun, type DemoHooks } from "./experiment/demo.js";
export { demoResultsSchema, DEMO_RESULTS_SCHEMA_ID, DEMO_RESULTS_VERSION, type DemoResults } from "./experiment/demo-schema.js";
// The compute engine (tensors, autograd, ops, modules, optimizers): all of it under `engine`, the core types top-level.
export * as engine from "./engine/index.js";
export { Tensor, Parameter, IntTensor, tidy, noGrad, mlp, cnn, Linear, Sequential, Module, Adam, AdamW, SGD, schedules, saveWeights, loadWeights } from "./engine/index.js";
export { compileWasmKernels } from "./engine/kernels/index.js"; // browsers: await once before the first kernel call
// Adaptation methods behind one contract, their registry and the shared base; estimators; the evaluate protocol.
export * as methods from "./adapt/methods.js";
export { listMethods, getMethod, methodNames } from "./adapt/registry.js";
export { defineMethod, defineInstanceMethod, defineFeatureMethod, defineBaseline, DEFAULT_MEMORY_BUDGET, fitsBudget, requireBudget, denseBytes, type TrainingPlan, type LearnedMap, type InstanceWeights } from "./adapt/base.js";
export type { Adapter, Family, FitData, FitContext, FittedModel, FitDetails, Needs, ParamDoc } from "./adapt/types.js";
export { ESTIMATORS, estimatorFactory, getEstimator, estimatorNames, loadEstimator, type EstimatorName, type EstimatorEntry } from "./estimators/registry.js";
export { KnnClassifier, KNN_DEFAULTS, type KnnParams } from "./estimators/knn.js";
export { MlpClassifier, MLP_DEFAULTS, type MlpParams } from "./estimators/mlp.js";
export type { Estimator, EstimatorFactory, EstimatorSnapshot, FitOptions } from "./estimators/types.js";
export { evaluate, formatEvaluation, EVALUATE_SCHEMA, type EvaluateOptions, type EvaluateResult, type MethodResult } from "./experiment/evaluate.js";
export { splitTargetForProtocol, type Protocol, type TargetSplit as ProtocolSplit } from "./experiment/protocol.js";
