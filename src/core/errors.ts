// Typed errors: every failure names what went wrong and where (file, row, column, parameter),
// so the CLI can print one readable line and a library caller can branch on `code`.

export type ErrorCode =
  | "INVALID_PARAMETER"
  | "SHAPE_MISMATCH"
  | "NON_FINITE"
  | "DATA_FORMAT"
  | "FILE_NOT_FOUND"
  | "FILE_UNREADABLE"
  | "UNKNOWN_FORMAT"
  | "MISSING_LABELS"
  | "TOO_FEW_LABELS"
  | "EMPTY_DOMAIN"
  | "FEATURE_MISMATCH"
  | "LABEL_MISMATCH"
  | "MEMORY_BUDGET"
  | "TEST_LABEL_LEAK"
  | "NOT_FITTED"
  | "UNSUPPORTED"
  | "ABORTED"
  | "DIVERGED"
  | "OUTPUT_UNWRITABLE"
  | "LOCKED"
  | "INTERNAL";

/** Where a problem is: any subset of file, row (1-based, as a user counts), column, parameter. */
export interface ErrorLocation {
  file?: string;
  row?: number;
  column?: string | number;
  param?: string;
}

export class TransferLabError extends Error {
  readonly code: ErrorCode;
  readonly where: ErrorLocation;
  /** A short suggestion of how to fix it, shown after the message. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, where: ErrorLocation = {}, hint?: string) {
    super(TransferLabError.compose(message, where, hint));
    this.name = "TransferLabError";
    this.code = code;
    this.where = where;
    this.hint = hint;
  }

  /** Rebuilds an error from its parts, e.g. after it crossed a worker thread; `message` is the composed text. */
  static revive(code: ErrorCode, message: string, where: ErrorLocation, hint?: string): TransferLabError {
    const e = new TransferLabError(code, message); // no location or hint: the text stays as given
    return Object.assign(e, { where, hint });
  }

  private static compose(message: string, where: ErrorLocation, hint?: string): string {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(where.file);
    if (where.row !== undefined) parts.push(`row ${where.row}`);
    if (where.column !== undefined) parts.push(`column ${typeof where.column === "number" ? where.column : JSON.stringify(where.column)}`);
    if (where.param !== undefined) parts.push(`parameter '${where.param}'`);
    const prefix = parts.length > 0 ? `${parts.join(", ")}: ` : "";
    return `${prefix}${message}${hint ? ` (${hint})` : ""}`;
  }
}

export function invalidParam(param: string, message: string, hint?: string): TransferLabError {
  return new TransferLabError("INVALID_PARAMETER", message, { param }, hint);
}

export function shapeMismatch(message: string, where: ErrorLocation = {}): TransferLabError {
  return new TransferLabError("SHAPE_MISMATCH", message, where);
}

export function isTransferLabError(e: unknown): e is TransferLabError {
  return e instanceof TransferLabError;
}

/** A short, safe description of a bad value for an error message. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") { const c = (v as { constructor?: { name?: string } }).constructor; return c && c !== Object && typeof c.name === "string" ? `a ${c.name}` : "an object"; }
  if (typeof v === "function") return "a function";
  return typeof v === "symbol" ? v.toString() : String(v);
}
