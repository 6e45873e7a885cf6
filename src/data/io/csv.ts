// Streaming CSV/TSV reader. Bytes go straight from file chunks into a growing Float32Array: numbers are parsed
// from the bytes (no per-cell JS strings), so a 1,000,000 × 32 file loads in about a second and its memory is
// the matrix plus one chunk. Only label/domain cells (and odd cells: quoted, missing, malformed) become strings.
// Quoting follows RFC 4180 ("" escapes a quote; quoted cells may hold delimiters and newlines).
import { openSync, readSync, closeSync, statSync } from "node:fs";
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { DataError, fileError } from "../errors.js";
import type { ParsedTable } from "../table.js";
import { CsvParser, type CsvOptions } from "./csv-parser.js";

export { DEFAULT_MISSING_TOKENS, parseCsvText, type CsvOptions } from "./csv-parser.js";

const CHUNK = 1 << 22; // 4 MiB

/** Reads a CSV/TSV file (optionally .gz) into a ParsedTable. */
export async function readCsv(file: string, opts: CsvOptions = {}): Promise<ParsedTable> {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    size = st.size;
  } catch (e) {
    throw fileError(e, file);
  }
  const gz = /\.gz$/i.test(file);
  const parser = new CsvParser(file, opts, gz ? 0 : size);
  if (!gz) {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (e) {
      throw fileError(e, file);
    }
    try {
      const size = Math.max(1, Math.floor(opts.chunkBytes ?? CHUNK));
      const chunk = Buffer.allocUnsafe(size);
      let carry: Buffer | null = null;
      for (;;) {
        const got = readSync(fd, chunk, 0, size, null);
        const final = got === 0;
        let buf: Buffer = chunk.subarray(0, got);
        if (carry) buf = final ? carry : Buffer.concat([carry, buf]);
        if (buf.length === 0) break;
        const used = parser.push(buf, final);
        carry = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
        if (final) break;
      }
    } finally {
      closeSync(fd);
    }
  } else {
    let carry: Buffer | null = null;
    try {
      // Large chunks: fewer pushes and carry copies (zlib defaults to 16 KiB).
      const stream = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }));
      for await (const part of stream as AsyncIterable<Buffer>) {
        const buf: Buffer = carry ? Buffer.concat([carry, part]) : part;
        const used = parser.push(buf, false);
        carry = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
      }
    } catch (e) {
      if (e instanceof DataError) throw e;
      const code = (e as { code?: string }).code;
      if (code === "ENOENT" || code === "EACCES") throw fileError(e, file);
      throw new DataError("FILE_UNREADABLE", "FILE_UNREADABLE", `is not valid gzip data: ${(e as Error).message}`, { file }, "decompress it and check the file, or drop the .gz extension");
    }
    if (carry && carry.length > 0) parser.push(carry, true);
    else parser.push(Buffer.alloc(0), true);
  }
  return parser.finish();
}
