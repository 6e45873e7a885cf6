// Comparisons against reference fixtures shared by the adapt tests.
import assert from "node:assert/strict";

/** max |x − y| / max |y|: relative to the scale of the reference. */
export function relErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.equal(x.length, y.length);
  let num = 0, den = 0;
  for (let k = 0; k < y.length; k++) { num = Math.max(num, Math.abs(x[k]! - y[k]!)); den = Math.max(den, Math.abs(y[k]!)); }
  return num / den;
}

export const flat = (rows: number[][]): number[] => rows.flat();
