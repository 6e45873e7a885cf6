// The hand-written CSV reader against an independent one (papaparse) on random, oddly written files:
// numbers in many spellings, optional quoting, spaces, CRLF, text labels with delimiters/quotes/newlines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import Papa from "papaparse";
import { readCsv } from "./helpers.js";
import { tempDir } from "../tmp.js";

const dir = tempDir("tl-papa-");
let counter = 0;

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789".split("")), minLength: min, maxLength: max });
const numberText = fc.oneof(
  fc.tuple(fc.constantFrom("", "-", "+"), digits(1, 6)).map(([s, a]) => `${s}${a}`),
  fc.tuple(fc.constantFrom("", "-"), digits(0, 5), digits(1, 8)).map(([s, a, b]) => `${s}${a}.${b}`),
  fc.tuple(fc.constantFrom("", "-"), digits(1, 3), digits(0, 3), fc.constantFrom("e", "E", "e-", "e+"), digits(1, 1)).map(([s, a, b, e, x]) => `${s}${a}${b ? `.${b}` : ""}${e}${x}`),
  fc.tuple(digits(1, 3)).map(([a]) => `${a}.`),
  fc.tuple(digits(16, 20)).map(([a]) => a), // more digits than the fast path takes
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }).map(String),
);
const spaced = fc.tuple(numberText, fc.constantFrom("", " ", "  "), fc.constantFrom("", " ")).map(([t, a, b]) => `${a}${t}${b}`);
const label = fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom(..."ab,\"\n é".split("")) }).filter((s) => s.trim() !== "" && s.trim() === s && !/^[\d.+-]/.test(s));

const quote = (s: string, force: boolean) => (force || /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

test("readCsv agrees with papaparse on random files", async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 1, max: 4 }).chain((d) => fc.record({
      d: fc.constant(d),
      rows: fc.array(fc.record({ cells: fc.array(fc.tuple(spaced, fc.boolean()), { minLength: d, maxLength: d }), label: label }), { minLength: 1, maxLength: 12 }),
      crlf: fc.boolean(),
      trailingNewline: fc.boolean(),
      chunkBytes: fc.integer({ min: 1, max: 64 }),
    })),
    async ({ d, rows, crlf, trailingNewline, chunkBytes }) => {
      const nl = crlf ? "\r\n" : "\n";
      const header = [...Array.from({ length: d }, (_, j) => `f${j}`), "label"].join(",");
      const body = rows.map((r) => [...r.cells.map(([t, q]) => (q ? quote(t, true) : t)), quote(r.label, false)].join(","));
      const text = [header, ...body].join(nl) + (trailingNewline ? nl : "");
      const path = join(dir, `p${counter++}.csv`);
      writeFileSync(path, text);
      const ours = await readCsv(path, { label: "label", chunkBytes });
      const ref = Papa.parse<string[]>(text, { header: false, skipEmptyLines: true }).data.slice(1);
      assert.equal(ours.n, ref.length);
      for (let i = 0; i < ref.length; i++) {
        for (let j = 0; j < d; j++) {
          const expected = Math.fround(Number(ref[i]![j]!.trim()));
          assert.ok(Object.is(ours.X[i * d + j], expected), `row ${i} col ${j}: ${JSON.stringify(ref[i]![j])} -> ${ours.X[i * d + j]} vs ${expected}`);
        }
        assert.equal(ours.label!.values[ours.label!.codes[i]!], ref[i]![d]!.trim());
      }
    },
  ), { numRuns: 150 });
});
