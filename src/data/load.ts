// Users' files -> Domains: format by extension, column choice, missing values, one class mapping for
// source and target, and a feature check between them.
import { Matrix } from "../core/matrix.js";
import type { Domain, LabelledDomain, UnlabelledDomain } from "../core/domain.js";
import { basename } from "node:path";
import { DataError } from "./errors.js";
import { readCsv } from "./io/csv.js";
import { strictDecoder } from "./io/csv-parser.js";
import { classOrder, tableToDomain, type FileFormat, type LoadOptions, type LoadedDomain } from "./table-domain.js";
import { readNpyTable, readNpzTable } from "./io/npy.js";
import { readJsonlTable } from "./io/jsonl.js";
import { subsetTable, type ParsedTable } from "./table.js";

export { classOrder, tableToDomain, type MissingPolicy, type FileFormat, type LoadOptions, type LoadReport, type LoadedDomain } from "./table-domain.js";

export function detectFormat(file: string): FileFormat {
  const f = file.toLowerCase().replace(/\.gz$/, "");
  if (/\.(csv|tsv|tab|txt)$/.test(f)) return "csv";
  if (f.endsWith(".npy")) return "npy";
  if (f.endsWith(".npz")) return "npz";
  if (f.endsWith(".parquet") || f.endsWith(".pq")) return "parquet";
  if (/\.(jsonl|ndjson)$/.test(f)) return "jsonl";
  throw new DataError("UNKNOWN_FORMAT", "UNKNOWN_EXTENSION", `cannot tell the format from the extension of ${JSON.stringify(basename(file))}`, { file },
    "use .csv, .tsv, .csv.gz, .npy, .npz, .parquet or .jsonl (or pass format)");
}

/** True when the name ends in an extension detectFormat reads (a file, as opposed to a dataset or generator name). */
export function isDataFileName(file: string): boolean {
  try {
    detectFormat(file);
    return true;
  } catch {
    return false;
  }
}

export async function readTable(file: string, opts: LoadOptions = {}): Promise<{ table: ParsedTable; format: FileFormat }> {
  const format = opts.format ?? detectFormat(file);
  if (format !== "csv" && format !== "jsonl" && /\.gz$/i.test(file)) {
    throw new DataError("UNKNOWN_FORMAT", "UNKNOWN_EXTENSION", `.gz is supported for CSV/TSV and JSON lines only, not ${format}`, { file }, "decompress the file first");
  }
  if (opts.encoding !== undefined && !["csv", "jsonl"].includes(format) && strictDecoder(opts.encoding).encoding !== "utf-8") {
    throw new DataError("INVALID_PARAMETER", "BAD_SPEC", `a text encoding (${opts.encoding}) applies to CSV/TSV and JSON lines, not ${format}`, { file, param: "encoding" },
      format === "parquet" ? "Parquet strings are UTF-8 by format: leave out --encoding" : "leave out --encoding");
  }
  switch (format) {
    case "csv":
      return { table: await readCsv(file, opts), format };
    case "npy":
      return { table: await readNpyTable(file, opts), format };
    case "npz":
      return { table: await readNpzTable(file, opts), format };
    case "parquet":
      // Loaded on demand: the Parquet reader is the heaviest module here.
      return { table: await (await import("./io/parquet.js")).readParquetTable(file, opts), format };
    case "jsonl":
      return { table: await readJsonlTable(file, opts), format };
  }
}

/** Loads one file as a Domain. */
export async function loadDomain(file: string, opts: LoadOptions = {}): Promise<LoadedDomain> {
  const { table, format } = await readTable(file, opts);
  return tableToDomain(table, format, opts);
}

/** A target whose unlabelled rows carry label −1 (unlabelledRows), as every input (unlabelled) plus the
 * labelled rows; the labelled part is absent when no row has a label. */
export function splitByLabel(d: Domain): { inputs: UnlabelledDomain; labelled?: LabelledDomain } {
  const { y: _y, ...rest } = d;
  const inputs = rest as UnlabelledDomain;
  if (!d.y) return { inputs };
  const idx: number[] = [];
  for (let i = 0; i < d.y.length; i++) if (d.y[i]! >= 0) idx.push(i);
  if (idx.length === 0) return { inputs };
  return { inputs, labelled: { ...rest, name: `${d.name} (labelled)`, X: d.X.takeRows(idx), y: Int32Array.from(idx, (i) => d.y![i]!) } };
}

/** Feature names must match (same names, same order); without names, the same count. */
export function checkFeatureMatch(source: Domain, target: Domain): void {
  const a = source.featureNames;
  const b = target.featureNames;
  if (source.X.cols !== target.X.cols || (a && b && a.some((n, j) => n !== b[j]))) {
    if (a && b) {
      const onlyS = a.filter((n) => !b.includes(n));
      const onlyT = b.filter((n) => !a.includes(n));
      const parts = [`source has ${a.length} features, target has ${b.length}`];
      if (onlyS.length) parts.push(`only in source: ${onlyS.slice(0, 10).join(", ")}${onlyS.length > 10 ? ", …" : ""}`);
      if (onlyT.length) parts.push(`only in target: ${onlyT.slice(0, 10).join(", ")}${onlyT.length > 10 ? ", …" : ""}`);
      if (!onlyS.length && !onlyT.length) parts.push("same names in a different order");
      throw new DataError("FEATURE_MISMATCH", "FEATURE_MISMATCH", `source and target features differ: ${parts.join("; ")}`, {}, "select the same feature columns in both (--features)");
    }
    throw new DataError("FEATURE_MISMATCH", "FEATURE_MISMATCH", `source has ${source.X.cols} features but target has ${target.X.cols}`);
  }
}

export type SourceTargetFiles =
  | { source: string; target: string }
  | { file: string; domainColumn: string | number; sourceValue?: string; targetValue?: string };

export interface SourceTarget {
  source: LoadedDomain & LabelledDomain;
  target: LoadedDomain;
}

/**
 * Loads a source and a target, with the source's class mapping applied to the target (a target label that the
 * source lacks is an error) and matching features.
 */
export async function loadSourceTarget(files: SourceTargetFiles, opts: LoadOptions = {}): Promise<SourceTarget> {
  let source: LoadedDomain;
  let target: LoadedDomain;
  if ("source" in files) {
    const s = await readTable(files.source, opts);
    source = tableToDomain(s.table, s.format, { ...opts, name: "source", role: "source" });
    // With the label auto-detected, a target file without a label column loads as an unlabelled target.
    const t = await readTable(files.target, opts);
    checkFeatureMatch(source, { name: "target", X: new Matrix(0, t.table.d), featureNames: t.table.featureNames });
    target = tableToDomain(t.table, t.format, { ...opts, name: "target", role: "target", classNames: source.classNames });
  } else {
    const { table, format } = await readTable(files.file, { ...opts, domainColumn: files.domainColumn });
    const dom = table.domain;
    if (!dom) throw new DataError("INVALID_PARAMETER", "NO_SUCH_COLUMN", "domainColumn is needed to split one file", { file: files.file, param: "domainColumn" });
    const present = classOrder([...new Set(Array.from(dom.codes).filter((c) => c >= 0))].map((c) => dom.values[c]!));
    let sv = files.sourceValue;
    let tv = files.targetValue;
    if (sv === undefined || tv === undefined) {
      if (present.length !== 2) {
        throw new DataError("INVALID_PARAMETER", "BAD_DOMAIN_VALUE", `column ${JSON.stringify(dom.name)} has ${present.length} values (${present.slice(0, 10).join(", ")}); say which is the source and which the target`,
          { file: files.file, column: dom.name, param: "sourceValue" });
      }
      sv ??= present.find((v) => v !== tv)!;
      tv ??= present.find((v) => v !== sv)!;
    }
    for (const [v, p] of [[sv, "sourceValue"], [tv, "targetValue"]] as const) {
      if (!present.includes(v)) {
        throw new DataError("INVALID_PARAMETER", "BAD_DOMAIN_VALUE", `domain value ${JSON.stringify(v)} does not occur in column ${JSON.stringify(dom.name)} (values: ${present.slice(0, 10).join(", ")})`,
          { file: files.file, column: dom.name, param: p });
      }
    }
    const rows = (v: string) => {
      const c = dom.values.indexOf(v);
      const out: number[] = [];
      for (let i = 0; i < table.n; i++) if (dom.codes[i] === c) out.push(i);
      return out;
    };
    source = tableToDomain(subsetTable(table, rows(sv)), format, { ...opts, name: sv, role: "source" });
    target = tableToDomain(subsetTable(table, rows(tv)), format, { ...opts, name: tv, role: "target", classNames: source.classNames });
  }
  if (!source.y) {
    throw new DataError("MISSING_LABELS", "NO_SUCH_COLUMN", "the source has no label column", { file: source.report.file, param: "label" }, "name it with --label (auto-detected names: label, y, target, class)");
  }
  return { source: source as LoadedDomain & LabelledDomain, target };
}
