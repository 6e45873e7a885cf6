// A parsed table -> Domain: missing-value policy, class mapping, load report. Free of Node built-ins, so browsers
// turn CSV text (io/csv-parser.ts) into Domains with the same rules as files.
import { Matrix } from "../core/matrix.js";
import type { Domain } from "../core/domain.js";
import { DataError } from "./errors.js";
import type { CsvOptions } from "./io/csv-parser.js";
import { subsetTable, type ParsedTable } from "./table.js";

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

function stem(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/(\.gz)?$/i, "").replace(/\.[^.]+$/, "");
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

