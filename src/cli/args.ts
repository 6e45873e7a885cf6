// Reading command-line values (sizes, counts, seeds, parameter grids, validator lists), with one clear INVALID_PARAMETER error.
import { invalidParam, TransferLabError } from "../core/errors.js";
import { VALIDATORS, type ValidatorName } from "../selection/index.js";

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

/** `method.key=v1,v2,…` (repeatable): the values of one parameter to try; each value read as JSON when it parses. */
export function parseGridFlags(flags: string[]): Record<string, Record<string, unknown[]>> {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const f of flags) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9_]+)=(.+)$/.exec(f);
    if (!m) throw new TransferLabError("INVALID_PARAMETER", `expected method.name=v1,v2,…, got '${f}'`, { param: "grid" }, "e.g. --grid coral.lambda=0.1,1,10");
    (out[m[1]!] ??= {})[m[2]!] = m[3]!.split(",").map((s) => { try { return JSON.parse(s); } catch { return s; } });
  }
  return out;
}

/** "all" or a comma list of validator names. */
export function parseValidators(s: string): ValidatorName[] {
  if (s === "all") return [...VALIDATORS];
  const names = s.split(",").map((v) => v.trim()).filter(Boolean);
  for (const v of names) if (!(VALIDATORS as readonly string[]).includes(v)) throw new TransferLabError("INVALID_PARAMETER", `unknown validator '${v}'`, { param: "validators" }, `use all or some of ${VALIDATORS.join(", ")}`);
  return names as ValidatorName[];
}

/** One validator name (the rule that chooses). */
export function parseRule(s: string): ValidatorName {
  const v = parseValidators(s);
  if (v.length !== 1 || s === "all") throw new TransferLabError("INVALID_PARAMETER", `expected one validator, got '${s}'`, { param: "rule" }, `one of ${VALIDATORS.join(", ")}`);
  return v[0]!;
}
