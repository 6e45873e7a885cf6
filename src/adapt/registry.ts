// The method registry: every Adapter exported by ./methods.ts, looked up by its name ("coral", "kmm", ...).
import { TransferLabError } from "../core/errors.js";
import * as catalogue from "./methods.js";
import type { Adapter, Family } from "./types.js";

const FAMILY_ORDER: Family[] = ["baseline", "instance", "feature", "ot", "self-training", "parameter", "deep"];
const BASELINE_ORDER = ["source-only", "target-only", "source-target", "oracle"];

function rank(m: Adapter): number {
  const i = BASELINE_ORDER.indexOf(m.name);
  return i < 0 ? BASELINE_ORDER.length : i;
}

function isAdapter(v: unknown): v is Adapter {
  return typeof v === "object" && v !== null && typeof (v as Adapter).fit === "function" && typeof (v as Adapter).name === "string" && typeof (v as Adapter).family === "string";
}

type Catalogue = typeof catalogue;
/** The name of every registered method as a union of string literals ("source-only" | "coral" | …): each define*
 *  helper keeps its spec's name literal. A helper returning a plain Adapter would widen this to string, which
 *  test/package/exports.test.ts catches. */
export type MethodName = { [K in keyof Catalogue]: Catalogue[K] extends { readonly name: infer N extends string; fit: unknown } ? N : never }[keyof Catalogue];

let cache: Adapter[] | null = null;

/** Every registered method, grouped by family (in FAMILY_ORDER) then by name. */
export function listMethods(): Adapter[] {
  if (cache) return cache;
  const all = Object.values(catalogue).filter(isAdapter) as Adapter[];
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.name)) throw new TransferLabError("INTERNAL", `two methods are registered as '${m.name}'`);
    seen.add(m.name);
  }
  cache = all.sort((a, b) => FAMILY_ORDER.indexOf(a.family) - FAMILY_ORDER.indexOf(b.family) || rank(a) - rank(b) || a.name.localeCompare(b.name));
  return cache;
}

export function methodNames(): MethodName[] {
  return listMethods().map((m) => m.name as MethodName);
}

/** The method registered as `name`; an unknown name is an INVALID_PARAMETER error listing the close ones. */
export function getMethod(name: string): Adapter {
  if (typeof name !== "string") throw new TransferLabError("INVALID_PARAMETER", `a method name must be a string, got ${name === null ? "null" : typeof name}`, { param: "methods" }, `known methods: ${methodNames().join(", ")}`);
  const m = listMethods().find((a) => a.name === name);
  if (m) return m;
  const names = methodNames();
  const close = names.filter((n) => editDistance(n, name) <= 2 || n.includes(name) || name.includes(n));
  throw new TransferLabError("INVALID_PARAMETER", `unknown method '${name}'`, { param: "methods" },
    close.length ? `did you mean ${close.join(" or ")}? (transferlab methods lists all)` : `known methods: ${names.join(", ")}`);
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}
