// The one option vocabulary of the command line: every flag a command offers is defined once here (name, help,
// and a zod schema that reads the raw text strictly), and every command adds its flags from this table. The same
// name therefore means the same thing, with the same checks, in demo, evaluate, assess, select, fit, curve, sweep
// and datasets. A value that does not read is an INVALID_PARAMETER error naming the flag; nothing is coerced
// quietly ("0x10", "1e20" and " 5" are not seeds).
import { Option, type Command } from "commander";
import { z } from "zod";
import { TransferLabError } from "../core/errors.js";
import { getMethod, methodNames } from "../adapt/index.js";
import { estimatorNames, type EstimatorName } from "../estimators/index.js";
import { SCALE_RULES, type MissingPolicy, type ScaleRule } from "../data/index.js";
import { VALIDATORS, type ValidatorName } from "../selection/index.js";

/** Seeds are unsigned 32-bit integers written in decimal. */
export const SEED_LIMIT = 2 ** 32;
/** Most seeds one run may ask for (each seed is a full set of fits). */
export const MAX_SEEDS = 10_000;

/** The keys no option value may use as an object key: they would reach the prototype instead. */
export const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const decimal = (what: string) => z.string().trim().regex(/^\d+$/, `must be a whole number written in decimal digits (${what})`).transform(Number);
const intIn = (lo: number, hi: number, what: string) => decimal(what).pipe(z.number().int().min(lo, `must be at least ${lo}`).max(hi, `must be at most ${hi}`));
const listOf = (s: string) => s.split(",").map((v) => v.trim()).filter(Boolean);

/** A number written in full (no hex, no trailing junk, no Infinity) within [lo, hi]. */
const num = (lo: number, hi: number) => z.string().trim().regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, "must be a number written in decimal").transform(Number)
  .pipe(z.number().min(lo, `must be at least ${lo}`).max(hi, `must be at most ${hi}`));

/** "2GB", "512MB", "1.5G", "2GiB" or a number of bytes: positive and finite. */
const bytes = z.string().trim().transform((s, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(s);
  const v = m ? Number(m[1]) * 1024 ** { "": 0, k: 1, m: 2, g: 3, t: 4 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"] : NaN;
  if (!(v >= 1 && Number.isFinite(v))) {
    ctx.addIssue({ code: "custom", message: `cannot read '${s}' as a size (e.g. 2GB, 512MB or a number of bytes)` });
    return z.NEVER;
  }
  return Math.floor(v);
});

/** The scaling vocabulary (data's SCALE_RULES): one name (--scale) and one set of rules for every command. */
export type { ScaleRule };
const scale = z.string().trim().transform((s) => (s === "standardize" ? "standard" : s)).pipe(z.enum(SCALE_RULES, { message: `use ${SCALE_RULES.join(", ")}` }));

const methodList = z.string().transform((s, ctx) => {
  const known = methodNames() as string[];
  const names = listOf(s);
  if (names.length === 0) ctx.addIssue({ code: "custom", message: "name at least one method" });
  for (const n of names) {
    if (known.includes(n)) continue;
    try {
      getMethod(n);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `unknown method '${n}' (${e instanceof TransferLabError ? e.hint : "transferlab methods lists them"})` });
    }
  }
  return names;
});

/** `method.key=value` or `key=value` (repeatable): values read as JSON when they parse (numbers, booleans,
 *  arrays), else as text; prototype keys are refused. Returns entries so no object key is ever assigned blindly. */
function keyValue(withMethod: boolean) {
  const re = withMethod ? /^([a-z0-9-]+)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/ : /^()([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
  return z.array(z.string()).transform((flags, ctx) => {
    const out: Array<{ method: string; key: string; value: unknown }> = [];
    for (const f of flags) {
      const m = re.exec(f);
      if (!m) {
        ctx.addIssue({ code: "custom", message: `expected ${withMethod ? "method.name=value" : "name=value"}, got '${f}'` });
        continue;
      }
      if (PROTOTYPE_KEYS.has(m[2]!)) {
        ctx.addIssue({ code: "custom", message: `'${m[2]}' is not a parameter name` });
        continue;
      }
      let value: unknown = m[3];
      try { value = JSON.parse(m[3]!); } catch { /* plain text */ }
      if (typeof value === "number" && !Number.isFinite(value)) ctx.addIssue({ code: "custom", message: `value of ${m[2]} is not a finite number` });
      out.push({ method: m[1]!, key: m[2]!, value });
    }
    return out;
  });
}

/** `method.key=v1,v2,…` (repeatable): the values of one parameter to try, each read as JSON when it parses. */
const grid = z.array(z.string()).transform((flags, ctx) => {
  const out: Array<{ method: string; key: string; values: unknown[] }> = [];
  for (const f of flags) {
    const m = /^([a-z0-9-]+)\.([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(f);
    if (!m || PROTOTYPE_KEYS.has(m[2]!)) {
      ctx.addIssue({ code: "custom", message: m ? `'${m[2]}' is not a parameter name` : `expected method.name=v1,v2,…, got '${f}' (e.g. --grid coral.lambda=0.1,1,10)` });
      continue;
    }
    out.push({ method: m[1]!, key: m[2]!, values: m[3]!.split(",").map((v) => { try { return JSON.parse(v) as unknown; } catch { return v; } }) });
  }
  return out;
});

/** Encodings whose delimiters and line ends are the ASCII bytes (so a CSV can be split before decoding). */
export const ENCODINGS = ["utf-8", "latin1", "iso-8859-1", "iso-8859-15", "windows-1252"] as const;

interface OptionSpec<S extends z.ZodType> {
  flags: string;
  description: string;
  schema: S;
  /** Collects every occurrence (schema gets a string[]). */
  repeatable?: boolean;
}
const opt = <S extends z.ZodType>(flags: string, description: string, schema: S, repeatable = false): OptionSpec<S> => ({ flags, description, schema, repeatable });
const flag = (flags: string, description: string) => opt(flags, description, z.boolean());

export const OPTIONS = {
  // ---- data: where the source and target come from
  source: opt("--source <S>", "source: a file (.csv .tsv .npy .npz .parquet .jsonl) or a dataset name (transferlab datasets list)", z.string().trim().min(1)),
  target: opt("--target <T>", "target: a file or a dataset name", z.string().trim().min(1)),
  pair: opt("--pair <spec>", "instead of --source/--target: a pair name (mnist→optdigits), a generator spec ('moons?angle=45&n=400'), or one file split by --domain-column", z.string().trim().min(1)),
  domainColumn: opt("--domain-column <col>", "with --pair FILE: the column saying which domain a row belongs to (name or 0-based index)", z.string().trim().min(1)),
  sourceValue: opt("--source-value <v>", "with --domain-column: the value that marks source rows (needed when the column has more than two values)", z.string()),
  targetValue: opt("--target-value <v>", "with --domain-column: the value that marks target rows", z.string()),
  label: opt("--label <col>", "files: the label column (name or 0-based index; default a column named label, y, target or class)", z.string().trim().min(1)),
  features: opt("--features <list>", "files: the feature columns, comma-separated names, globs (px*) or 0-based indices (default: every other column)", z.string().transform(listOf).pipe(z.array(z.string()).min(1, "name at least one column"))),
  missing: opt("--missing <policy>", "files: what a missing cell does: error | drop (the row) | mean (impute the column mean of the same file)", z.enum(["error", "drop", "mean"] satisfies MissingPolicy[])),
  missingToken: opt("--missing-token <text>", "files: also read this cell text as missing, e.g. NaN (repeatable; always missing: empty, NA, N/A, null, ?)", z.array(z.string()), true),
  header: flag("--no-header", "files: the first line is data, not column names (columns are then x1..xd; name the label by index)"),
  encoding: opt("--encoding <name>", `text files: their character encoding (${ENCODINGS.join(", ")}); undecodable bytes are an error`, z.string().trim().toLowerCase().transform((s) => (s === "utf8" ? "utf-8" : s)).pipe(z.enum(ENCODINGS, { message: `use ${ENCODINGS.join(", ")}` }))),
  scale: opt("--scale <rule>", "input scaling, fitted on the source: auto (images: one global pixel scale, files: standard, generators: none) | standard | global | pixel | none", scale),
  imageShape: opt("--image-shape <HxW>", "the rows are images of this height × width (deep methods then use a CNN); bundled digit sets declare theirs",
    z.string().trim().regex(/^\d+[x×]\d+$/, "expected HxW, e.g. 28x28").transform((s) => s.split(/[x×]/).map(Number) as [number, number]).refine(([h, w]) => h >= 1 && w >= 1 && h * w <= 1e6, "each side at least 1")),
  // ---- the run
  methods: opt("--methods <list>", "comma-separated methods (transferlab methods lists them)", methodList),
  method: opt("--method <name>", "the method (transferlab methods lists them)", z.string().trim().refine((s) => (methodNames() as string[]).includes(s), { message: "unknown method (transferlab methods lists them)" })),
  estimator: opt("--estimator <name>", `the final classifier: ${estimatorNames().join(" | ")}`, z.string().trim().pipe(z.enum(estimatorNames() as [EstimatorName, ...EstimatorName[]], { message: `use one of ${estimatorNames().join(", ")}` }))),
  param: opt("--param <method.key=value>", "a method parameter (repeatable; transferlab methods lists them)", keyValue(true), true),
  keyParam: opt("--param <key=value>", "a method parameter (repeatable; transferlab methods lists them)", keyValue(false), true),
  estimatorParam: opt("--estimator-param <key=value>", "an estimator parameter (repeatable)", keyValue(false), true),
  targetLabelsPerClass: opt("--target-labels-per-class <K>", "labelled target points per class (stratified); 0 = none", intIn(0, 1_000_000, "a count")),
  protocol: opt("--protocol <p>", "transductive (every target input unlabelled to the methods) | inductive (a disjoint unlabelled half)", z.enum(["transductive", "inductive"])),
  seeds: opt("--seeds <n>", `number of seeds (1 to ${MAX_SEEDS}); one seed gives no significance test`, intIn(1, MAX_SEEDS, "a count")),
  firstSeed: opt("--first-seed <s>", "the first seed (seeds are first, first+1, …; integers in [0, 2^32))", intIn(0, SEED_LIMIT - 1, "a seed")),
  seed: opt("--seed <s>", "the seed (an integer in [0, 2^32))", intIn(0, SEED_LIMIT - 1, "a seed")),
  jobs: opt("--jobs <n>", "worker threads for the fits (results do not depend on it)", intIn(1, 256, "a count")),
  memoryBudget: opt("--memory-budget <size>", "memory for O(n²) structures, e.g. 2GB or 512MB; above it methods refuse or approximate", bytes),
  // ---- one command's own options (in the table all the same: one place, one strictness)
  margin: opt("--margin <points>", "practical-equivalence margin: a difference under this many accuracy points is 'no meaningful transfer' whatever its p", num(0, 100)),
  validators: opt("--validators <list>", `label-free validators: all or some of ${VALIDATORS.join(", ")}`,
    z.string().transform((s, ctx) => {
      const names = s.trim() === "all" ? [...VALIDATORS] : listOf(s);
      if (names.length === 0) ctx.addIssue({ code: "custom", message: "name at least one validator" });
      for (const n of names) if (!(VALIDATORS as readonly string[]).includes(n)) ctx.addIssue({ code: "custom", message: `unknown validator '${n}' (use all or some of ${VALIDATORS.join(", ")})` });
      return names as ValidatorName[];
    })),
  rule: opt("--rule <validator>", "the validator whose score chooses", z.string().trim().pipe(z.enum(VALIDATORS, { message: `one of ${VALIDATORS.join(", ")}` }))),
  grid: opt("--grid <method.key=v1,v2>", "parameter values to try (repeatable); candidates are methods × grid", grid, true),
  targetLabelsList: opt("--target-labels-per-class <K>", "labelled target points per class (stratified); 0 = none; a list (1,2,5,10,20) runs the label-efficiency sweep",
    z.string().transform(listOf).pipe(z.array(intIn(0, 1_000_000, "a count")).min(1, "give a count")).refine((ks) => ks.length === 1 || ks.every((k) => k >= 1), "in a list, every count must be at least 1")),
  pretrained: opt("--pretrained <file>", "parameter-transfer methods fine-tune this saved network instead of pretraining (e.g. from transferlab fit --method source-only-net --out FILE)", z.string().trim().min(1)),
  targetLabelsGrid: opt("--target-labels-per-class <list>", "labelled target points per class to try, comma-separated", z.string().transform(listOf).pipe(z.array(intIn(1, 1_000_000, "a count")).min(1))),
  permutations: opt("--permutations <n>", "permutations of the MMD test", intIn(1, 1_000_000, "a count")),
  approximate: flag("--approximate", "use the linear-time and random-feature estimators even when exact ones fit"),
  tsne: flag("--no-tsne", "skip the t-SNE figure in --out"),
  rotation: opt("--rotation <deg>", "target rotation in degrees: the strength of the shift (default 45)", num(-3600, 3600)),
  targetLabels: opt("--target-labels <n>", "labelled target points, even (default 50)", intIn(2, 100_000, "a count").refine((n) => n % 2 === 0, "must be even (half per class)")),
  lambda: opt("--lambda <x>", "weight of the MMD² term (default 0.5)", num(0, 1e6)),
  epochs: opt("--epochs <n>", "MMD training epochs (default 100)", intIn(0, 100_000, "a count")),
  transductive: flag("--transductive", "the original protocol: the test inputs double as the unlabelled target sample (implies --data numpy)"),
  demoData: opt("--data <generator>", "'numpy': numpy's legacy generator, seed s gives the Python tutorial's exact data; 'transferlab': transferlab's Rng (default without --transductive)", z.enum(["numpy", "transferlab"])),
  numpyCompatible: flag("--numpy-compatible", "same as --data numpy"),
  plots: flag("--no-plots", "skip figures and report.html (results.json only)"),
  pages: flag("--no-pages", "skip evaluate's report page per table"),
  queue: opt("--queue <url>", "enqueue the tasks on Redis (redis://host:port) for `transferlab worker` processes", z.string().trim().regex(/^rediss?:\/\/\S+$/, "expected redis://host:port")),
  lockDuration: opt("--lock-duration <ms>", "a job held this long without renewal (a dead worker) runs elsewhere", intIn(1, 86_400_000, "milliseconds")),
  stalledInterval: opt("--stalled-interval <ms>", "how often to look for stalled jobs", intIn(1, 86_400_000, "milliseconds")),
  workerName: opt("--name <name>", "this worker's name in the journal (default host:pid)", z.string().trim().min(1)),
  dataCache: opt("--data-cache <dir>", "where data files fetched from Redis are kept (default: the system temp folder)", z.string().trim().min(1)),
  format: opt("--format <format>", "csv | npy (features only) | npz | parquet", z.enum(["csv", "npy", "npz", "parquet"])),
  png: opt("--png <path>", "where to write the mean-image PNG (default out/datasets/<name>-mean.png)", z.string().trim().min(1)),
  model: opt("--model <file>", "model file written by transferlab fit", z.string().trim().min(1)),
  input: opt("--input <file>", "rows to predict (the model's feature columns, matched by name)", z.string().trim().min(1)),
  proba: flag("--proba", "also write one probability column per class"),
  // ---- output
  json: flag("--json", "print the result as one JSON document on stdout"),
  outFile: opt("--out <file>", "the file to write (written whole or not at all)", z.string().trim().min(1)),
  out: opt("--out <dir>", "write the run's files into DIR (all or nothing: a finished run replaces DIR whole, a failed one leaves it as it was)", z.string().trim().min(1)),
  quiet: flag("--quiet", "print nothing but errors (and --json output)"),
} as const;

export type OptionName = keyof typeof OPTIONS;
type Out<K extends OptionName> = z.output<(typeof OPTIONS)[K]["schema"]>;
export type Parsed<K extends OptionName> = { [P in K]?: Out<P> };

/** The long flag of an option ("--first-seed"; "--no-header" is "--header"), as users type it and errors name it. */
export const flagOf = (name: OptionName): string => /--[a-z-]+/.exec(OPTIONS[name].flags)![0].replace(/^--no-/, "--");
/** Commander's property for an option ("firstSeed"; "--no-header" is "header"). */
const keyOf = (name: OptionName): string => flagOf(name).slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export interface AddOptions {
  /** Raw default values (shown in --help), by option. */
  defaults?: Partial<Record<OptionName, string>>;
  /** A command's own wording of an option's help (the meaning must stay the same). */
  help?: Partial<Record<OptionName, string>>;
  /** Options the command must be given. */
  required?: readonly OptionName[];
  /** Old spellings still read, each with a one-line note on stderr ("--scaling" → scale); hidden from --help. */
  aliases?: Record<string, OptionName>;
}

const aliasesOf = new WeakMap<Command, Record<string, OptionName>>();

/** Adds options from the table to a command. Every command's --scale also reads the old --scaling. */
export function addOptions(cmd: Command, names: readonly OptionName[], o: AddOptions = {}): Command {
  for (const name of names) {
    const spec = OPTIONS[name];
    const option = new Option(spec.flags, o.help?.[name] ?? spec.description);
    if (spec.repeatable) option.argParser((v: string, acc: string[] | undefined) => [...(acc ?? []), v]).default([]);
    const d = o.defaults?.[name];
    if (d !== undefined) option.default(d);
    if (o.required?.includes(name)) option.makeOptionMandatory();
    cmd.addOption(option);
  }
  const aliases = { ...(names.includes("scale") ? { scaling: "scale" as const } : {}), ...o.aliases };
  for (const [old, to] of Object.entries(aliases)) cmd.addOption(new Option(OPTIONS[to].flags.replace(/--[a-z-]+/, `--${old}`)).hideHelp());
  aliasesOf.set(cmd, { ...aliasesOf.get(cmd), ...aliases });
  return cmd;
}

/** True when the user typed the option (not a default). */
export function given(cmd: Command, name: OptionName): boolean {
  const src = cmd.getOptionValueSource(keyOf(name));
  return src !== undefined && src !== "default";
}

/**
 * The command's values of `names`, each read through its schema; the first bad one is an INVALID_PARAMETER error
 * naming the flag. An old spelling (alias) is read with a deprecation note; given together with its new name, it is
 * an error (one of them would be ignored).
 */
export function parseOptions<K extends OptionName>(cmd: Command, names: readonly K[], warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Parsed<K> {
  const raw: Record<string, unknown> = { ...cmd.opts() };
  for (const [old, to] of Object.entries(aliasesOf.get(cmd) ?? {})) {
    if (raw[old] === undefined) continue;
    if (given(cmd, to)) throw invalid(to, `--${old} is the old name of ${flagOf(to)}: give only ${flagOf(to)}`);
    warn(`transferlab: note: --${old} is deprecated; use ${flagOf(to)}`);
    raw[keyOf(to)] = raw[old];
  }
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const v = raw[keyOf(name)];
    if (v === undefined) continue;
    const r = OPTIONS[name].schema.safeParse(v);
    if (!r.success) throw invalid(name, `${r.error.issues[0]!.message}, got '${Array.isArray(v) ? v.join("', '") : String(v)}'`);
    out[name] = r.data;
  }
  return out as Parsed<K>;
}

export function invalid(name: OptionName, message: string, hint?: string): TransferLabError {
  return new TransferLabError("INVALID_PARAMETER", message, { param: flagOf(name) }, hint);
}

/** Flags that cannot be used together: an error naming both, never one silently ignored. */
export function refuseTogether(cmd: Command, a: OptionName, others: readonly OptionName[], why: string): void {
  if (!given(cmd, a)) return;
  const clash = others.filter((o) => given(cmd, o));
  if (clash.length > 0) throw invalid(a, `${flagOf(a)} cannot be combined with ${clash.map(flagOf).join(", ")}: ${why}`);
}

/** --grid entries as { method: { key: values } }, in null-prototype objects. */
export function gridOf(entries: ReadonlyArray<{ method: string; key: string; values: unknown[] }> | undefined): Record<string, Record<string, unknown[]>> {
  const out: Record<string, Record<string, unknown[]>> = Object.create(null);
  for (const e of entries ?? []) (out[e.method] ??= Object.create(null))[e.key] = e.values;
  return out;
}

/** --param entries as { method: { key: value } }, in null-prototype objects. */
export function methodParamsOf(entries: ReadonlyArray<{ method: string; key: string; value: unknown }> | undefined): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = Object.create(null);
  for (const e of entries ?? []) (out[e.method] ??= Object.create(null))[e.key] = e.value;
  return out;
}

/** key=value entries as one null-prototype object (fit's --param, --estimator-param). */
export function keyValuesOf(entries: ReadonlyArray<{ key: string; value: unknown }> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const e of entries ?? []) out[e.key] = e.value;
  return out;
}

/** Every long flag the table defines, plus --help, --version and the old spellings: hints may name only these. */
export function knownFlags(): Set<string> {
  const s = new Set<string>(["--help", "--version", "--scaling"]);
  for (const o of Object.values(OPTIONS)) for (const m of o.flags.matchAll(/--[a-z][a-z0-9-]*/g)) s.add(m[0]);
  return s;
}
