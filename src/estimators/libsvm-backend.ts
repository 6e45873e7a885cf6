// Where the SVC's dual is solved: the system libsvm through the native addon (native/src/svm.c, Debian's
// libsvm3 opened at run time) when it is there, else `libsvm-js` (libsvm compiled to WebAssembly). Both run
// libsvm's own SMO on the same float32 inputs widened to double and give back the same model fields; the
// SVC evaluates the model itself, so prediction does not depend on the backend. TRANSFERLAB_SVM=native|wasm
// forces one.
import { TransferLabError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import type { Labels } from "../core/domain.js";
import { buildNativeHint, nativeAddon } from "../engine/index.js";

export type SvmBackend = "native" | "wasm";
export const SVM_BACKENDS: readonly SvmBackend[] = ["native", "wasm"];

export interface LibsvmTrainParams {
  kernel: "rbf" | "linear";
  C: number;
  gamma: number;
  tol: number;
  shrinking: boolean;
  cacheSizeMB: number;
  probability: boolean;
  /** Native backend: threads for the one-vs-one pairs (default: the kernel tier's, TRANSFERLAB_THREADS or the CPUs). Same model for any count. */
  threads?: number;
  /** Native backend: rows as svm_nodes with zeros left out ('sparse') or every feature ('dense'; faster above ~12 %
   *  non-zeros); default chooses by the non-zero fraction. Same model either way. */
  layout?: "auto" | "sparse" | "dense";
}

/** A trained libsvm model in libsvm's own order (labels by first appearance, support vectors grouped by label). */
export interface LibsvmModel {
  labels: number[];
  nSV: number[];
  rho: number[];
  /** sv_coef: (nLabels − 1) rows of nSV_total values. */
  coef: number[][];
  probA?: number[];
  probB?: number[];
  /** Position of each support vector in the `rows` passed to trainLibsvm. */
  svIndices: number[];
}

/** Seed of the C library's rand() for the native backend's Platt-scaling folds (glibc's own default seed). */
const NATIVE_RAND_SEED = 1;

// ---- native ----------------------------------------------------------------------------------------------
interface NativeSvm {
  svmTrain(X: Float32Array, d: number, rows: Int32Array, y: Float64Array, params: Float64Array): {
    labels: Int32Array; nSV: Int32Array; rho: Float64Array; coef: Float64Array; probA: Float64Array | null; probB: Float64Array | null; svIndices: Int32Array;
  };
  info(): { svm?: boolean; svmDetail?: string };
}

/** The addon's libsvm entry point, or why it is missing. */
function nativeSvm(): NativeSvm | string {
  const a = nativeAddon();
  if (typeof a === "string") return a;
  const s = a as unknown as Partial<NativeSvm>;
  if (typeof s.svmTrain !== "function") return `the native addon predates the libsvm backend; ${buildNativeHint()}`;
  const info = a.info() as ReturnType<NativeSvm["info"]>;
  if (!info.svm) return info.svmDetail ?? "libsvm not found";
  return s as NativeSvm;
}

function trainNative(svm: NativeSvm, X: Matrix, rows: Int32Array, y: Labels, p: LibsvmTrainParams): LibsvmModel {
  const labels = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) labels[k] = y[rows[k]!]!;
  const params = Float64Array.from([p.kernel === "rbf" ? 2 : 0, p.C, p.gamma, p.tol, p.shrinking ? 1 : 0, p.cacheSizeMB, p.probability ? 1 : 0, NATIVE_RAND_SEED, p.threads ?? 0, p.layout === "sparse" ? 1 : p.layout === "dense" ? 2 : 0]);
  let m: ReturnType<NativeSvm["svmTrain"]>;
  try {
    m = svm.svmTrain(X.data, X.cols, rows, labels, params);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const code = err.code === "INVALID_PARAMETER" || err.code === "UNSUPPORTED" || err.code === "SHAPE_MISMATCH" || err.code === "MEMORY_BUDGET" ? err.code : "INTERNAL";
    throw new TransferLabError(code, `native libsvm: ${err.message ?? String(e)}`);
  }
  const total = m.svIndices.length;
  const coef = Array.from({ length: m.labels.length - 1 }, (_, c) => Array.from(m.coef.subarray(c * total, (c + 1) * total)));
  return {
    labels: Array.from(m.labels), nSV: Array.from(m.nSV), rho: Array.from(m.rho), coef,
    probA: m.probA ? Array.from(m.probA) : undefined, probB: m.probB ? Array.from(m.probB) : undefined, svIndices: Array.from(m.svIndices),
  };
}

// ---- WebAssembly (libsvm-js) ----------------------------------------------------------------------------
interface LibsvmModule {
  new (options: Record<string, unknown>): LibsvmInstance;
  KERNEL_TYPES: { LINEAR: string; RBF: string };
  SVM_TYPES: { C_SVC: string };
}
interface LibsvmInstance {
  model: number;
  train(samples: number[][], labels: number[]): void;
  serializeModel(): string;
  getSVIndices(): number[];
  free(): void;
}
/** The emscripten module under libsvm-js: its memory views (replaced when memory grows: read them at use) and
 *  load(), resolving once the wasm is compiled. */
interface EmscriptenHeap {
  HEAP32: Int32Array;
  HEAPF64: Float64Array;
}
interface EmscriptenModule extends EmscriptenHeap {
  load(): Promise<void>;
}

interface WasmLibsvm {
  SVM: LibsvmModule;
  heap: EmscriptenHeap;
  /** The module's linear memory right after loading, before any fit (see trainWasm). */
  pristine: Uint8Array;
}

let libsvmPromise: Promise<WasmLibsvm> | undefined;

/** Loads the WebAssembly build once. Hides emscripten's harmless "streaming compile failed, falling back"
 *  notice under Node and removes the process-wide unhandledRejection → exit(1) hook it installs. */
export async function loadLibsvm(): Promise<LibsvmModule> {
  return (await loadWasm()).SVM;
}

function loadWasm(): Promise<WasmLibsvm> {
  libsvmPromise ??= (async () => {
    const proc = (globalThis as { process?: NodeJS.Process }).process;
    const before = new Set(proc?.listeners?.("unhandledRejection") ?? []);
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      const text = args.map(String).join(" ");
      if (/wasm streaming compile failed|falling back to ArrayBuffer instantiation/.test(text)) return;
      warn.apply(console, args);
    };
    try {
      // The emscripten module itself (its memory, for the reset before probability fits), in Node and in bundles.
      const { libsvmWasm } = await import("./libsvm-wasm.js");
      const em = libsvmWasm.emscriptenModule as EmscriptenModule;
      await em.load(); // not `await em`: the module is a thenable that resolves to itself
      return { SVM: libsvmWasm.loadSVM(em) as LibsvmModule, heap: em, pristine: new Uint8Array(em.HEAP32.buffer.slice(0)) };
    } finally {
      console.warn = warn;
      for (const l of proc?.listeners?.("unhandledRejection") ?? []) if (!before.has(l)) proc!.removeListener("unhandledRejection", l);
    }
  })();
  return libsvmPromise;
}

async function trainWasm(X: Matrix, rows: Int32Array, y: Labels, p: LibsvmTrainParams): Promise<LibsvmModel> {
  const { SVM, heap, pristine } = await loadWasm();
  if (p.probability) {
    // Platt scaling's cross-validation folds come from rand(), whose state lives in the module's memory and
    // carries over from fit to fit; libsvm-js exports no srand. Between fits nothing is allocated, so putting the
    // memory back as it was after loading starts every probability fit from the same state (as svm-train's fresh
    // process does, and as the native backend's reseeding does): the model then depends only on its own data.
    new Uint8Array(heap.HEAP32.buffer).set(pristine);
  }
  const svm = new SVM({
    type: SVM.SVM_TYPES.C_SVC,
    kernel: p.kernel === "rbf" ? SVM.KERNEL_TYPES.RBF : SVM.KERNEL_TYPES.LINEAR,
    gamma: p.gamma,
    cost: p.C,
    tolerance: p.tol,
    shrinking: p.shrinking,
    cacheSize: p.cacheSizeMB,
    probabilityEstimates: p.probability,
    quiet: true,
  });
  const samples: number[][] = [];
  const labels: number[] = [];
  for (const i of rows) {
    samples.push(Array.from(X.row(i)));
    labels.push(y[i]!);
  }
  try {
    svm.train(samples, labels);
    const text = parseLibsvmModel(svm.serializeModel());
    const model: LibsvmModel = { ...text, svIndices: svm.getSVIndices() };
    // The text model prints rho and the Platt parameters with 6 digits (%g): read the exact doubles.
    const exact = heap ? readWasmModel(heap, svm.model, text) : null;
    return exact ? { ...model, ...exact } : model;
  } finally {
    svm.free();
  }
}

// struct svm_model of libsvm 3.2x compiled to wasm32 (4-byte int and pointer, 8-byte aligned double):
// svm_parameter takes 96 bytes; then nr_class, l, SV, sv_coef, rho, probA, probB, sv_indices, label, nSV.
const OFF = { nrClass: 96, l: 100, svCoef: 108, rho: 112, probA: 116, probB: 120 } as const;

/** rho, probA, probB and sv_coef as stored, or null when the memory does not hold the model the text describes. */
function readWasmModel(heap: EmscriptenHeap, ptr: number, text: ParsedModel): Pick<LibsvmModel, "rho" | "probA" | "probB" | "coef"> | null {
  const i32 = (byte: number) => heap.HEAP32[byte >> 2]!;
  const f64s = (p: number, n: number) => (p % 8 === 0 ? Array.from(heap.HEAPF64.subarray(p >> 3, (p >> 3) + n)) : null);
  if (!Number.isInteger(ptr) || ptr <= 0 || ptr % 8 !== 0) return null;
  const L = text.labels.length, pairs = (L * (L - 1)) / 2, total = text.nSV.reduce((a, b) => a + b, 0);
  if (i32(ptr + OFF.nrClass) !== L || i32(ptr + OFF.l) !== total) return null;
  const rho = f64s(i32(ptr + OFF.rho), pairs);
  const probA = text.probA ? f64s(i32(ptr + OFF.probA), pairs) : undefined;
  const probB = text.probB ? f64s(i32(ptr + OFF.probB), pairs) : undefined;
  const coefPtrs = i32(ptr + OFF.svCoef);
  const coef = Array.from({ length: L - 1 }, (_, c) => f64s(i32(coefPtrs + 4 * c), total));
  if (!rho || probA === null || probB === null || coef.some((r) => r === null)) return null;
  // Agreement with the printed model (6 digits for %g, 16 for the coefficients) proves the layout.
  const near = (a: number[] | undefined, b: number[] | undefined, rel: number) =>
    a === b || (!!a && !!b && a.length === b.length && a.every((v, k) => Math.abs(v - b[k]!) <= rel * Math.max(Math.abs(v), 1e-300) + 1e-300));
  if (!near(rho, text.rho, 1e-5) || !near(probA, text.probA, 1e-5) || !near(probB, text.probB, 1e-5)) return null;
  if (!coef.every((r, c) => near(r!, text.coef[c], 1e-14))) return null;
  return { rho, probA, probB, coef: coef as number[][] };
}

interface ParsedModel {
  labels: number[];
  nSV: number[];
  rho: number[];
  probA?: number[];
  probB?: number[];
  coef: number[][];
}

/** Reads libsvm's text model (svm_save_model format) as produced by libsvm-js's serializeModel. */
export function parseLibsvmModel(text: string): ParsedModel {
  const lines = text.split("\n");
  const header = new Map<string, number[]>();
  let i = 0;
  for (; i < lines.length && lines[i] !== "SV"; i++) {
    const [key, ...vals] = lines[i]!.trim().split(/\s+/);
    if (key) header.set(key, vals.map(Number));
  }
  const labels = header.get("label");
  const nSV = header.get("nr_sv");
  const rho = header.get("rho");
  if (!labels || !nSV || !rho || i >= lines.length) throw new TransferLabError("INTERNAL", "libsvm returned a model without labels, nr_sv, rho or SV block");
  const L = labels.length;
  const total = nSV.reduce((a, b) => a + b, 0);
  const coef = Array.from({ length: L - 1 }, () => new Array<number>(total));
  for (let k = 0; k < total; k++) {
    const parts = lines[i + 1 + k]!.trim().split(/\s+/);
    for (let c = 0; c < L - 1; c++) coef[c]![k] = Number(parts[c]);
  }
  return { labels, nSV, rho, probA: header.get("probA"), probB: header.get("probB"), coef };
}

// ---- choosing --------------------------------------------------------------------------------------------
/** TRANSFERLAB_SVM, validated; undefined when unset. */
export function forcedSvmBackend(): SvmBackend | undefined {
  const v = (globalThis as { process?: NodeJS.Process }).process?.env?.TRANSFERLAB_SVM;
  if (v === undefined || v === "") return undefined;
  if (v !== "native" && v !== "wasm") throw new TransferLabError("INVALID_PARAMETER", `unknown SVM backend '${v}'; use native or wasm`, { param: "TRANSFERLAB_SVM" });
  return v;
}

function wasmStatus(): string | true {
  try {
    const proc = (globalThis as { process?: NodeJS.Process }).process;
    if (!proc?.getBuiltinModule) return true; // bundlers resolve the import themselves
    const { createRequire } = proc.getBuiltinModule("node:module");
    createRequire(import.meta.url).resolve("libsvm-js");
    return true;
  } catch (e) {
    return `libsvm-js is not installed (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
  }
}

/** Every backend, whether it can run here, and what it is or why it is missing. */
export function svmBackendStatus(): { backend: SvmBackend; available: boolean; detail: string }[] {
  const n = nativeSvm();
  const w = wasmStatus();
  return [
    { backend: "native", available: typeof n !== "string", detail: typeof n === "string" ? n : (n.info().svmDetail ?? "system libsvm") },
    { backend: "wasm", available: w === true, detail: w === true ? "libsvm-js 0.2.1 (libsvm compiled to WebAssembly)" : w },
  ];
}

/** The backend fits use: TRANSFERLAB_SVM if set (a typed error when it is missing), else native when available. */
export function activeSvmBackend(): SvmBackend {
  const forced = forcedSvmBackend();
  const status = svmBackendStatus();
  if (forced) {
    const s = status.find((x) => x.backend === forced)!;
    if (!s.available) throw new TransferLabError("UNSUPPORTED", `SVM backend '${forced}' is not available: ${s.detail}`, { param: "TRANSFERLAB_SVM" }, "unset TRANSFERLAB_SVM to use the available backend");
    return forced;
  }
  return status[0]!.available ? "native" : "wasm";
}

/** Trains C-SVC on X's `rows` (repeats allowed) with labels y[row] on the given backend (default: the active one). */
export async function trainLibsvm(X: Matrix, rows: Int32Array, y: Labels, p: LibsvmTrainParams, backend: SvmBackend = activeSvmBackend()): Promise<LibsvmModel> {
  if (backend === "native") {
    const n = nativeSvm();
    if (typeof n === "string") throw new TransferLabError("UNSUPPORTED", `SVM backend 'native' is not available: ${n}`, { param: "TRANSFERLAB_SVM" });
    return trainNative(n, X, rows, y, p);
  }
  return trainWasm(X, rows, y, p);
}
