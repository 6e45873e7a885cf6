// transferlab for browsers (`transferlab/browser`): the compute engine on its WebAssembly tier, every method,
// the estimators (SVC through libsvm-js), the metrics, data from arrays and CSV text, the shift generators,
// `evaluate` (serial or on Web Workers) and SVG figures. No Node built-in is reachable from here; the package
// ships this entry pre-bundled (dist/browser.js, scripts/build-browser.mjs) with libsvm's wasm inlined, so a
// page's bundler (esbuild, Vite) needs no plugin and fetches nothing. Files, bundled datasets, Parquet, PNG and
// the CLI stay in the Node entry.
//
//   import { compileWasmKernels, generators, Rng, evaluate } from "transferlab/browser";
//   await compileWasmKernels();                       // once, before the first kernel call
//   const r = await evaluate(generators.moons!.make({ angle: 40 }, new Rng(1)), { methods: ["coral"] });

// What both entries share (errors, Matrix/Rng/Domain, generators, methods and estimators by name, the
// protocol and scale words): one list, src/api-shared.ts, so the Node and browser entries cannot drift apart.
export * from "./api-shared.js";

// Data from CSV text (the Node loader's parser and missing-value rules).
export { parseCsvText, DEFAULT_MISSING_TOKENS, type CsvOptions } from "./data/io/csv-parser.js";
export { tableToDomain, classOrder, type LoadOptions, type LoadedDomain, type MissingPolicy } from "./data/table-domain.js";

// evaluate, serial or on Web Workers.
export { evaluate, formatEvaluation, formatComparison, formatP, notConverged, EVALUATE_DEFAULTS, type EvaluateOptions, type EvaluateResult, type MethodResult, type Verdict } from "./experiment/evaluate.js";
export { setFitWorkerFactory, type WebWorkerFactory } from "./experiment/fit-pool.js";

// SVG figures (Vega-Lite specs → SVG strings).
export { specToSvg, type SvgOptions } from "./report/svg.js";
export * from "./report/figures.js";
export { evaluationFigure } from "./report/evaluation.js";
export type { VlSpec } from "./report/theme.js";

// Rooms as namespaces, as on the Node subpaths.
export { compileWasmKernels } from "./engine/kernels/index.js";
export * as engine from "./engine/index.js";
export * as methods from "./adapt/index.js";
export * as metrics from "./metrics/index.js";
