// The intermediate every reader produces: selected feature columns packed row-major into a Float32Array
// (NaN marks a missing cell, never a NaN in the file), plus the label and domain columns as interned strings.
import { DataError } from "./errors.js";

export type ColumnRef = string | number;

export interface ColumnSelection {
  /** Label column: header name or 0-based index. undefined = auto (label|y|target|class), null = no label. */
  label?: ColumnRef | null;
  /** Feature columns: names, globs (* and ?) or 0-based indices. Default: every column not used otherwise. */
  features?: readonly ColumnRef[];
  /** Column whose values say which domain a row belongs to. */
  domainColumn?: ColumnRef;
}

export interface TextColumn {
  name: string;
  /** Index into `values`; -1 = missing. */
  codes: Int32Array;
  values: string[];
}

export interface ParsedTable {
  file: string;
  featureNames: string[];
  n: number;
  d: number;
  X: Float32Array;
  label?: TextColumn;
  domain?: TextColumn;
  /** What to report as the row of record i (line number for text files, 1-based record otherwise). */
  rowOf: (i: number) => number;
  missingCells: number;
  firstMissing?: { row: number; column: string };
  /** The class order the file itself declares (NPZ class_names, our Parquet metadata); else labels are sorted. */
  labelOrder?: string[];
}

export interface ColumnPlan {
  features: number[];
  label?: number;
  domain?: number;
}

const AUTO_LABELS = ["label", "y", "target", "class"];

/** Rejects empty and duplicate header names, naming the column. */
export function checkHeader(names: readonly string[], file: string, row = 1, isTextHeader = false): void {
  // In a text file, a first line of numbers is data, not a header.
  if (isTextHeader && names.length > 0 && names.every((n) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(n.trim()))) {
    throw new DataError("DATA_FORMAT", "BAD_HEADER", "the first line holds numbers, not column names", { file, row },
      "the file has no header: pass --no-header (API: header: false); columns are then x1..xd, name the label by index");
  }
  const seen = new Map<string, number>();
  names.forEach((raw, j) => {
    const name = raw.trim();
    if (name === "") {
      throw new DataError("DATA_FORMAT", "EMPTY_HEADER", `header cell ${j + 1} is empty`, { file, row, column: j + 1 },
        "give every column a name (pandas: write with index=False to drop the unnamed index column)");
    }
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new DataError("DATA_FORMAT", "DUPLICATE_HEADER", `column name ${JSON.stringify(name)} appears twice (columns ${prev + 1} and ${j + 1})`,
        { file, row, column: name }, "rename one of them");
    }
    seen.set(name, j);
  });
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${esc}$`);
}

function resolveOne(ref: ColumnRef, names: readonly string[], file: string, what: string): number {
  if (typeof ref === "number") {
    if (!Number.isInteger(ref) || ref < 0 || ref >= names.length) {
      throw new DataError("INVALID_PARAMETER", "NO_SUCH_COLUMN", `${what} column index ${ref} is out of range (the file has ${names.length} columns, indices 0..${names.length - 1})`, { file, param: what });
    }
    return ref;
  }
  const j = names.indexOf(ref);
  if (j >= 0) return j;
  if (/^\d+$/.test(ref)) return resolveOne(Number(ref), names, file, what);
  const near = names.filter((n) => n.toLowerCase() === ref.toLowerCase());
  throw new DataError("INVALID_PARAMETER", "NO_SUCH_COLUMN", `${what} column ${JSON.stringify(ref)} is not in the file`, { file, column: ref, param: what },
    near.length ? `did you mean ${JSON.stringify(near[0])}?` : `columns are: ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""}`);
}

/** Decides which columns are features, label and domain, from the header names. */
export function planColumns(names: readonly string[], sel: ColumnSelection, file: string): ColumnPlan {
  let label: number | undefined;
  if (sel.label === undefined) {
    const j = names.findIndex((n) => AUTO_LABELS.includes(n.trim().toLowerCase()));
    label = j >= 0 ? j : undefined;
  } else if (sel.label !== null) {
    label = resolveOne(sel.label, names, file, "label");
  }
  const domain = sel.domainColumn === undefined ? undefined : resolveOne(sel.domainColumn, names, file, "domainColumn");
  let features: number[];
  if (sel.features && sel.features.length > 0) {
    const chosen = new Set<number>();
    for (const ref of sel.features) {
      if (typeof ref === "string" && /[*?]/.test(ref)) {
        const re = globToRegExp(ref);
        const hits = names.map((n, j) => (re.test(n) ? j : -1)).filter((j) => j >= 0);
        if (hits.length === 0) {
          throw new DataError("INVALID_PARAMETER", "NO_SUCH_COLUMN", `feature pattern ${JSON.stringify(ref)} matches no column`, { file, param: "features" });
        }
        hits.forEach((j) => chosen.add(j));
      } else chosen.add(resolveOne(ref, names, file, "features"));
    }
    features = [...chosen].sort((a, b) => a - b);
    for (const j of features) {
      if (j === label || j === domain) {
        throw new DataError("INVALID_PARAMETER", "NO_SUCH_COLUMN", `column ${JSON.stringify(names[j])} cannot be both a feature and the ${j === label ? "label" : "domain column"}`, { file, column: names[j]!, param: "features" });
      }
    }
  } else {
    features = names.map((_, j) => j).filter((j) => j !== label && j !== domain);
  }
  if (features.length === 0) {
    throw new DataError("DATA_FORMAT", "NO_FEATURES", "no feature columns are left", { file }, "the file needs at least one feature column besides the label/domain columns");
  }
  return { features, label, domain };
}

/** Numbers written in different ways ("1", "1.0", "01") name the same class. */
export function canonicalLabel(s: string): string {
  const t = s.trim();
  if (t !== "" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return String(Number(t));
  return t;
}

/** Interns strings into codes; keeps first-seen order. */
export class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(s);
      this.index.set(s, c);
    }
    return c;
  }
}

/** Rows `idx` of a table, as a new table. */
export function subsetTable(t: ParsedTable, idx: ArrayLike<number>): ParsedTable {
  const n = idx.length;
  const X = new Float32Array(n * t.d);
  const rowOfs = new Int32Array(n);
  let missingCells = 0;
  let firstMissing: ParsedTable["firstMissing"];
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    X.set(t.X.subarray(i * t.d, (i + 1) * t.d), k * t.d);
    rowOfs[k] = t.rowOf(i);
    for (let j = 0; j < t.d; j++) {
      if (Number.isNaN(X[k * t.d + j]!)) {
        missingCells++;
        firstMissing ??= { row: rowOfs[k]!, column: t.featureNames[j]! };
      }
    }
    for (const c of [t.label, t.domain]) {
      if (c && c.codes[i]! < 0) {
        missingCells++;
        firstMissing ??= { row: rowOfs[k]!, column: c.name };
      }
    }
  }
  const sub = (c?: TextColumn): TextColumn | undefined =>
    c && { name: c.name, values: c.values, codes: Int32Array.from({ length: n }, (_, k) => c.codes[idx[k]!]!) };
  return { file: t.file, featureNames: t.featureNames, n, d: t.d, X, label: sub(t.label), domain: sub(t.domain), rowOf: (i) => rowOfs[i]!, missingCells, firstMissing, labelOrder: t.labelOrder };
}

/** A column as another reader delivers it: typed numbers, or values that may be strings/null. */
export type RawColumn = ArrayLike<number> | ArrayLike<unknown>;

/**
 * Builds a ParsedTable from whole columns (NPY, Parquet, JSON lines). Rows are reported 1-based as records
 * (or as `rowOf` says, e.g. line numbers). null/undefined and missing tokens are missing;
 * NaN/Inf are errors unless "NaN" is a missing token.
 */
export function columnsToTable(file: string, names: string[], columns: RawColumn[], sel: ColumnSelection, missingTokens: readonly string[], rowOf: (i: number) => number = (i) => i + 1): ParsedTable {
  checkHeader(names, file, undefined);
  const plan = planColumns(names, sel, file);
  const n = columns.length > 0 ? columns[0]!.length : 0;
  if (n === 0) throw new DataError("EMPTY_DOMAIN", "NO_ROWS", "file has no data rows", { file });
  const d = plan.features.length;
  const missing = new Set(missingTokens.map((s) => s.trim()));
  const nanIsMissing = missing.has("NaN") || missing.has("nan");
  const X = new Float32Array(n * d);
  let missingCells = 0;
  let firstMissing: ParsedTable["firstMissing"];
  plan.features.forEach((j, k) => {
    const col = columns[j]!;
    const name = names[j]!;
    const isTyped = ArrayBuffer.isView(col);
    for (let i = 0; i < n; i++) {
      const raw = col[i];
      let v: number;
      if (isTyped || typeof raw === "number") v = raw as number;
      else if (typeof raw === "bigint") v = Number(raw);
      else if (typeof raw === "boolean") v = raw ? 1 : 0;
      else if (raw === null || raw === undefined || (typeof raw === "string" && missing.has(raw.trim()))) v = NaN;
      else if (typeof raw === "string" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())) v = Number(raw);
      else {
        const shown = typeof raw === "string" ? raw : JSON.stringify(raw);
        if (typeof raw === "string" && /^[+-]?(nan|inf|infinity)$/i.test(raw.trim())) {
          throw new DataError("NON_FINITE", "NON_FINITE", `value ${JSON.stringify(raw)} is not a finite number`, { file, row: rowOf(i), column: name });
        }
        throw new DataError("DATA_FORMAT", "NON_NUMERIC", `value ${JSON.stringify(shown?.slice(0, 40))} is not a number`, { file, row: rowOf(i), column: name },
          "features must be numeric: drop or encode this column, or choose features with --features");
      }
      if (Number.isNaN(v) && (raw === null || raw === undefined || typeof raw === "string" || nanIsMissing)) {
        missingCells++;
        firstMissing ??= { row: rowOf(i), column: name };
      } else if (!Number.isFinite(v) || Math.abs(v) > 3.4028234663852886e38) {
        throw new DataError("NON_FINITE", "NON_FINITE", `value ${v} is not a finite 32-bit number`, { file, row: rowOf(i), column: name },
          'remove it, or if NaN marks a missing value pass --missing-token NaN with --missing drop|mean (API: missingTokens, missing)');
      }
      X[i * d + k] = v;
    }
  });
  const text = (j: number | undefined, isLabel: boolean): TextColumn | undefined => {
    if (j === undefined) return undefined;
    const col = columns[j]!;
    const interner = new Interner();
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const raw = col[i];
      const s = raw === null || raw === undefined ? null : typeof raw === "number" && Number.isNaN(raw) ? null : String(raw);
      if (s === null || missing.has(s.trim())) {
        codes[i] = -1;
        missingCells++;
        firstMissing ??= { row: rowOf(i), column: names[j]! };
      } else codes[i] = interner.code(isLabel ? canonicalLabel(s) : s.trim());
    }
    return { name: names[j]!, codes, values: interner.values };
  };
  return { file, featureNames: plan.features.map((j) => names[j]!), n, d, X, label: text(plan.label, true), domain: text(plan.domain, false), rowOf, missingCells, firstMissing };
}
