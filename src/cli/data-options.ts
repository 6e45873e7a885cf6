// From data flags to the library's pair spec and load options, with the flags' combinations checked: --pair
// excludes --source/--target, the file flags (--label, --features, --missing, …) need a file, --domain-column
// needs --pair FILE. A flag that would be ignored is an error, never silently dropped.
import type { Command } from "commander";
import { DEFAULT_MISSING_TOKENS, isDataFileName, parsePairName, type LoadOptions, type PairSpec, type ScalingRule, type Scale } from "../data/index.js";
import { flagOf, given, invalid, refuseTogether, type OptionName, type Parsed, type ScaleRule } from "./options.js";

/** The flags that say where the data come from. */
export const PAIR_OPTIONS = ["source", "target", "pair", "domainColumn", "sourceValue", "targetValue"] as const satisfies readonly OptionName[];
/** The flags that say how a file is read. */
export const FILE_OPTIONS = ["label", "features", "missing", "missingToken", "header", "encoding"] as const satisfies readonly OptionName[];
export const DATA_OPTIONS = [...PAIR_OPTIONS, ...FILE_OPTIONS] as const;

type DataParsed = Parsed<(typeof DATA_OPTIONS)[number]>;

/** The file flags as LoadOptions (missing tokens add to the defaults). */
export function loadOptionsOf(o: DataParsed): LoadOptions {
  return {
    ...(o.label !== undefined ? { label: o.label } : {}),
    ...(o.features !== undefined ? { features: o.features } : {}),
    ...(o.missing !== undefined ? { missing: o.missing } : {}),
    ...(o.missingToken?.length ? { missingTokens: [...DEFAULT_MISSING_TOKENS, ...o.missingToken] } : {}),
    ...(o.header === false ? { header: false } : {}),
    ...(o.encoding !== undefined ? { encoding: o.encoding } : {}),
  };
}

/** Does the spec read any file? */
function readsFiles(o: DataParsed): boolean {
  if (o.pair !== undefined) return o.domainColumn !== undefined || isDataFileName(o.pair) || (parsePairName(o.pair)?.some(isDataFileName) ?? false);
  return [o.source, o.target].some((s) => s !== undefined && isDataFileName(s));
}

/**
 * The pair the flags name, as resolveDomainPair reads it, and how files are loaded. `required`: whether a pair must
 * be given (false: undefined when none is).
 */
export function pairSpecOf(cmd: Command, o: DataParsed): { spec: PairSpec; load: LoadOptions } {
  refuseTogether(cmd, "pair", ["source", "target"], "--pair names both domains");
  for (const f of ["sourceValue", "targetValue"] as const) {
    if (o[f] !== undefined && o.domainColumn === undefined) throw invalid(f, `${flagOf(f)} needs --domain-column`);
  }
  if (!readsFiles(o)) {
    const fileFlags = FILE_OPTIONS.filter((f) => given(cmd, f));
    if (fileFlags.length > 0) throw invalid(fileFlags[0]!, `${fileFlags.map(flagOf).join(", ")} ${fileFlags.length > 1 ? "apply" : "applies"} to files, and no file is read here`);
  }
  const load = loadOptionsOf(o);
  if (o.domainColumn !== undefined) {
    if (o.pair === undefined || !isDataFileName(o.pair)) throw invalid("domainColumn", "--domain-column splits one file: give it as --pair FILE");
    return { spec: { file: o.pair, domainColumn: o.domainColumn, ...(o.sourceValue !== undefined ? { sourceValue: o.sourceValue } : {}), ...(o.targetValue !== undefined ? { targetValue: o.targetValue } : {}) }, load };
  }
  if (o.pair !== undefined) {
    if (isDataFileName(o.pair) && !parsePairName(o.pair)) throw invalid("pair", `'${o.pair}' is one file: say which rows are source and which target with --domain-column, or give --source and --target files`);
    return { spec: o.pair, load };
  }
  if (o.source === undefined || o.target === undefined) {
    throw invalid(o.source === undefined ? "source" : "target", "give --source and --target (or --pair)", "files (CSV, NPY, Parquet, JSON lines) or dataset names, e.g. --source mnist --target optdigits");
  }
  return { spec: `${o.source}→${o.target}`, load };
}

/** --scale for commands that scale with data/prepare (evaluate, select, fit, curve): `pixel` is applied while loading
 * (it needs a dataset's declared pixel range), the rest by prepare. */
export function protocolScale(rule: ScaleRule): { loadScaling: ScalingRule; scale: Scale | "auto" } {
  return rule === "pixel" ? { loadScaling: "pixel", scale: "none" } : { loadScaling: "none", scale: rule };
}

/** `pixel` divides by a dataset's declared pixel range: files and generators have none. */
export function checkPixelScale(rule: ScaleRule | undefined, kind: string): void {
  if (rule === "pixel" && kind !== "image") throw invalid("scale", "--scale pixel divides by a bundled image dataset's declared pixel range; this data has none", "use global (one scale for all features) or standard");
}
