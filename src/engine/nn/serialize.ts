// Weights on disk: "TLW1" magic, uint32 header length, a JSON header naming each tensor's shape and offset,
// zero padding to 4 bytes, then little-endian float32 values. Parameters and buffers are matched by name.
import { TransferLabError } from "../../core/errors.js";
import type { Module } from "./module.js";

const MAGIC = [0x54, 0x4c, 0x57, 0x31]; // "TLW1"

interface Entry {
  name: string;
  shape: number[];
  /** Offset into the float section, in values. */
  offset: number;
  length: number;
}

interface Header {
  format: "transferlab-weights";
  version: 1;
  tensors: Entry[];
}

function entries(m: Module): [string, Float32Array, readonly number[]][] {
  return [
    ...m.namedParameters().map(([n, p]): [string, Float32Array, readonly number[]] => [n, p.data, p.shape]),
    ...m.namedBuffers().map(([n, b]): [string, Float32Array, readonly number[]] => [n, b.data, b.shape]),
  ];
}

/** Serialise a module's parameters and buffers. */
export function saveWeights(m: Module): Uint8Array {
  const tensors: Entry[] = [];
  let off = 0;
  for (const [name, data, shape] of entries(m)) {
    tensors.push({ name, shape: [...shape], offset: off, length: data.length });
    off += data.length;
  }
  const header: Header = { format: "transferlab-weights", version: 1, tensors };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((8 + json.length) / 4) * 4;
  const bytes = new Uint8Array(start + off * 4);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, json.length, true);
  bytes.set(json, 8);
  let p = start;
  for (const [, data] of entries(m)) for (let i = 0; i < data.length; i++, p += 4) view.setFloat32(p, data[i]!, true);
  return bytes;
}

function bad(msg: string, hint?: string): TransferLabError {
  return new TransferLabError("DATA_FORMAT", `weights: ${msg}`, {}, hint);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The header as saveWeights writes it, or DATA_FORMAT naming what is off (it sits inside base64 model files, where
 *  the model file's own checks do not reach). */
function checkHeader(raw: unknown): Header {
  const h = raw as Partial<Header> | null;
  if (h === null || typeof h !== "object") throw bad("the header is not an object");
  if (h.format !== "transferlab-weights" || h.version !== 1) throw bad(`unsupported format ${String(h.format)} v${String(h.version)}`);
  if (!Array.isArray(h.tensors)) throw bad("the header has no tensor list");
  h.tensors.forEach((e: Partial<Entry> | null, i) => {
    const ok = e !== null && typeof e === "object" && typeof e.name === "string" && Array.isArray(e.shape) && e.shape.every(isCount)
      && isCount(e.offset) && isCount(e.length) && e.shape.reduce((a, b) => a * b, 1) === e.length;
    if (!ok) throw bad(`tensor entry ${i + 1} of the header is damaged`);
  });
  return h as Header;
}

/** Restore weights saved by saveWeights into a module of the same architecture (in place). */
export function loadWeights(m: Module, bytes: Uint8Array, opts: { strict?: boolean } = {}): void {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad("not a transferlab weights file (bad magic)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(4, true);
  if (8 + hlen > bytes.length) throw bad("truncated header");
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hlen)));
  } catch {
    throw bad("unreadable JSON header");
  }
  const header = checkHeader(raw);
  const start = Math.ceil((8 + hlen) / 4) * 4;
  const byName = new Map(header.tensors.map((e) => [e.name, e]));
  const strict = opts.strict ?? true;
  const targets = entries(m);
  // Everything is read and checked before the module changes: a damaged file leaves it as it was. A non-finite
  // weight is never saved (a diverged fit fails instead), so one here is damage, not a model.
  const reads: Array<[Float32Array, Float32Array]> = [];
  for (const [name, data, shape] of targets) {
    const e = byName.get(name);
    if (e === undefined) {
      if (strict) throw bad(`missing tensor '${name}'`, "was it saved from the same architecture?");
      continue;
    }
    if (e.length !== data.length || e.shape.join(",") !== shape.join(",")) {
      throw new TransferLabError("SHAPE_MISMATCH", `weights: '${name}' is [${e.shape.join(", ")}] in the file but [${shape.join(", ")}] in the model`);
    }
    const p0 = start + e.offset * 4;
    if (p0 + e.length * 4 > bytes.length) throw bad(`truncated data for '${name}'`);
    const values = new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) {
      const v = view.getFloat32(p0 + i * 4, true);
      if (!Number.isFinite(v)) throw new TransferLabError("NON_FINITE", `weights: '${name}' holds ${v} at index ${i}`, { param: name }, "the weights are damaged; fit the model again");
      values[i] = v;
    }
    reads.push([data, values]);
  }
  if (strict) {
    const known = new Set(targets.map(([n]) => n));
    for (const e of header.tensors) if (!known.has(e.name)) throw bad(`unexpected tensor '${e.name}' in the file`, "was it saved from the same architecture?");
  }
  for (const [data, values] of reads) data.set(values);
}

/** saveWeights as base64 text, for JSON model files (atob/btoa: Node ≥ 16 and browsers alike). */
export function saveWeightsBase64(m: Module): string {
  const bytes = saveWeights(m);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** loadWeights from saveWeightsBase64's text. */
export function loadWeightsBase64(m: Module, text: string, opts: { strict?: boolean } = {}): void {
  let raw: string;
  try {
    raw = atob(text);
  } catch {
    throw bad("weights text is not base64");
  }
  loadWeights(m, Uint8Array.from(raw, (ch) => ch.charCodeAt(0)), opts);
}
