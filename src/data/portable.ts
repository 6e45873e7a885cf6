// data/'s second door: the part of the room that runs anywhere (no Node built-in), for room code that the browser
// bundle reaches (experiment's evaluate and select). index.ts re-exports all of it and adds files, bundled datasets
// and PNG, which need node:fs / node:zlib; `npm run build` fails if a Node built-in reaches the browser bundle.
export * from "./errors.js";
export { type ColumnRef, type ColumnSelection } from "./table.js";
export { parseCsvText, DEFAULT_MISSING_TOKENS, type CsvOptions } from "./io/csv-parser.js";
export { tableToDomain, classOrder, type LoadOptions, type LoadReport, type LoadedDomain, type MissingPolicy, type FileFormat } from "./table-domain.js";
export type { DomainPair, ScalingInfo } from "./pair.js";
export { summarizeDomain, featureMean, type DomainSummary } from "./summary.js";
export { applyScaling, featureStats, standardizeWith, scaleDomain, prepare, resolveScale, scalePair, applyScale, type ScalingRule, type Scale, type ScaleInfo } from "./prepare.js";
export { areaResample, areaWeights } from "./datasets/resample.js";
export { generators, rotatedGaussians, twoMoons, MOONS_CENTRE, covariateShift, covariateRule, priorShift, conditionalShift, subspaceShift,
  type Generator, type TwoMoonsParams, type CovariateShiftParams, type PriorShiftParams, type ConditionalShiftParams, type SubspaceShiftParams } from "./generators/index.js";
export { NumpyRandomState } from "./numpy-rng.js";
export { referencePair, sampleGaussianClasses64, REFERENCE_DEFAULTS, type ReferencePair, type ReferencePairOptions, type NormalSource } from "./generators/reference.js";
export { splitTarget, makeFitData, assertNoTestLabels, TestSet, rowsByClass, splitTargetForProtocol, drawLabelled, splitFromLabelled, nestedStratifiedOrder, nestedStratifiedSubset,
  type SplitOptions, type TargetSplit, type LabelledSize, type Protocol, type ProtocolSplit } from "./split.js";
