// The library boundary: every public function parses its arguments here before any work, so a misuse (a string
// where a number belongs, a plain array as Matrix data, a seed of 1e20, an unknown option, a prototype key) is a
// TransferLabError naming the argument — never a TypeError from deep inside, never a silently wrong result.
// One zod schema per function's options; the shared pieces (seeds, counts, byte budgets, domains) live here once.
import { z } from "zod";
import { Matrix } from "./matrix.js";
import { Rng } from "./rng.js";
import { TransferLabError, describe, type ErrorCode } from "./errors.js";

export { describe };
import type { Domain } from "./domain.js";

/** Seeds are integers in [0, 2³²): the Rng's state is seeded from 32 bits, so a larger seed would alias another. */
export const SEED_LIMIT = 2 ** 32;
export const seedSchema = z.number().int("must be an integer").min(0).max(SEED_LIMIT - 1, "must be below 2^32");
/** A memory budget in bytes (the CLI parses "2GB"; the library takes a number). */
export const bytesSchema = z.number().positive().finite("must be a finite number of bytes");
export const positiveInt = z.number().int("must be an integer").positive();
/** A callback of type F (only "is a function" can be checked at run time). */
export const fnSchema = <F>() => z.custom<F>((v) => typeof v === "function", "must be a function");
export const signalSchema = z.custom<AbortSignal>((v) => typeof AbortSignal !== "undefined" && v instanceof AbortSignal, "must be an AbortSignal");
export const rngSchema = z.custom<Rng>((v) => v instanceof Rng, "must be an Rng (new Rng(seed))");
/** A record of raw parameters: a plain object without prototype keys (its values are checked by their owner). */
export const paramRecord = z.record(z.string(), z.unknown());

/** Parses `value` with `schema`; the first problem becomes INVALID_PARAMETER naming `fn` and the argument's path. */
export function parseArgs<S extends z.ZodType>(schema: S, value: unknown, fn: string, root = "options"): z.output<S> {
  rejectPrototypeKeys(value, fn);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const param = [...path, key].join(".");
    throw new TransferLabError("INVALID_PARAMETER", `${fn}: unknown ${root === "options" ? "option" : "field"} '${param}'`, { param }, knownKeys(schema, path));
  }
  const param = path.join(".") || root;
  const got = describe(path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" && Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined), value));
  throw new TransferLabError("INVALID_PARAMETER", `${fn}: ${issue.message.replace(/^Invalid input: /, "")}, got ${got}`, { param });
}

/** zod skips an own "__proto__" key (as JSON.parse makes from user text) instead of reporting it: refuse it here,
 *  at any depth of plain objects and arrays. */
export function rejectPrototypeKeys(value: unknown, fn: string, path: string[] = []): void {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || path.length > 8) return;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !Array.isArray(value)) return; // class instances (Matrix, Rng, AbortSignal)
  if (Object.hasOwn(value, "__proto__")) {
    const param = [...path, "__proto__"].join(".");
    throw new TransferLabError("INVALID_PARAMETER", `${fn}: '__proto__' is not an option`, { param });
  }
  for (const [k, v] of Object.entries(value)) rejectPrototypeKeys(v, fn, [...path, k]);
}

function knownKeys(schema: z.ZodType, path: string[]): string | undefined {
  let s: unknown = schema;
  for (const k of path) s = (s as { shape?: Record<string, unknown> }).shape?.[k];
  const shape = (s as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? `known: ${Object.keys(shape).join(", ")}` : undefined;
}

/** More classes than this is a corrupt label column, not a task (estimators allocate per class). */
export const MAX_CLASSES = 65_536;

export type LabelRule = "required" | "optional" | "partial" | "none";

/**
 * Checks one domain argument: an object with a Matrix `X` (Float32Array data), labels as an Int32Array of one
 * class index per row (`partial`: −1 marks an unlabelled row, as a partly labelled file does), class and feature
 * names of the right lengths. `role` names it in messages ("source", "pair.target", ...).
 */
export function checkDomainArg(d: unknown, role: string, labels: LabelRule): asserts d is Domain {
  if (d === null || typeof d !== "object") throw bad("INVALID_PARAMETER", role, `must be a domain { name, X: Matrix, y?: Int32Array }, got ${describe(d)}`);
  const dom = d as Record<string, unknown>;
  if (!(dom.X instanceof Matrix)) throw bad("INVALID_PARAMETER", `${role}.X`, `must be a Matrix (new Matrix(rows, cols, Float32Array) or Matrix.from(rows)), got ${describe(dom.X)}`);
  checkMatrix(dom.X, `${role}.X`);
  if (dom.name !== undefined && typeof dom.name !== "string") throw bad("INVALID_PARAMETER", `${role}.name`, `must be a string, got ${describe(dom.name)}`);
  const X = dom.X;
  if (dom.y === undefined) {
    if (labels === "required") throw new TransferLabError("MISSING_LABELS", `${role} '${String(dom.name ?? role)}' has no labels`, { param: `${role}.y` });
  } else {
    if (labels === "none") throw new TransferLabError("TEST_LABEL_LEAK", `${role} must not carry labels`, { param: `${role}.y` }, "pass target inputs without labels (withoutLabels)");
    if (!(dom.y instanceof Int32Array)) throw bad("INVALID_PARAMETER", `${role}.y`, `must be an Int32Array of class indices, got ${describe(dom.y)}`, "Int32Array.from(labels)");
    const y = dom.y;
    if (y.length !== X.rows) throw new TransferLabError("SHAPE_MISMATCH", `${role} has ${X.rows} rows but ${y.length} labels`, { param: `${role}.y` });
    const lowest = labels === "partial" ? -1 : 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i]! >= MAX_CLASSES) throw new TransferLabError("LABEL_MISMATCH", `${role} has label ${y[i]} at row ${i + 1}; more than ${MAX_CLASSES} classes is not supported`, { row: i + 1, param: `${role}.y` });
      if (y[i]! < lowest) {
        throw new TransferLabError("LABEL_MISMATCH", `${role} has label ${y[i]} at row ${i + 1}; labels are class indices 0..k-1${labels === "partial" ? " (−1: unlabelled)" : ""}`, { row: i + 1, param: `${role}.y` });
      }
    }
  }
  for (const [key, len, what] of [["classNames", undefined, "class"], ["featureNames", X.cols, "feature"]] as const) {
    const v = dom[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw bad("INVALID_PARAMETER", `${role}.${key}`, `must be an array of ${what} names (strings), got ${describe(v)}`);
    if (len !== undefined && v.length !== len) throw new TransferLabError("SHAPE_MISMATCH", `${role} has ${X.cols} features but ${v.length} feature names`, { param: `${role}.${key}` });
  }
}

/** A Matrix built outside the constructor (Object.create, a structured clone) may break its invariants. */
export function checkMatrix(m: Matrix, what: string): void {
  if (!(m.data instanceof Float32Array) || m.data.length !== m.rows * m.cols) {
    throw bad("SHAPE_MISMATCH", what, `is a broken Matrix (${m.rows}×${m.cols} with ${describe(m.data)} data)`);
  }
}

/** Labels of a domain checked against the number of classes its class names or another domain define. */
export function checkLabelsBelow(y: Int32Array, k: number, role: string, why: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i]! >= k) throw new TransferLabError("LABEL_MISMATCH", `${role} has label ${y[i]} at row ${i + 1}, but ${why}`, { row: i + 1, param: `${role}.y` });
  }
}

function bad(code: ErrorCode, param: string, message: string, hint?: string): TransferLabError {
  return new TransferLabError(code, message, { param }, hint);
}
