// Users' files -> Domains: format by extension, column choice, missing values, one class mapping for
// source and target, and a feature check between them.
import { Matrix } from "../core/matrix.js";
import type { Domain, LabelledDomain, UnlabelledDomain } from "../core/domain.js";
import { DataError } from "./errors.js";
import { readCsv, type CsvOptions } from "./io/csv.js";
import { readNpyTable, readNpzTable } from "./io/npy.js";
import { readJsonlTable } from "./io/jsonl.js";
import { subsetTable, type ParsedTable } from "./table.js";
import { basename } from "node:path";

export type MissingPolicy = "error" | "drop" | "mean";
export type FileFormat = "csv" | "npy" | "npz" | "parquet" | "jsonl";

export interface LoadOptions extends CsvOptions {
  /** What to do with missing cells: "error" (default), "drop" the rows, or impute the column "mean" of the same file. */
  missing?: MissingPolicy;
  /** Domain name (default: the file name without extensions). */
  name?: string;
  /** Override the format detected from the extension. */
  format?: FileFormat;
  /** A row whose label cell is empty is an unlabelled row (label −1; see splitByLabel), not a missing value. */
  unlabelledRows?: boolean;
}

/** What loading did, for the user to see. */
export interface LoadReport {
  file: string;
  format: FileFormat;
  rows: number;
  features: number;
  droppedRows: number;
  imputedCells: number;
  /** classNames[k] = original label of class k (also on the Domain). */
  classMapping?: readonly string[];
}

export interface LoadedDomain extends Domain {
  readonly report: LoadReport;
}

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

function stem(file: string): string {
  return basename(file).replace(/(\.gz)?$/i, "").replace(/\.[^.]+$/, "");
}

/** Sorted class names: numerically when every label is a number, otherwise by string. */
export function classOrder(values: readonly string[]): string[] {
  const numeric = values.every((v) => v !== "" && Number.isFinite(Number(v)));
  return [...values].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Applies the missing-value policy; returns the kept rows' table and counts. */
function handleMissing(t: ParsedTable, policy: MissingPolicy, unlabelledRows = false): { table: ParsedTable; dropped: number; imputed: number } {
  if (unlabelledRows && t.label) {
    // Empty label cells mark unlabelled rows: they are not missing values.
    let m = 0;
    for (let i = 0; i < t.n; i++) if (t.label.codes[i]! < 0) m++;
    if (m > 0) t = { ...t, missingCells: t.missingCells - m, ...(t.missingCells === m ? { firstMissing: undefined } : {}) };
  }
  if (t.missingCells === 0) return { table: t, dropped: 0, imputed: 0 };
  const fm = t.firstMissing!;
  if (policy === "error") {
    throw new DataError("DATA_FORMAT", "MISSING_VALUE", `missing value (${t.missingCells} missing cell${t.missingCells === 1 ? "" : "s"} in the file)`, { file: t.file, row: fm.row, column: fm.column },
      "fill it in, or pass --missing drop (drop those rows) or --missing mean (impute the column mean)");
  }
  const labelMissing = (i: number) => !unlabelledRows && t.label !== undefined && t.label.codes[i]! < 0;
  const domainMissing = (i: number) => t.domain !== undefined && t.domain.codes[i]! < 0;
  if (policy === "drop") {
    const keep: number[] = [];
    for (let i = 0; i < t.n; i++) {
      let ok = !labelMissing(i) && !domainMissing(i);
      for (let j = 0; ok && j < t.d; j++) if (Number.isNaN(t.X[i * t.d + j]!)) ok = false;
      if (ok) keep.push(i);
    }
    const sub = subsetTable(t, keep);
    return { table: { ...sub, missingCells: 0, firstMissing: undefined }, dropped: t.n - keep.length, imputed: 0 };
  }
  // mean: labels and domain values cannot be imputed.
  for (let i = 0; i < t.n; i++) {
    if (labelMissing(i) || domainMissing(i)) {
      throw new DataError("DATA_FORMAT", "MISSING_LABEL", `the ${labelMissing(i) ? "label" : "domain value"} is missing`, { file: t.file, row: t.rowOf(i), column: labelMissing(i) ? t.label!.name : t.domain!.name },
        "labels cannot be imputed: use --missing drop");
    }
  }
  const X = t.X.slice();
  let imputed = 0;
  for (let j = 0; j < t.d; j++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < t.n; i++) {
      const v = X[i * t.d + j]!;
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    if (c === 0 && c < t.n) {
      throw new DataError("DATA_FORMAT", "MISSING_VALUE", "every value of this column is missing, so there is no mean to impute", { file: t.file, column: t.featureNames[j]! }, "drop the column");
    }
    const mean = s / Math.max(c, 1);
    for (let i = 0; i < t.n; i++) {
      if (Number.isNaN(X[i * t.d + j]!)) {
        X[i * t.d + j] = mean;
        imputed++;
      }
    }
  }
  return { table: { ...t, X, missingCells: 0, firstMissing: undefined }, dropped: 0, imputed };
}

/**
 * Turns a table into a Domain. `classNames` fixes the class mapping (the source's, applied to a target);
 * without it the mapping is the sorted labels of this table.
 */
export function tableToDomain(t: ParsedTable, format: FileFormat, opts: LoadOptions & { classNames?: readonly string[]; role?: string }): LoadedDomain {
  const { table, dropped, imputed } = handleMissing(t, opts.missing ?? "error", opts.unlabelledRows);
  if (table.n === 0) throw new DataError("EMPTY_DOMAIN", "NO_ROWS", dropped > 0 ? `no rows are left after dropping ${dropped} rows with missing values` : "no data rows", { file: t.file });
  let y: Int32Array | undefined;
  let classNames: readonly string[] | undefined;
  if (table.label) {
    const lab = table.label;
    const present = new Set<number>();
    for (let i = 0; i < table.n; i++) present.add(lab.codes[i]!);
    const seen = [...present].filter((c) => c >= 0).map((c) => lab.values[c]!);
    const declared = table.labelOrder && seen.every((v) => table.labelOrder!.includes(v)) ? table.labelOrder : undefined;
    classNames = opts.classNames ?? declared ?? classOrder(seen);
    const index = new Map(classNames.map((c, k) => [c, k]));
    const map = new Int32Array(lab.values.length).fill(-1);
    lab.values.forEach((v, c) => (map[c] = index.get(v) ?? -1));
    y = new Int32Array(table.n);
    for (let i = 0; i < table.n; i++) {
      if (lab.codes[i]! < 0) { y[i] = -1; continue; } // an unlabelled row (opts.unlabelledRows)
      const k = map[lab.codes[i]!]!;
      if (k < 0) {
        const v = lab.values[lab.codes[i]!]!;
        throw new DataError("LABEL_MISMATCH", "LABEL_ONLY_IN_TARGET", `label ${JSON.stringify(v)} appears in the ${opts.role ?? "target"} but not in the source (source classes: ${classNames.slice(0, 20).join(", ")})`,
          { file: t.file, row: table.rowOf(i), column: lab.name }, "drop those rows, or add labelled examples of that class to the source");
      }
      y[i] = k;
    }
  }
  const name = opts.name ?? stem(t.file);
  const report: LoadReport = { file: t.file, format, rows: table.n, features: table.d, droppedRows: dropped, imputedCells: imputed, classMapping: classNames };
  return { name, X: new Matrix(table.n, table.d, table.X), y, featureNames: table.featureNames, classNames, report };
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
