// Parquet through hyparquet (read) and hyparquet-writer (write). Columns are read whole; the class order we
// wrote is kept in the key-value metadata "transferlab.classNames" so a round trip keeps label indices.
import { readFileSync } from "node:fs";
import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { DataError, fileError } from "../errors.js";
import { columnsToTable, canonicalLabel, planColumns, type ColumnSelection, type ParsedTable } from "../table.js";
import { DEFAULT_MISSING_TOKENS } from "./csv.js";
import type { Domain } from "../../core/domain.js";

export const CLASS_NAMES_KEY = "transferlab.classNames";

/** A string cell whose bytes are not UTF-8: kept as a marker by the reader's string parser, so the error can name
 * its row and column (hyparquet's own decoder would turn two different bad bytes into the same U+FFFD). */
class BadText {}
const BAD_TEXT = new BadText();
const utf8 = new TextDecoder("utf-8", { fatal: true });
const stringFromBytes = (bytes: Uint8Array | undefined): string | BadText | undefined => {
  if (!bytes) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return BAD_TEXT;
  }
};

export async function readParquetTable(file: string, opts: ColumnSelection & { missingTokens?: readonly string[] } = {}): Promise<ParsedTable> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw fileError(e, file);
  }
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata;
  try {
    metadata = parquetMetadata(ab);
  } catch (e) {
    throw new DataError("DATA_FORMAT", "BAD_PARQUET", `is not a readable Parquet file: ${(e as Error).message}`, { file });
  }
  const top = parquetSchema(metadata).children;
  const names = top.map((c) => c.element.name);
  // hyparquet decodes the footer's names leniently: bad bytes become U+FFFD. A name holding U+FFFD whose UTF-8
  // bytes do not occur in the file was not written as that text: its bytes are not UTF-8.
  names.forEach((nm, j) => {
    if (nm.includes("\uFFFD") && bytes.indexOf(Buffer.from(nm, "utf8")) < 0) {
      throw new DataError("DATA_FORMAT", "BAD_ENCODING", `the name of column ${j + 1} is not valid UTF-8 (Parquet names are UTF-8)`, { file, column: j + 1 }, "rename the column in the program that wrote the file");
    }
  });
  const nested = top.filter((c) => c.children.length > 0).map((c) => c.element.name);
  const n = Number(metadata.num_rows);
  // Plain numeric columns go into Float64Arrays (no boxed values: a million-row file stays small); nulls are
  // remembered by row and the column turned into a plain array only if it has any.
  const numeric = top.map((c) => c.children.length === 0 && ["FLOAT", "DOUBLE", "INT32", "BOOLEAN"].includes(c.element.type ?? "") && !c.element.converted_type && !c.element.logical_type);
  const columns: Array<Float64Array | unknown[]> = names.map((_, j) => (numeric[j] ? new Float64Array(n) : new Array(n)));
  const nulls: number[][] = names.map(() => []);
  const index = new Map(names.map((nm, j) => [nm, j]));
  try {
    await parquetRead({
      file: ab,
      metadata,
      parsers: { stringFromBytes: stringFromBytes as (bytes: Uint8Array) => string },
      onChunk: (chunk) => {
        const j = index.get(chunk.columnName);
        if (j === undefined) return;
        const col = columns[j]!;
        const data = chunk.columnData as ArrayLike<unknown>;
        const m = Math.min(data.length, n - chunk.rowStart);
        if (col instanceof Float64Array) {
          for (let i = 0; i < m; i++) {
            const v = data[i];
            if (v === null || v === undefined) {
              nulls[j]!.push(chunk.rowStart + i);
              col[chunk.rowStart + i] = NaN;
            } else col[chunk.rowStart + i] = typeof v === "boolean" ? Number(v) : (v as number);
          }
        } else for (let i = 0; i < m; i++) col[chunk.rowStart + i] = data[i];
      },
    });
  } catch (e) {
    throw new DataError("DATA_FORMAT", "BAD_PARQUET", `cannot be decoded: ${(e as Error).message}`, { file });
  }
  columns.forEach((col, j) => {
    if (col instanceof Float64Array && nulls[j]!.length > 0) {
      const arr: unknown[] = Array.from(col);
      for (const i of nulls[j]!) arr[i] = null;
      columns[j] = arr;
    }
  });
  // Like CSV, only the columns the table uses must be text: a bad string there is BAD_ENCODING with its row.
  const plan = planColumns(names, opts, file);
  for (const j of [...plan.features, plan.label, plan.domain]) {
    const col = j === undefined ? undefined : columns[j];
    if (!Array.isArray(col)) continue;
    const i = col.indexOf(BAD_TEXT);
    if (i >= 0) throw new DataError("DATA_FORMAT", "BAD_ENCODING", "holds a string whose bytes are not valid UTF-8 (Parquet strings are UTF-8)", { file, row: i + 1, column: names[j!]! },
      "rewrite this column as UTF-8 text in the program that wrote the file");
  }
  const kv = metadata.key_value_metadata?.find((k) => k.key === CLASS_NAMES_KEY)?.value;
  let labelOrder: string[] | undefined;
  if (kv) {
    try {
      labelOrder = (JSON.parse(kv) as string[]).map(canonicalLabel);
    } catch {
      labelOrder = undefined;
    }
  }
  const table = columnsToTable(file, names, columns, opts, opts.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const used = [...table.featureNames];
  const bad = nested.find((nm) => used.includes(nm));
  if (bad) throw new DataError("DATA_FORMAT", "NON_NUMERIC", "nested (list/struct) columns are not features", { file, column: bad }, "flatten it or leave it out with --features");
  return { ...table, labelOrder };
}

/** Parquet bytes of a domain: FLOAT features, label as the class name (STRING), class order in metadata. */
export function encodeParquet(d: Domain, labelColumn = "label"): Uint8Array {
  const names = d.featureNames ?? Array.from({ length: d.X.cols }, (_, j) => `x${j + 1}`);
  const columnData: Array<{ name: string; data: any; type: "FLOAT" | "STRING" | "INT32" }> = names.map((name, j) => ({ name, data: d.X.column(j), type: "FLOAT" }));
  const kvMetadata: Array<{ key: string; value: string }> = [];
  if (d.y) {
    if (d.classNames) {
      columnData.push({ name: labelColumn, data: Array.from(d.y, (k) => d.classNames![k]!), type: "STRING" });
      kvMetadata.push({ key: CLASS_NAMES_KEY, value: JSON.stringify(d.classNames) });
    } else columnData.push({ name: labelColumn, data: Int32Array.from(d.y), type: "INT32" });
  }
  return new Uint8Array(parquetWriteBuffer({ columnData, kvMetadata }));
}
