// Matrix: row-major Float32Array + shape. The engine's tensors share this storage, so data never converts.
import { shapeMismatch, invalidParam, describe, TransferLabError } from "./errors.js";

/** The most entries a Float32Array may hold (V8: 2³² − 1 bytes / 4 on 64-bit builds, rounded down for safety). */
const MAX_ENTRIES = 2 ** 31 - 1;

export class Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;

  constructor(rows: number, cols: number, data?: Float32Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw invalidParam("shape", `matrix shape must be non-negative integers, got ${describe(rows)}×${describe(cols)}`);
    }
    const size = rows * cols;
    if (data !== undefined && !(data instanceof Float32Array)) {
      throw invalidParam("data", `matrix data must be a Float32Array, got ${describe(data)}`, "Float32Array.from(values), or Matrix.from(rows) for nested arrays");
    }
    if (size > MAX_ENTRIES) throw new TransferLabError("MEMORY_BUDGET", `a ${rows}×${cols} matrix has ${size} entries, above the ${MAX_ENTRIES} a Float32Array can hold`, { param: "shape" });
    if (data !== undefined && data.length !== size) {
      throw shapeMismatch(`data has ${data.length} values but shape ${rows}×${cols} needs ${size}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float32Array(size);
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /** From nested arrays; every row must have the same length. */
  static from(rows: ArrayLike<ArrayLike<number>>): Matrix {
    if (rows === null || typeof rows !== "object" || typeof rows.length !== "number") throw invalidParam("rows", `Matrix.from needs an array of rows, got ${describe(rows)}`);
    const n = rows.length;
    const first = rows[0];
    if (n > 0 && (first === null || typeof first !== "object" || typeof first.length !== "number")) throw shapeMismatch("row 1 is not an array of numbers", { row: 1 });
    const d = n === 0 ? 0 : first!.length;
    const m = new Matrix(n, d);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      if (r === null || typeof r !== "object") throw shapeMismatch(`row ${i + 1} is not an array of numbers`, { row: i + 1 });
      if (r.length !== d) throw shapeMismatch(`row ${i + 1} has ${r.length} values, expected ${d}`, { row: i + 1 });
      for (let j = 0; j < d; j++) {
        const v = r[j];
        if (typeof v !== "number") throw shapeMismatch(`row ${i + 1}, column ${j + 1} is ${typeof v}, not a number`, { row: i + 1, column: j + 1 });
        m.data[i * d + j] = v;
      }
    }
    return m;
  }

  get size(): number {
    return this.rows * this.cols;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** A view of row i (no copy). */
  row(i: number): Float32Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** A copy of column j. */
  column(j: number): Float32Array {
    const out = new Float32Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j]!;
    return out;
  }

  /** Contiguous rows [start, end) as a view (no copy). */
  sliceRows(start: number, end: number): Matrix {
    return new Matrix(end - start, this.cols, this.data.subarray(start * this.cols, end * this.cols));
  }

  /** A copy of the given rows, in the given order. */
  takeRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      out.data.set(this.data.subarray(i * this.cols, (i + 1) * this.cols), k * this.cols);
    }
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  toArrays(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** Stack matrices with the same column count on top of each other. */
  static vstack(parts: Matrix[]): Matrix {
    if (parts.length === 0) return new Matrix(0, 0);
    const d = parts[0]!.cols;
    let n = 0;
    for (const p of parts) {
      if (p.cols !== d) throw shapeMismatch(`cannot stack a ${p.rows}×${p.cols} matrix under ${d} columns`);
      n += p.rows;
    }
    const out = new Matrix(n, d);
    let off = 0;
    for (const p of parts) {
      out.data.set(p.data, off);
      off += p.data.length;
    }
    return out;
  }
}

/**
 * Per-column mean and standard deviation in float64, the variance divided by max(1, n − ddof) (ddof 0: population,
 * 1: sample). A column whose deviation is ≤ 1e-12 gets 1, so standardising maps a constant column to 0.
 */
export function columnMeanStd(X: Matrix, ddof = 0): { mean: Float64Array; std: Float64Array } {
  const n = X.rows, d = X.cols, data = X.data;
  const mean = new Float64Array(d), sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j]! += data[o + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) sq[j]! += (data[o + j]! - mean[j]!) ** 2;
  }
  const std = Float64Array.from(sq, (s) => {
    const sd = Math.sqrt(s / Math.max(1, n - ddof));
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}
