// JSON lines: one flat object per line; keys are columns (the first object fixes them). Rows are line numbers.
import { createReadStream, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { DataError, fileError } from "../errors.js";
import { columnsToTable, type ColumnSelection, type ParsedTable } from "../table.js";
import { DEFAULT_MISSING_TOKENS } from "./csv.js";
import { badEncoding, strictDecoder } from "./csv-parser.js";

export async function readJsonlTable(file: string, opts: ColumnSelection & { missingTokens?: readonly string[]; encoding?: string } = {}): Promise<ParsedTable> {
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (e) {
    throw fileError(e, file);
  }
  let names: string[] | null = null;
  let columns: unknown[][] = [];
  const lineOf: number[] = [];
  const input = /\.gz$/i.test(file) ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const decoder = strictDecoder(opts.encoding);
  try {
    for await (const [lineNo, bytes] of byteLines(input as AsyncIterable<Buffer>)) {
      let line: string;
      try {
        line = decoder.decode(bytes);
      } catch {
        throw badEncoding(decoder.encoding, { file, row: lineNo, ...badKey(bytes) });
      }
      if (line.trim() === "") continue;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        throw new DataError("DATA_FORMAT", "BAD_JSON", `is not valid JSON: ${(e as Error).message}`, { file, row: lineNo }, "each line must be one JSON object");
      }
      if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
        throw new DataError("DATA_FORMAT", "BAD_JSON", "is not a JSON object", { file, row: lineNo }, 'each line must be one flat object such as {"x1": 0.5, "label": "a"}');
      }
      const rec = obj as Record<string, unknown>;
      if (names === null) {
        names = Object.keys(rec);
        columns = names.map(() => []);
      }
      for (const k of Object.keys(rec)) {
        if (!names.includes(k)) {
          throw new DataError("DATA_FORMAT", "RAGGED_ROW", `has key ${JSON.stringify(k)} that the first record does not have`, { file, row: lineNo, column: k }, "every line needs the same keys");
        }
      }
      names.forEach((k, j) => {
        const v = rec[k];
        if (v !== null && typeof v === "object") {
          throw new DataError("DATA_FORMAT", "NON_NUMERIC", "nested values are not supported", { file, row: lineNo, column: k }, "flatten the record");
        }
        columns[j]!.push(v);
      });
      lineOf.push(lineNo);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "EACCES") throw fileError(e, file);
    throw new DataError("FILE_UNREADABLE", "FILE_UNREADABLE", `cannot be read: ${(e as Error).message}`, { file });
  }
  if (names === null) throw new DataError("EMPTY_DOMAIN", "EMPTY_FILE", "file is empty", { file });
  return columnsToTable(file, names, columns, opts, opts.missingTokens ?? DEFAULT_MISSING_TOKENS, (i) => lineOf[i]!);
}

/** The lines of a byte stream as [line number, bytes] (LF or CR LF ends a line). */
async function* byteLines(input: AsyncIterable<Buffer>): AsyncGenerator<[number, Buffer]> {
  let carry = Buffer.alloc(0);
  let lineNo = 0;
  for await (const chunk of input) {
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let lf = buf.indexOf(10); lf >= 0; lf = buf.indexOf(10, start)) {
      yield [++lineNo, buf.subarray(start, lf > start && buf[lf - 1] === 13 ? lf - 1 : lf)];
      start = lf + 1;
    }
    buf = buf.subarray(start);
    carry = Buffer.from(buf);
  }
  if (carry.length) yield [++lineNo, carry];
}

/** The key whose value holds the undecodable bytes, when the line still reads as JSON with replacement characters. */
function badKey(bytes: Buffer): { column?: string } {
  try {
    const rec = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
    const k = Object.keys(rec).find((key) => key.includes("\uFFFD") || String(rec[key]).includes("\uFFFD"));
    return k !== undefined ? { column: k } : {};
  } catch {
    return {};
  }
}
