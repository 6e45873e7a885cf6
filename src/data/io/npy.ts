// NumPy .npy / .npz reading and writing (format spec: numpy.lib.format, version 1.0–3.0). NPZ is a zip of .npy
// files; we read stored or deflated entries (zip64 sizes included) and write stored entries.
import { readFileSync } from "node:fs";
import { inflateRawSync, crc32 } from "node:zlib";
import { DataError, fileError } from "../errors.js";
import { columnsToTable, canonicalLabel, type ColumnSelection, type ParsedTable, type RawColumn } from "../table.js";
import { DEFAULT_MISSING_TOKENS } from "./csv.js";

export interface NpyArray {
  shape: number[];
  /** Numbers (float32 stay Float32Array, the rest become Float64Array), or strings for unicode/bytes arrays. */
  data: Float32Array | Float64Array | string[];
  descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function bad(file: string, msg: string, reason: "BAD_NPY" | "UNSUPPORTED_DTYPE" = "BAD_NPY"): DataError {
  return new DataError(reason === "BAD_NPY" ? "DATA_FORMAT" : "UNSUPPORTED", reason, msg, { file });
}

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad(file, "is not a .npy file (no \\x93NUMPY magic)");
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let hlen: number;
  let off: number;
  if (major === 1) {
    hlen = view.getUint16(8, true);
    off = 10;
  } else if (major === 2 || major === 3) {
    hlen = view.getUint32(8, true);
    off = 12;
  } else throw bad(file, `unknown .npy version ${major}`);
  if (off + hlen > bytes.length) throw bad(file, "the .npy header is cut off");
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + off, hlen).toString(major === 3 ? "utf8" : "latin1");
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeStr === undefined) throw bad(file, `cannot read the .npy header ${JSON.stringify(header.trim())}`);
  const shape = shapeStr.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw bad(file, `bad shape (${shapeStr}) in the .npy header`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataOff = off + hlen;
  const m = /^([<>|=])?([fiubU])(\d+)$/.exec(descr);
  if (!m) throw bad(file, `dtype ${descr} is not supported (use float32/float64, integers, bool or unicode strings)`, "UNSUPPORTED_DTYPE");
  const little = m[1] !== ">";
  const kind = m[2]!;
  const size = Number(m[3]);
  const itemBytes = kind === "U" ? 4 * size : size;
  if (dataOff + count * itemBytes > bytes.length) throw bad(file, `the data is cut off: shape (${shape.join(", ")}) needs ${count * itemBytes} bytes, the file has ${bytes.length - dataOff}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + dataOff, count * itemBytes);
  let data: Float32Array | Float64Array | string[];
  if (kind === "U") {
    const out: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      let s = "";
      for (let c = 0; c < size; c++) {
        const cp = dv.getUint32((i * size + c) * 4, little);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      out[i] = s;
    }
    data = out;
  } else if (kind === "f" && size === 4) {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, little);
  } else {
    const out = new Float64Array(count);
    const get: ((i: number) => number) | undefined =
      kind === "f" && size === 8 ? (i) => dv.getFloat64(i * 8, little)
      : kind === "f" && size === 2 ? (i) => half(dv.getUint16(i * 2, little))
      : kind === "i" && size === 1 ? (i) => dv.getInt8(i)
      : kind === "i" && size === 2 ? (i) => dv.getInt16(i * 2, little)
      : kind === "i" && size === 4 ? (i) => dv.getInt32(i * 4, little)
      : kind === "i" && size === 8 ? (i) => Number(dv.getBigInt64(i * 8, little))
      : (kind === "u" || kind === "b") && size === 1 ? (i) => dv.getUint8(i)
      : kind === "u" && size === 2 ? (i) => dv.getUint16(i * 2, little)
      : kind === "u" && size === 4 ? (i) => dv.getUint32(i * 4, little)
      : kind === "u" && size === 8 ? (i) => Number(dv.getBigUint64(i * 8, little))
      : undefined;
    if (!get) throw bad(file, `dtype ${descr} is not supported`, "UNSUPPORTED_DTYPE");
    for (let i = 0; i < count; i++) out[i] = get(i);
    data = out;
  }
  if (fortran === "True" && shape.length === 2) data = transpose(data, shape[0]!, shape[1]!);
  else if (fortran === "True" && shape.length > 2) throw bad(file, "Fortran-ordered arrays with more than 2 dimensions are not supported", "UNSUPPORTED_DTYPE");
  return { shape, data, descr };
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function transpose<T extends Float32Array | Float64Array | string[]>(data: T, rows: number, cols: number): T {
  // Column-major (rows × cols) -> row-major.
  const out = (Array.isArray(data) ? new Array(data.length) : new (data.constructor as Float64ArrayConstructor)(data.length)) as T;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) (out as any)[i * cols + j] = (data as any)[j * rows + i];
  return out;
}

/** Serialises an array as .npy version 1.0 (little-endian). */
export function encodeNpy(data: Float32Array | Float64Array | Int32Array | string[], shape: number[]): Uint8Array {
  let descr: string;
  let body: Uint8Array;
  if (Array.isArray(data)) {
    const width = Math.max(1, ...data.map((s) => [...s].length));
    descr = `<U${width}`;
    const dv = new DataView(new ArrayBuffer(data.length * width * 4));
    data.forEach((s, i) => [...s].forEach((ch, c) => dv.setUint32((i * width + c) * 4, ch.codePointAt(0)!, true)));
    body = new Uint8Array(dv.buffer);
  } else {
    descr = data instanceof Float32Array ? "<f4" : data instanceof Float64Array ? "<f8" : "<i4";
    const dv = new DataView(new ArrayBuffer(data.byteLength));
    const w = data.BYTES_PER_ELEMENT;
    for (let i = 0; i < data.length; i++) {
      if (data instanceof Float32Array) dv.setFloat32(i * 4, data[i]!, true);
      else if (data instanceof Float64Array) dv.setFloat64(i * 8, data[i]!, true);
      else dv.setInt32(i * w, data[i]!, true);
    }
    body = new Uint8Array(dv.buffer);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, "latin1"), 10);
  out.set(body, 10 + header.length);
  return out;
}

/** Reads the entries of a zip archive (stored or deflated). */
export function unzip(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const badZip = (msg: string) => new DataError("DATA_FORMAT", "BAD_ZIP", msg, { file }, "write it with numpy.savez / savez_compressed");
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw badZip("is not a zip (.npz) archive");
  let count = dv.getUint16(eocd + 10, true);
  let cdOff = dv.getUint32(eocd + 16, true);
  if (cdOff === 0xffffffff || count === 0xffff) {
    // zip64 end of central directory, found through its locator just before the EOCD.
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== 0x07064b50) throw badZip("zip64 archive without a zip64 locator");
    const z64 = Number(dv.getBigUint64(loc + 8, true));
    count = Number(dv.getBigUint64(z64 + 32, true));
    cdOff = Number(dv.getBigUint64(z64 + 48, true));
  }
  const out = new Map<string, Uint8Array>();
  let p = cdOff;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50) throw badZip("damaged central directory");
    const method = dv.getUint16(p + 10, true);
    let csize = dv.getUint32(p + 20, true);
    let usize = dv.getUint32(p + 24, true);
    const nlen = dv.getUint16(p + 28, true);
    const elen = dv.getUint16(p + 30, true);
    const clen = dv.getUint16(p + 32, true);
    let lho = dv.getUint32(p + 42, true);
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + p + 46, nlen).toString("utf8");
    // zip64 extra field (id 1) holds the sizes/offset that are 0xffffffff above, in this order.
    let e = p + 46 + nlen;
    const eEnd = e + elen;
    while (e + 4 <= eEnd) {
      const id = dv.getUint16(e, true);
      const sz = dv.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (usize === 0xffffffff) { usize = Number(dv.getBigUint64(q, true)); q += 8; }
        if (csize === 0xffffffff) { csize = Number(dv.getBigUint64(q, true)); q += 8; }
        if (lho === 0xffffffff) { lho = Number(dv.getBigUint64(q, true)); q += 8; }
      }
      e += 4 + sz;
    }
    p = eEnd + clen;
    if (dv.getUint32(lho, true) !== 0x04034b50) throw badZip(`damaged entry ${name}`);
    const start = lho + 30 + dv.getUint16(lho + 26, true) + dv.getUint16(lho + 28, true);
    const raw = bytes.subarray(start, start + csize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (err) {
        throw badZip(`entry ${name} cannot be decompressed: ${(err as Error).message}`);
      }
    } else throw badZip(`entry ${name} uses unsupported compression method ${method}`);
    if (data.length !== usize) throw badZip(`entry ${name} has ${data.length} bytes, expected ${usize}`);
    out.set(name, data);
  }
  return out;
}

/** A zip archive with stored (uncompressed) entries. */
export function zipStore(entries: Array<[string, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let off = 0;
  for (const [name, data] of entries) {
    const nb = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, 0x04034b50, true);
    lh.setUint16(4, 20, true);
    lh.setUint32(14, crc, true);
    lh.setUint32(18, data.length, true);
    lh.setUint32(22, data.length, true);
    lh.setUint16(26, nb.length, true);
    parts.push(new Uint8Array(lh.buffer), nb, data);
    const ch = new DataView(new ArrayBuffer(46));
    ch.setUint32(0, 0x02014b50, true);
    ch.setUint16(4, 20, true);
    ch.setUint16(6, 20, true);
    ch.setUint32(16, crc, true);
    ch.setUint32(20, data.length, true);
    ch.setUint32(24, data.length, true);
    ch.setUint16(28, nb.length, true);
    ch.setUint32(42, off, true);
    central.push(new Uint8Array(ch.buffer), nb);
    off += 30 + nb.length + data.length;
  }
  const cdSize = central.reduce((a, b) => a + b.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, off, true);
  return Buffer.concat([...parts, ...central, new Uint8Array(end.buffer)]);
}

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw fileError(e, file);
  }
}

function splitColumns(arr: NpyArray, file: string, what: string): { names: string[]; columns: RawColumn[]; n: number } {
  if (arr.shape.length !== 2 && arr.shape.length !== 1) {
    throw new DataError("SHAPE_MISMATCH", "BAD_NPY", `${what} must be a 1-D or 2-D array, got shape (${arr.shape.join(", ")})`, { file });
  }
  const n = arr.shape[0]!;
  const d = arr.shape.length === 2 ? arr.shape[1]! : 1;
  const columns: RawColumn[] = [];
  for (let j = 0; j < d; j++) {
    const col = Array.isArray(arr.data) ? new Array<string>(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) (col as any)[i] = (arr.data as any)[i * d + j];
    columns.push(col);
  }
  return { names: Array.from({ length: d }, (_, j) => `x${j + 1}`), columns, n };
}

export interface NpyReadOptions extends ColumnSelection {
  missingTokens?: readonly string[];
}

/** A 2-D .npy is a table with columns x1..xd; `label` may pick one of them (by 0-based index). */
export async function readNpyTable(file: string, opts: NpyReadOptions = {}): Promise<ParsedTable> {
  const arr = parseNpy(readBytes(file), file);
  const { names, columns, n } = splitColumns(arr, file, "the array");
  if (n === 0) throw new DataError("EMPTY_DOMAIN", "NO_ROWS", "the array has no rows", { file });
  return columnsToTable(file, names, columns, { ...opts, label: opts.label === undefined ? null : opts.label }, opts.missingTokens ?? DEFAULT_MISSING_TOKENS);
}

const X_NAMES = ["X", "x", "data", "features"];
const Y_NAMES = ["y", "labels", "label", "target"];

/** An .npz with arrays X (n×d) and optionally y (n), feature_names (d) and class_names (k). */
export async function readNpzTable(file: string, opts: NpyReadOptions = {}): Promise<ParsedTable> {
  const entries = unzip(readBytes(file), file);
  const get = (names: string[]) => {
    for (const nm of names) {
      const e = entries.get(`${nm}.npy`);
      if (e) return parseNpy(e, `${file}:${nm}.npy`);
    }
    return undefined;
  };
  const X = get(X_NAMES);
  if (!X) {
    throw new DataError("DATA_FORMAT", "BAD_NPY", `has no feature array (looked for ${X_NAMES.join(", ")}; found ${[...entries.keys()].join(", ")})`, { file }, "save the features as X: numpy.savez(path, X=X, y=y)");
  }
  const { names: defaultNames, columns, n } = splitColumns(X, file, "X");
  if (n === 0) throw new DataError("EMPTY_DOMAIN", "NO_ROWS", "X has no rows", { file });
  const fn = get(["feature_names"]);
  const names = fn && Array.isArray(fn.data) && fn.data.length === columns.length ? fn.data.slice() : defaultNames;
  const y = get(Y_NAMES);
  const cn = get(["class_names"]);
  let labelOrder: string[] | undefined;
  let sel: ColumnSelection = { ...opts, label: null };
  if (y) {
    if (y.shape.length !== 1 || y.shape[0] !== n) throw new DataError("SHAPE_MISMATCH", "BAD_NPY", `y has shape (${y.shape.join(", ")}) but X has ${n} rows`, { file });
    let ycol: RawColumn = y.data;
    if (cn && Array.isArray(cn.data)) {
      const classNames = cn.data;
      labelOrder = classNames.map(canonicalLabel);
      ycol = Array.from(y.data as ArrayLike<number>, (v, i) => {
        const s = classNames[v];
        if (s === undefined) throw new DataError("DATA_FORMAT", "BAD_NPY", `y = ${v} is not an index into class_names (${classNames.length} names)`, { file, row: i + 1, column: "y" });
        return s;
      });
    }
    let lname = "label";
    while (names.includes(lname)) lname = `_${lname}`;
    names.push(lname);
    columns.push(ycol);
    sel = { ...opts, label: lname };
  }
  const table = columnsToTable(file, names, columns, sel, opts.missingTokens ?? DEFAULT_MISSING_TOKENS);
  return { ...table, labelOrder };
}
