// Input validation shared by every room: finite values, matching feature counts, non-empty domains.
import { Matrix } from "./matrix.js";
import { TransferLabError } from "./errors.js";
import type { Domain } from "./domain.js";

/** Throws NON_FINITE naming the first NaN/Inf cell (1-based row and column). */
export function assertFinite(m: Matrix, what: string): void {
  const { data, cols } = m;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / cols) + 1;
      const col = (i % cols) + 1;
      throw new TransferLabError("NON_FINITE", `${what} has ${v} at row ${row}, column ${col}`, { row, column: col }, "remove or impute non-finite values");
    }
  }
}

export function assertSameFeatures(a: Domain, b: Domain): void {
  if (a.X.cols !== b.X.cols) {
    throw new TransferLabError(
      "FEATURE_MISMATCH",
      `domain '${a.name}' has ${a.X.cols} features but '${b.name}' has ${b.X.cols}`,
    );
  }
}

/** The matrix-level twin for statistics and solvers that take a source sample X and a target sample Y. */
export function assertSameColumns(X: Matrix, Y: Matrix): void {
  if (X.cols !== Y.cols) throw new TransferLabError("FEATURE_MISMATCH", `source has ${X.cols} features but target has ${Y.cols}`);
}

/** Validates a positive finite number parameter. */
export function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new TransferLabError("INVALID_PARAMETER", `must be a positive number, got ${v}`, { param: name });
  return v;
}
