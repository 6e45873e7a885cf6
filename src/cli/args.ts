// Reading numeric command-line values (sizes, counts, seeds) into numbers, with one clear INVALID_PARAMETER error.
import { invalidParam } from "../core/errors.js";

/** "2GB", "512MB", "1.5G", "2GiB" or a number of bytes; must be positive. */
export function parseBytes(s: string, param = "memory-budget"): number {
  const m = /^\s*([\d.]+)\s*([kmgt]?i?b?)?\s*$/i.exec(s);
  if (!m || !Number.isFinite(Number(m[1]))) throw invalidParam(param, `cannot read '${s}' as a size`, "use e.g. 2GB, 512MB or a number of bytes");
  const unit = (m[2] ?? "").toLowerCase().replace(/i?b$/, "");
  const pow = { "": 0, k: 1, m: 2, g: 3, t: 4 }[unit];
  if (pow === undefined) throw invalidParam(param, `unknown unit in '${s}'`);
  const v = Number(m[1]) * 1024 ** pow;
  if (!(v > 0)) throw invalidParam(param, `must be positive, got '${s}'`);
  return v;
}

/** An integer flag value, at least min when given. Blank text is refused (Number("") would read it as 0). */
export function parseInteger(v: string, param: string, min?: number): number {
  const n = v.trim() === "" ? NaN : Number(v);
  if (!Number.isInteger(n) || (min !== undefined && n < min)) {
    throw invalidParam(param, `must be an integer${min !== undefined ? ` ≥ ${min}` : ""}, got '${v}'`);
  }
  return n;
}
