// experiment/: the workflows — the one protocol runner, evaluate, the reference demo, assess, deploy — and the
// verdict vocabulary.
export {
  fitModel, TransferModel, MODEL_FORMAT, MODEL_VERSION, alignByName, type FitModelOptions, type FitModelData,
  type ModelFile,
} from "./model.js";
export { evaluateResultsSchema } from "./evaluate-schema.js";
export {
  evaluate, formatEvaluation, formatComparison, formatP, EVALUATE_SCHEMA, EVALUATE_DEFAULTS,
  type Comparison as EvaluateComparison, type Verdict as EvaluateVerdict, type EvaluateOptions, type EvaluateResult,
  type MethodResult,
} from "./evaluate.js";
export {
  runDemo, demoSummaryTable, resolveDemoSettings, demoData, DEMO_METHODS, DEMO_LABEL_GRID, TRANSFERLAB_VERSION,
  type DemoOptions, type DemoRun, type DemoHooks, type DemoFigureData,
} from "./demo.js";
export {
  demoResultsSchema, DEMO_RESULTS_SCHEMA_ID, DEMO_RESULTS_VERSION, METHOD_IDS, type DemoResults, type DemoSettings,
  type MethodId, type SeedResult,
} from "./demo-schema.js";
export { decideVerdict, type VerdictInputs } from "./assess-verdict.js";
export {
  assess, type AssessOptions, type AssessReport, type DomainSummary as AssessDomainSummary,
  type Interval as AssessInterval,
} from "./assess.js";
export {
  transferVerdict, comparisonVerdict, TRANSFER_VERDICTS, RISK_LEVELS, type TransferVerdict, type RiskLevel,
  type PositiveTransferOutlook,
} from "./verdict.js";
export {
  runProtocol, planProtocol, runPlan, scoreProtocol, singleFitOutcomes, resolveMethods, compareWithBaselines, type RunSpec, type SeedSplit, type CrossFitPart, type MethodRun,
  type ProtocolRun, type JudgedMethod, type Comparison as RunComparison,
} from "./runner.js";
export { labelCurve, type CurveOptions, type CurveResult } from "./curve.js";
export { formatSelectionSummary } from "./select-benchmark.js";
export { expandCandidates, formatSelection, runSelection } from "./select.js";
export { readSweepSpec } from "./sweep/spec.js";
export { runSweep, type TaskExecutor } from "./sweep/run.js";
export {
  RESULT_VERSIONS, resultId, resultHeader, resultHeaderShape, checkResultHeader, resultCommandOf, type ResultCommand, type ResultId,
} from "./schemas.js";
