// Typed data errors: a TransferLabError whose `reason` says exactly what is wrong with a file, so tests and
// callers can branch on it, and whose `where` names file, row (line as an editor shows it) and column.
import { TransferLabError, type ErrorCode, type ErrorLocation } from "../core/errors.js";

export type DataErrorReason =
  | "FILE_NOT_FOUND"
  | "FILE_UNREADABLE"
  | "UNKNOWN_EXTENSION"
  | "EMPTY_FILE"
  | "NO_ROWS"
  | "EMPTY_HEADER"
  | "BAD_HEADER"
  | "DUPLICATE_HEADER"
  | "RAGGED_ROW"
  | "UNTERMINATED_QUOTE"
  | "NON_NUMERIC"
  | "NON_FINITE"
  | "MISSING_VALUE"
  | "MISSING_LABEL"
  | "NO_SUCH_COLUMN"
  | "NO_FEATURES"
  | "FEATURE_MISMATCH"
  | "LABEL_ONLY_IN_TARGET"
  | "BAD_DOMAIN_VALUE"
  | "BAD_NPY"
  | "BAD_ZIP"
  | "BAD_JSON"
  | "BAD_PARQUET"
  | "UNSUPPORTED_DTYPE"
  | "UNKNOWN_DATASET"
  | "BAD_SPEC"
  | "BAD_ENCODING";

export class DataError extends TransferLabError {
  readonly reason: DataErrorReason;
  constructor(code: ErrorCode, reason: DataErrorReason, message: string, where: ErrorLocation = {}, hint?: string) {
    super(code, message, where, hint);
    this.name = "DataError";
    this.reason = reason;
  }
}

export function isDataError(e: unknown, reason?: DataErrorReason): e is DataError {
  return e instanceof DataError && (reason === undefined || e.reason === reason);
}

/** Maps a Node fs error to FILE_NOT_FOUND / FILE_UNREADABLE. */
export function fileError(e: unknown, file: string): DataError {
  const code = (e as { code?: string } | null)?.code;
  if (code === "ENOENT") return new DataError("FILE_NOT_FOUND", "FILE_NOT_FOUND", "file does not exist", { file }, "check the path");
  const msg = e instanceof Error ? e.message : String(e);
  const what = code === "EISDIR" ? "is a directory, not a file" : code === "EACCES" ? "cannot be read (permission denied)" : `cannot be read: ${msg}`;
  return new DataError("FILE_UNREADABLE", "FILE_UNREADABLE", what, { file }, code === "EACCES" ? "check the file's permissions" : undefined);
}
