// A sweep spec: pairs × estimators × targetLabelsPerClass × protocols × method variants (a method with a
// parameter grid is one variant per grid point), each run over the same seeds. Read from YAML or JSON, checked
// with zod, then against the registries (methods, their parameters, estimators) and the file system, so a bad
// spec fails before any task runs with an error naming the key (and its line in the file).
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { LineCounter, parseDocument } from "yaml";
import { TransferLabError } from "../../core/errors.js";
import { getMethod } from "../../adapt/index.js";
import { estimatorFactory, type EstimatorName } from "../../estimators/index.js";
import { parseGeneratorSpec, parsePairName, isDataFileName, type Protocol, type Scale } from "../../data/index.js";

const label = z.union([z.string().min(1), z.number().int().min(0)]);
const params = z.record(z.string(), z.unknown());
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

export const sweepSpecSchema = z.strictObject({
  /** A pair name ("mnist→optdigits"), a generator spec ("moons?angle=45&n=200"), {pair, seed} or {source, target, label} files. */
  pairs: z.array(z.union([
    z.string().min(1),
    z.strictObject({ pair: z.string().min(1), seed: z.number().int().min(0).default(0) }),
    z.strictObject({ source: z.string().min(1), target: z.string().min(1), label: label.optional() }),
  ], { error: "expected a pair name or generator spec, {pair, seed} or {source, target, label}" })).min(1),
  /** Method names, or {name, params (fixed), grid (lists of values: one variant per combination)}. */
  methods: z.array(z.union([
    z.string().min(1),
    z.strictObject({ name: z.string().min(1), params: params.default({}), grid: z.record(z.string(), z.array(z.unknown()).min(1)).default({}) }),
  ], { error: "expected a method name or {name, params, grid}" })).min(1),
  estimators: oneOrMany(z.union([z.string().min(1), z.strictObject({ name: z.string().min(1), params: params.default({}) })], { error: "expected an estimator name or {name, params}" })).default(["svc"]),
  targetLabelsPerClass: oneOrMany(z.number().int().min(0)).default([10]),
  /** Seeds firstSeed … firstSeed+seeds−1, as evaluate. */
  seeds: z.number().int().min(1).default(5),
  firstSeed: z.number().int().min(0).default(0),
  protocol: oneOrMany(z.enum(["transductive", "inductive"])).default(["transductive"]),
  scale: z.enum(["auto", "global", "standard", "none"]).default("auto"),
  /** Bytes for each fit's O(n²) working memory (evaluate's --memory-budget). */
  memoryBudget: z.number().positive().optional(),
});

export type PairEntry =
  | { kind: "named"; spec: string; seed: number }
  | { kind: "files"; source: string; target: string; label?: string | number };

export interface MethodVariant {
  method: string;
  /** Raw parameters (fixed params with one grid point), validated by the method. */
  params: Record<string, unknown>;
  /** "ot-sinkhorn" or, for a grid point, "ot-sinkhorn[reg=0.01]". */
  label: string;
}

export interface SweepSpec {
  pairs: PairEntry[];
  variants: MethodVariant[];
  estimators: { name: EstimatorName; params: Record<string, unknown> }[];
  targetLabelsPerClass: number[];
  seeds: number;
  firstSeed: number;
  protocols: Protocol[];
  scale: Scale | "auto";
  memoryBudget?: number;
}

/** Reads and checks a spec file (.yaml, .yml or .json). */
export function readSweepSpec(file: string): SweepSpec {
  if (!existsSync(file)) throw new TransferLabError("FILE_NOT_FOUND", "no such spec file", { file });
  const text = readFileSync(file, "utf8");
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    throw new TransferLabError("DATA_FORMAT", `not valid YAML/JSON: ${yamlError.message.split("\n")[0]}`, { file, row: lines.linePos(yamlError.pos[0]).line });
  }
  // The line of a key path, for errors (YAML and JSON alike: JSON is YAML).
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let k = path.length; k >= 0; k--) {
      const node = doc.getIn(path.slice(0, k) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return checkSweepSpec(doc.toJS() as unknown, { file, lineOf, baseDir: dirname(resolve(file)) });
}

/** Checks a parsed spec; `where` locates errors (file and line) and resolves relative data paths. */
export function checkSweepSpec(raw: unknown, where: { file?: string; lineOf?: (path: readonly PropertyKey[]) => number | undefined; baseDir?: string } = {}): SweepSpec {
  const fail = (path: readonly PropertyKey[], code: TransferLabError["code"], message: string, hint?: string): never => {
    throw new TransferLabError(code, message, { file: where.file, row: where.lineOf?.(path), param: keyName(path) }, hint);
  };
  const parsed = sweepSpecSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
    fail(path, "INVALID_PARAMETER", issue.code === "unrecognized_keys" ? "unknown key" : issue.message,
      issue.code === "unrecognized_keys" && issue.path.length === 0 ? `keys: ${Object.keys(sweepSpecSchema.shape).join(", ")}` : undefined);
  }
  const s = parsed.data!;
  // Rethrows a registry's error (which names the method's own parameter) under the spec key that caused it.
  const under = <T>(path: readonly PropertyKey[], f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof TransferLabError)) throw e;
      return fail(path, e.code, e.message);
    }
  };

  const pairs = s.pairs.map((p, i): PairEntry => {
    if (typeof p === "string" || "pair" in p) {
      const spec = typeof p === "string" ? p : p.pair;
      const sides = parsePairName(spec);
      if (sides?.every(isDataFileName)) return files([i], sides[0], sides[1]);
      if (!sides) under([i], () => parseGeneratorSpec(spec)); // names are checked when the pair is loaded
      return { kind: "named", spec, seed: typeof p === "string" ? 0 : p.seed };
    }
    return files([i], p.source, p.target, p.label);
  });
  function files(at: number[], source: string, target: string, lbl?: string | number): PairEntry {
    const path = (f: string) => resolve(where.baseDir ?? ".", f);
    for (const [key, f] of [["source", source], ["target", target]] as const) {
      if (!existsSync(path(f))) fail(["pairs", ...at, key], "FILE_NOT_FOUND", `no such file: ${f}`);
    }
    return { kind: "files", source: path(source), target: path(target), ...(lbl !== undefined ? { label: lbl } : {}) };
  }

  const variants = s.methods.flatMap((m, i): MethodVariant[] => {
    const entry = typeof m === "string" ? { name: m, params: {}, grid: {} } : m;
    const method = under(["methods", i, ...(typeof m === "string" ? [] : ["name"])], () => getMethod(entry.name));
    under(["methods", i, "params"], () => method.parseParams(entry.params));
    const axes = Object.entries(entry.grid);
    // Each grid value alone first, so the error names the value: methods[1].grid.reg[2].
    for (const [key, values] of axes) values.forEach((v, k) => under(["methods", i, "grid", key, k], () => method.parseParams({ ...entry.params, [key]: v })));
    const points = axes.reduce<Record<string, unknown>[]>((acc, [key, values]) => acc.flatMap((p) => values.map((v) => ({ ...p, [key]: v }))), [{}]);
    return points.map((point) => {
      const params = { ...entry.params, ...point };
      under(["methods", i, "grid"], () => method.parseParams(params));
      const tag = Object.entries(point).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(",");
      return { method: method.name, params, label: tag ? `${method.name}[${tag}]` : method.name };
    });
  });
  const seen = new Set<string>();
  variants.forEach((v) => {
    if (seen.has(v.label)) fail(["methods"], "INVALID_PARAMETER", `'${v.label}' is listed twice`);
    seen.add(v.label);
  });

  const estimators = s.estimators.map((e, i) => {
    const entry = typeof e === "string" ? { name: e, params: {} } : e;
    under(["estimators", ...(Array.isArray(raw && (raw as Record<string, unknown>).estimators) ? [i] : [])], () => estimatorFactory(entry.name, entry.params));
    return { name: entry.name as EstimatorName, params: entry.params };
  });

  return {
    pairs, variants, estimators, targetLabelsPerClass: s.targetLabelsPerClass, seeds: s.seeds, firstSeed: s.firstSeed,
    protocols: s.protocol, scale: s.scale, ...(s.memoryBudget !== undefined ? { memoryBudget: s.memoryBudget } : {}),
  };
}

/** methods[1].grid.reg[0] */
function keyName(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`)).join("") || "(spec)";
}
