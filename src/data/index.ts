// src/data public API (see README.md).
export * from "./errors.js";
export { type ColumnRef, type ColumnSelection } from "./table.js";
export { loadDomain, loadSourceTarget, readTable, tableToDomain, detectFormat, isDataFileName, checkFeatureMatch, classOrder, splitByLabel,
  type LoadOptions, type LoadReport, type LoadedDomain, type MissingPolicy, type FileFormat, type SourceTargetFiles, type SourceTarget } from "./load.js";
export { readCsv, DEFAULT_MISSING_TOKENS, type CsvOptions } from "./io/csv.js";
export { parseNpy, encodeNpy, unzip, zipStore, type NpyArray } from "./io/npy.js";
export { encodeParquet } from "./io/parquet.js";
export { writeDomain, encodeCsv, encodeNpz, formatFloat32, type WriteFormat } from "./io/write.js";
export type { DomainPair, ScalingInfo } from "./pair.js";
export { encodeGrayPng, imageStrip } from "./image/png.js";
export { summarizeDomain, summarizeShift, featureMean, type DomainSummary, type ShiftSummary } from "./summary.js";
export { applyScaling, featureStats, standardizeWith, scaleDomain, prepare, resolveScale, scalePair, applyScale, type ScalingRule, type Scale, type ScaleInfo } from "./prepare.js";
export { listDatasets, datasetInfo, loadNamedDomain, resolveDomainPair, parsePairName, parseGeneratorSpec, DATASETS, PAIRS,
  type DatasetInfo, type ResolveOptions, type PairSpec } from "./registry.js";
export { loadMnist, loadMnist8x8, loadOptdigits, pixelNames } from "./datasets/digits.js";
export { areaResample, areaWeights } from "./datasets/resample.js";
export { generators, rotatedGaussians, twoMoons, MOONS_CENTRE, covariateShift, covariateRule, priorShift, conditionalShift, subspaceShift,
  type Generator, type TwoMoonsParams, type CovariateShiftParams, type PriorShiftParams, type ConditionalShiftParams, type SubspaceShiftParams } from "./generators/index.js";
export { NumpyRandomState } from "./numpy-rng.js";
export { referencePair, sampleGaussianClasses64, REFERENCE_DEFAULTS, type ReferencePair, type ReferencePairOptions, type NormalSource } from "./generators/reference.js";
export { splitTarget, makeFitData, assertNoTestLabels, TestSet, rowsByClass, splitTargetForProtocol, drawLabelled, splitFromLabelled, nestedStratifiedOrder, nestedStratifiedSubset,
  type SplitOptions, type TargetSplit, type LabelledSize, type Protocol, type ProtocolSplit } from "./split.js";
