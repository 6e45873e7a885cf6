// src/data public API (see README.md). Everything that runs anywhere is in portable.ts (the door that room code
// reached by the browser bundle uses); this index adds what needs Node: files, bundled datasets, PNG.
export * from "./portable.js";
export { loadDomain, loadSourceTarget, readTable, detectFormat, isDataFileName, checkFeatureMatch, splitByLabel, type SourceTargetFiles, type SourceTarget } from "./load.js";
export { readCsv } from "./io/csv.js";
export { parseNpy, encodeNpy, unzip, zipStore, type NpyArray } from "./io/npy.js";
export { encodeParquet } from "./io/parquet.js";
export { writeDomain, encodeCsv, encodeNpz, formatFloat32, type WriteFormat } from "./io/write.js";
export { encodeGrayPng, imageStrip } from "./image/png.js";
export { listDatasets, datasetInfo, loadNamedDomain, resolveDomainPair, parsePairName, parseGeneratorSpec, DATASETS, PAIRS,
  type DatasetInfo, type ResolveOptions, type PairSpec } from "./registry.js";
export { loadMnist, loadMnist8x8, loadOptdigits, pixelNames } from "./datasets/digits.js";
export { loadPartlyLabelledPair, SCALE_RULES, type ScaleRule, type LoadedPair } from "./load-pair.js";
