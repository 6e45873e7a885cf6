// What the CLI fuzz suites share (fuzz.test.ts, fuzz-commands.test.ts): the property every run must satisfy, an
// independent reader of the files they write, and the fast-check arbitraries of random well-formed and malformed
// files.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { CliRun } from "./run.js";

export const TYPED = /^transferlab: error \[[A-Z_]+\]: \S.*$/;

/** The property every run must satisfy; returns "ok" or "refused". */
export function sane(r: CliRun, what: string): "ok" | "refused" {
  assert.doesNotMatch(r.stderr, /internal error|TypeError|RangeError|\n\s+at /, `${what}: ${r.stderr}`);
  if (r.code !== 0) {
    assert.equal(r.code, 2, `${what}: exit ${r.code} (${r.stderr})`);
    const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("transferlab: note:"));
    assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
    assert.match(lines[0]!, TYPED, what);
    return "refused";
  }
  assert.doesNotMatch(r.stdout, /\bNaN\b|\bInfinity\b/, `${what}: non-finite value in the output`);
  return "ok";
}

// ---- the reference reader: the files this suite writes, read the simple way (no quotes, ',' only) ---------------
/** A file as the plain reader sees it: row count, class counts, feature names, feature rows and labels. */
export interface Ref { rows: number; classes: Record<string, number>; features: string[]; X: number[][]; y: string[] }
export function referenceRead(bytes: Buffer): Ref | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (text.includes('"')) return null; // quoting: left to the library's own tests
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) return null;
  const header = lines[0]!.split(",").map((s) => s.trim());
  if (header.some((h) => h === "") || new Set(header).size !== header.length || header.every((h) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(h))) return null;
  const li = header.indexOf("label");
  if (li < 0 || header.length < 2) return null;
  const classes: Record<string, number> = {};
  const X: number[][] = [], y: string[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    if (cells.length !== header.length) return null;
    const x: number[] = [];
    for (const [j, c] of cells.entries()) {
      const t = c.trim();
      if (j === li) continue;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || !(Math.abs(Number(t)) <= 3.4028234663852886e38)) return null;
      x.push(Number(t));
    }
    const label = cells[li]!.trim();
    if (["", "NA", "N/A", "null", "?"].includes(label)) return null;
    const key = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(label) ? String(Number(label)) : label;
    classes[key] = (classes[key] ?? 0) + 1;
    X.push(x);
    y.push(key);
  }
  return { rows: lines.length - 1, classes, features: header.filter((_, j) => j !== li), X, y };
}

// ---- random files ------------------------------------------------------------------------------------------------
export const number = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => v.toPrecision(6)),
  fc.constantFrom("NaN", "nan", "inf", "-Infinity", "1e39", "-3e38", "1e-50", "0x10", "1,5", "", "NA", "?", "1e", "--1", " 7 ", "1.2.3"),
);
export const label = fc.oneof(fc.constantFrom("a", "b", "c", "0", "1", "1.0", "01", "", "NA", "café"), fc.string({ maxLength: 4 }).filter((s) => !/[\n\r,"]/.test(s)));
export const row = fc.tuple(fc.array(number, { minLength: 1, maxLength: 4 }), label).map(([xs, y]) => [...xs, y].join(","));
/** Bytes that damage a file: invalid UTF-8, a lone quote, a stray delimiter, NUL, a CR. */
export const damage = fc.constantFrom(Buffer.from([0xe9]), Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from('"'), Buffer.from(","), Buffer.from([0]), Buffer.from("\r"), Buffer.from("\n\n"));
/** A file that is right (two numeric columns, the given classes in turn, enough rows): the success path must be exact. */
function wellFormed(n: number, classes: readonly string[], s: number): Buffer {
  const lines = ["x1,x2,label"];
  for (let i = 0; i < n; i++) lines.push(`${((i * 37 + s) % 101) / 10 - 5},${((i * 53 + 2 * s) % 89) / 7},${classes[i % classes.length]}`);
  return Buffer.from(`${lines.join("\n")}\n`);
}
const classSets = fc.constantFrom(["a", "b"], ["1", "2", "3"], ["café", "naïve"]);
export const goodFile = fc.tuple(fc.integer({ min: 8, max: 30 }), classSets, fc.integer({ min: 0, max: 1000 })).map(([n, classes, s]) => wellFormed(n, classes, s));
/** A source and a target file with the same classes (different rows): what a transfer command expects. */
export const goodPair = fc.tuple(fc.integer({ min: 8, max: 30 }), fc.integer({ min: 8, max: 30 }), classSets, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
  .map(([n, m, classes, s, t]) => [wellFormed(n, classes, s), wellFormed(m, classes, t)] as const);
export const malformedFile = fc.record({
  header: fc.constantFrom("x1,x2,label", "x1,x2,x3,label", "x1,label", "x1,x1,label", ",x2,label", "1,2,3", "label", ""),
  rows: fc.array(row, { maxLength: 12 }),
  damage: fc.array(fc.tuple(fc.nat(), damage), { maxLength: 2 }),
}).map(({ header, rows, damage: d }) => {
  let bytes = Buffer.from([header, ...rows].join("\n") + "\n");
  for (const [at, b] of d) {
    const k = at % (bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, k), b, bytes.subarray(k)]);
  }
  return bytes;
});
export const file = fc.oneof(malformedFile, goodFile);

