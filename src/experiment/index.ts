// experiment/: the workflows — the evaluate protocol, the reference demo, assess — and the verdict vocabulary.
export { evaluate, formatEvaluation, EVALUATE_SCHEMA, type EvaluateOptions, type EvaluateResult, type MethodResult } from "./evaluate.js";
export { runDemo, demoSummaryTable, resolveDemoSettings, demoData, DEMO_METHODS, DEMO_LABEL_GRID, TRANSFERLAB_VERSION, type DemoOptions, type DemoRun, type DemoHooks, type DemoFigureData } from "./demo.js";
export { demoResultsSchema, DEMO_RESULTS_SCHEMA_ID, DEMO_RESULTS_VERSION, METHOD_IDS, type DemoResults, type DemoSettings, type MethodId, type SeedResult } from "./demo-schema.js";
export { decideVerdict, type VerdictInputs } from "./assess-verdict.js";
export { assess, type AssessOptions, type AssessReport, type DomainSummary as AssessDomainSummary, type Interval as AssessInterval } from "./assess.js";
export { transferVerdict, type TransferVerdict, type RiskLevel } from "./verdict.js";
