// Writing domains: CSV (header + label as class name), NPY (X only), NPZ (X, y, names), Parquet. All atomic.
import type { Domain } from "../../core/domain.js";
import { TransferLabError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/atomic.js";
import { encodeNpy, zipStore } from "./npy.js";
import { encodeParquet } from "./parquet.js";

export type WriteFormat = "csv" | "npy" | "npz" | "parquet";

/** A short decimal that reads back as exactly the same float32 (so CSV round trips are exact). */
export function formatFloat32(v: number): string {
  if (Object.is(v, -0)) return "-0";
  if (Number.isInteger(v)) return String(v);
  const f = Math.fround(v);
  // 6 significant digits first (most data are written with at most that many; String(Number(·)) drops trailing
  // zeros, so 0.5 stays "0.5"); 9 always reproduces a float32.
  for (let p = 6; p <= 9; p++) {
    const s = String(Number(f.toPrecision(p)));
    if (Math.fround(Number(s)) === f) return s;
  }
  return String(f);
}

/** A CSV cell: quoted when it holds a delimiter, quote, newline or surrounding spaces. */
export function csvCell(s: string, delimiter = ","): string {
  return s.includes(delimiter) || /["\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function encodeCsv(d: Domain, labelColumn = "label", delimiter = ","): string {
  const names = d.featureNames ?? Array.from({ length: d.X.cols }, (_, j) => `x${j + 1}`);
  const header = [...names, ...(d.y ? [labelColumn] : [])].map((s) => csvCell(s, delimiter)).join(delimiter);
  const lines: string[] = [header];
  const { rows, cols, data } = d.X;
  // Pixel-like data repeat a few values many times: format each distinct value once (bounded cache).
  const cache = new Map<number, string>();
  const fmt = (v: number): string => {
    if (v === 0) return Object.is(v, -0) ? "-0" : "0"; // Map keys do not tell 0 from -0
    let s = cache.get(v);
    if (s === undefined) {
      s = formatFloat32(v);
      if (cache.size < 1 << 16) cache.set(v, s);
    }
    return s;
  };
  for (let i = 0; i < rows; i++) {
    const cells: string[] = new Array(cols);
    for (let j = 0; j < cols; j++) cells[j] = fmt(data[i * cols + j]!);
    if (d.y) cells.push(csvCell(d.classNames ? d.classNames[d.y[i]!]! : String(d.y[i]), delimiter));
    lines.push(cells.join(delimiter));
  }
  return `${lines.join("\n")}\n`;
}

export function encodeNpz(d: Domain): Uint8Array {
  const entries: Array<[string, Uint8Array]> = [["X.npy", encodeNpy(d.X.data, [d.X.rows, d.X.cols])]];
  if (d.y) entries.push(["y.npy", encodeNpy(Int32Array.from(d.y), [d.y.length])]);
  if (d.featureNames) entries.push(["feature_names.npy", encodeNpy([...d.featureNames], [d.featureNames.length])]);
  if (d.classNames) entries.push(["class_names.npy", encodeNpy([...d.classNames], [d.classNames.length])]);
  return zipStore(entries);
}

/** Writes a domain in the given format (temp file + rename). NPY holds X only; use NPZ to keep labels. */
export function writeDomain(path: string, d: Domain, format: WriteFormat): void {
  switch (format) {
    case "csv":
      return writeFileAtomic(path, encodeCsv(d));
    case "npy":
      return writeFileAtomic(path, encodeNpy(d.X.data, [d.X.rows, d.X.cols]));
    case "npz":
      return writeFileAtomic(path, encodeNpz(d));
    case "parquet":
      return writeFileAtomic(path, encodeParquet(d));
    default:
      throw new TransferLabError("INVALID_PARAMETER", `unknown format ${JSON.stringify(format)}`, { param: "format" }, "use csv, npy, npz or parquet");
  }
}
