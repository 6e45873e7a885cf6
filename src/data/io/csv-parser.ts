// The CSV/TSV parser behind readCsv, on bytes and free of Node built-ins (browsers parse CSV text with it).
// Streaming CSV/TSV reader (readCsv in csv.ts feeds it file chunks). Bytes go straight from file chunks into a growing Float32Array: numbers are parsed
// from the bytes (no per-cell JS strings), so a 1,000,000 × 32 file loads in about a second and its memory is
// the matrix plus one chunk. Only label/domain cells (and odd cells: quoted, missing, malformed) become strings.
// Quoting follows RFC 4180 ("" escapes a quote; quoted cells may hold delimiters and newlines).
import { DataError } from "../errors.js";
import { checkHeader, planColumns, Interner, canonicalLabel, type ColumnSelection, type ParsedTable, type TextColumn } from "../table.js";

/** What the parser needs of its input: bytes that decode a range as UTF-8 (a Node Buffer, or Utf8Bytes). */
export type CsvBytes = Uint8Array & { toString(encoding: "utf8", start?: number, end?: number): string };

export interface CsvOptions extends ColumnSelection {
  /** Field separator; default "," (and tab for .tsv/.tab files). */
  delimiter?: string;
  /** First record holds column names (default true). Without it columns are named x1..xd. */
  header?: boolean;
  /** Cells that mean "missing" (compared after trimming spaces). */
  missingTokens?: readonly string[];
  /** Bytes read per chunk (default 4 MiB); memory use is the matrix plus about two chunks. */
  chunkBytes?: number;
  /** Character encoding of the text (default "utf-8"); must keep delimiters and line ends as their ASCII bytes
   * (utf-8, latin1, iso-8859-15, windows-1252). Bytes that do not decode are a BAD_ENCODING error. */
  encoding?: string;
}

/** Text encodings a byte-level CSV split can serve: delimiters, quotes and line ends are their ASCII bytes. */
export const TEXT_ENCODINGS = ["utf-8", "latin1", "iso-8859-1", "iso-8859-15", "windows-1252"] as const;

/** A decoder for `encoding` that throws on bytes it cannot decode (so two different bad bytes never read as
 * the same replacement character); an encoding outside TEXT_ENCODINGS is an INVALID_PARAMETER error. */
export function strictDecoder(encoding = "utf-8"): TextDecoder {
  const e = encoding.trim().toLowerCase() === "utf8" ? "utf-8" : encoding.trim().toLowerCase();
  if (!(TEXT_ENCODINGS as readonly string[]).includes(e)) {
    throw new DataError("INVALID_PARAMETER", "BAD_SPEC", `unsupported text encoding ${JSON.stringify(encoding)}`, { param: "encoding" }, `use ${TEXT_ENCODINGS.join(", ")}`);
  }
  return new TextDecoder(e, { fatal: true });
}

/** The error for bytes that are not text in the declared encoding. */
export function badEncoding(encoding: string, where: { file: string; row?: number; column?: string | number }): DataError {
  return new DataError("DATA_FORMAT", "BAD_ENCODING", `holds bytes that are not valid ${encoding === "utf-8" ? "UTF-8" : encoding} text`, where,
    encoding === "utf-8" ? "save the file as UTF-8, or declare its encoding (CLI: --encoding latin1; API: encoding)" : "check the declared encoding");
}

export const DEFAULT_MISSING_TOKENS = ["", "NA", "N/A", "null", "?"];

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;
const F32_MAX = 3.4028234663852886e38;
const QUOTE = 34, LF = 10, CR = 13;

// Column roles.
const SKIP = 0, NUM = 1, TEXT = 2;

export class CsvParser {
  readonly file: string;
  private readonly delim: number;
  private readonly missing: Set<string>;
  private readonly wantHeader: boolean;
  private readonly sel: ColumnSelection;

  header: string[] | null = null;
  private ncols = 0;
  private role = new Uint8Array(0);
  private slot = new Int32Array(0);
  d = 0;
  private textCols: { name: string; interner: Interner; codes: Int32Array; raw: Map<string, number> }[] = [];
  private labelText = -1;
  private domainText = -1;

  rows = 0;
  X = new Float32Array(0);
  lines = new Int32Array(0);
  line = 1; // line number of the next byte to parse
  missingCells = 0;
  firstMissing: { row: number; column: string } | undefined;
  private expectedBytes: number;
  /** Bytes of data records consumed in earlier pushes (for the row-count estimate). */
  private consumed = 0;
  private pushStart = 0;
  featureNames: string[] = [];
  private labelCol = -1;
  private domainCol = -1;
  private readonly textTmp: string[] = [];
  private bomChecked = false;
  /** Decodes text cells in the declared encoding, refusing bytes that do not decode. */
  private readonly decoder: TextDecoder;
  private readonly utf8: boolean;
  /** Per text column: decoded short cells by their bytes. */
  private shortText: Map<number, string>[] = [];
  private finalChunk = false;

  constructor(file: string, opts: CsvOptions, expectedBytes: number) {
    this.file = file;
    const delim = opts.delimiter ?? (/\.(tsv|tab)(\.gz)?$/i.test(file) ? "\t" : ",");
    if (delim.length !== 1) throw new DataError("INVALID_PARAMETER", "BAD_SPEC", `delimiter must be one character, got ${JSON.stringify(delim)}`, { param: "delimiter" });
    this.delim = delim.charCodeAt(0);
    this.missing = new Set((opts.missingTokens ?? DEFAULT_MISSING_TOKENS).map((s) => s.trim()));
    this.wantHeader = opts.header ?? true;
    this.decoder = strictDecoder(opts.encoding);
    this.utf8 = this.decoder.encoding === "utf-8";
    this.sel = opts;
    this.expectedBytes = expectedBytes;
  }

  /** Parses whole records in buf; returns how many bytes were consumed (the rest is an incomplete record). */
  push(buf: CsvBytes, final: boolean): number {
    this.finalChunk = final;
    let pos = 0;
    if (!this.bomChecked && buf.length >= (final ? 0 : 3)) {
      this.bomChecked = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    }
    if (this.header === null) {
      if (pos >= buf.length) return pos;
      const rec = this.readTextRecord(buf, pos, final);
      if (rec === null) return pos; // need more bytes
      if (rec.fields.length === 1 && rec.fields[0]!.trim() === "" && rec.end < buf.length) {
        // leading blank line: skip
        this.line += rec.newlines;
        this.consumed += rec.end;
        return this.push(buf.subarray(rec.end), final) + rec.end;
      }
      if (this.wantHeader) {
        checkHeader(rec.fields, this.file, this.line, true);
        this.line += rec.newlines;
        this.setup(rec.fields.map((s) => s.trim()));
        pos = rec.end;
      } else {
        this.setup(rec.fields.map((_, j) => `x${j + 1}`));
      }
    }
    const first = pos;
    this.pushStart = pos;
    const end = buf.length;
    try {
      while (pos < end) {
        const fast = this.fastRecords(buf, pos);
        if (fast !== pos) {
          pos = fast;
          continue;
        }
        const next = this.parseRecordUnchecked(buf, pos, final);
        if (next < 0) break;
        pos = next;
      }
    } catch (e) {
      throw this.raggedFirst(e, buf, pos);
    }
    this.consumed += pos - first;
    return pos;
  }

  private setup(names: string[]): void {
    this.header = names;
    this.ncols = names.length;
    const plan = planColumns(names, this.sel, this.file);
    this.role = new Uint8Array(this.ncols);
    this.slot = new Int32Array(this.ncols);
    plan.features.forEach((j, k) => {
      this.role[j] = NUM;
      this.slot[j] = k;
    });
    this.d = plan.features.length;
    this.featureNames = plan.features.map((j) => names[j]!);
    const addText = (j: number): number => {
      this.role[j] = TEXT;
      this.slot[j] = this.textCols.length;
      this.textCols.push({ name: names[j]!, interner: new Interner(), codes: new Int32Array(0), raw: new Map() });
      this.shortText.push(new Map());
      return this.textCols.length - 1;
    };
    if (plan.label !== undefined) {
      this.labelText = addText(plan.label);
      this.labelCol = plan.label;
    }
    if (plan.domain !== undefined) {
      this.domainText = addText(plan.domain);
      this.domainCol = plan.domain;
    }
  }

  private ensureCapacity(bytesBefore: number): void {
    const need = (this.rows + 1) * this.d;
    if (need <= this.X.length) return;
    let capRows: number;
    if (this.rows === 0) capRows = 1024;
    else {
      // Estimate the total rows from the bytes per row so far; grow by 1.5x when the estimate is exceeded.
      const perRow = Math.max(1, bytesBefore / this.rows);
      const est = this.expectedBytes > 0 ? Math.ceil((this.expectedBytes / perRow) * 1.02) + 16 : 0;
      capRows = Math.max(est, Math.ceil(this.rows * 1.5) + 16);
    }
    const X = new Float32Array(capRows * this.d);
    X.set(this.X.subarray(0, this.rows * this.d));
    this.X = X;
    const lines = new Int32Array(capRows);
    lines.set(this.lines.subarray(0, this.rows));
    this.lines = lines;
    for (const t of this.textCols) {
      const codes = new Int32Array(capRows);
      codes.set(t.codes.subarray(0, this.rows));
      t.codes = codes;
    }
  }

  /** A bad cell in a record with the wrong number of fields is reported as the ragged row it is. */
  private raggedFirst(e: unknown, buf: CsvBytes, start: number): unknown {
    if (e instanceof DataError && (e.reason === "NON_NUMERIC" || e.reason === "NON_FINITE")) {
      const fields = this.countFields(buf, start);
      if (fields >= 0 && fields !== this.ncols) {
        return new DataError("DATA_FORMAT", "RAGGED_ROW", `row has ${fields} field${fields === 1 ? "" : "s"} but the header has ${this.ncols}`,
          { file: this.file, row: e.where.row, column: this.colName(Math.min(fields, this.ncols)) }, "every row needs one value per header column");
      }
    }
    return e;
  }

  /** Number of fields in the record at start (quotes respected); -1 if the record runs past this chunk. */
  private countFields(buf: CsvBytes, start: number): number {
    let fields = 1;
    let inQuote = false;
    for (let i = start; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === QUOTE) inQuote = !inQuote;
      else if (!inQuote && c === this.delim) fields++;
      else if (!inQuote && c === LF) return fields;
    }
    return this.finalChunk ? fields : -1;
  }

  /** Parses one record starting at pos. Returns the position after it, or -1 when the record is incomplete. */
  private parseRecordUnchecked(buf: CsvBytes, start: number, final: boolean): number {
    const end = buf.length;
    const delim = this.delim;
    // Blank line (or a lone CR LF): skip.
    if (buf[start] === LF) {
      this.line++;
      return start + 1;
    }
    if (buf[start] === CR && start + 1 < end && buf[start + 1] === LF) {
      this.line++;
      return start + 2;
    }
    if (buf[start] === CR && start + 1 === end && !final) return -1;
    this.ensureCapacity(this.consumed + start - this.pushStart);
    const X = this.X;
    const base = this.rows * this.d;
    const role = this.role;
    const slot = this.slot;
    const ncols = this.ncols;
    const recordLine = this.line;
    let newlines = 0;
    let missingHere = 0;
    let firstMissingCol = -1;
    let i = start;
    let col = 0;
    for (;;) {
      if (col >= ncols) {
        throw new DataError("DATA_FORMAT", "RAGGED_ROW", `row has more than the ${ncols} fields of the header`, { file: this.file, row: recordLine, column: ncols + 1 },
          "every row needs one value per header column (check for an unquoted delimiter inside a value)");
      }
      const r = role[col]!;
      let value = NaN;
      let isNum = false;
      let text: string | null = null;
      if (i < end && buf[i] === QUOTE) {
        // Quoted field: find the closing quote ("" is an escaped quote).
        let j = i + 1;
        let hasEscapes = false;
        for (;;) {
          if (j >= end) {
            if (!final) return -1;
            throw new DataError("DATA_FORMAT", "UNTERMINATED_QUOTE", "a quoted value is never closed", { file: this.file, row: recordLine, column: this.colName(col) }, 'close the quote, or write a quote inside a value as ""');
          }
          const c = buf[j]!;
          if (c === QUOTE) {
            if (j + 1 < end && buf[j + 1] === QUOTE) {
              hasEscapes = true;
              j += 2;
              continue;
            }
            if (j + 1 >= end && !final) return -1;
            break;
          }
          if (c === LF) newlines++;
          j++;
        }
        if (r !== SKIP) {
          text = this.decode(buf, i + 1, j, recordLine, col);
          if (hasEscapes) text = text.replace(/""/g, '"');
        }
        i = j + 1;
        // Only spaces may follow the closing quote before the delimiter.
        while (i < end && buf[i] === 32) i++;
        if (i < end && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) {
          throw new DataError("DATA_FORMAT", "NON_NUMERIC", "unexpected characters after a closing quote", { file: this.file, row: recordLine + newlines, column: this.colName(col) }, 'quote the whole value, and write a quote inside it as ""');
        }
      } else if (r === NUM) {
        // Fast path: [+-]digits[.digits][(e|E)[+-]digits] directly from bytes.
        const fs = i;
        let neg = false;
        let c = i < end ? buf[i]! : -1;
        if (c === 45 || c === 43) {
          neg = c === 45;
          c = ++i < end ? buf[i]! : -1;
        }
        let mant = 0;
        let sig = 0;
        let digits = 0;
        let frac = 0;
        while (c >= 48 && c <= 57) {
          if (mant !== 0 || c !== 48) sig++;
          mant = mant * 10 + (c - 48);
          digits++;
          c = ++i < end ? buf[i]! : -1;
        }
        if (c === 46) {
          c = ++i < end ? buf[i]! : -1;
          while (c >= 48 && c <= 57) {
            if (mant !== 0 || c !== 48) sig++;
            mant = mant * 10 + (c - 48);
            digits++;
            frac++;
            c = ++i < end ? buf[i]! : -1;
          }
        }
        let exp = 0;
        let expOk = true;
        if ((c === 101 || c === 69) && digits > 0) {
          c = ++i < end ? buf[i]! : -1;
          let eneg = false;
          if (c === 45 || c === 43) {
            eneg = c === 45;
            c = ++i < end ? buf[i]! : -1;
          }
          let ed = 0;
          while (c >= 48 && c <= 57) {
            if (exp < 100000) exp = exp * 10 + (c - 48);
            ed++;
            c = ++i < end ? buf[i]! : -1;
          }
          if (ed === 0) expOk = false;
          if (eneg) exp = -exp;
        }
        const e10 = exp - frac;
        if (c === -1 && !final) return -1;
        if (digits > 0 && expOk && sig <= 15 && e10 >= -22 && e10 <= 22 && (c === delim || c === LF || c === CR || c === -1)) {
          // mant < 1e15 and 10^|e10| are exact doubles, so one rounding: the correctly rounded double.
          value = e10 >= 0 ? mant * POW10[e10]! : mant / POW10[-e10]!;
          if (neg) value = -value;
          isNum = true;
        } else {
          // Slow path: take the whole field as text and classify it below.
          while (i < end && buf[i] !== delim && buf[i] !== LF) i++;
          if (i >= end && !final) return -1;
          let fe = i;
          if (fe > fs && buf[fe - 1] === CR) fe--;
          text = this.decode(buf, fs, fe, recordLine, col);
        }
      } else {
        const fs = i;
        while (i < end && buf[i] !== delim && buf[i] !== LF) i++;
        if (i >= end && !final) return -1;
        if (r !== SKIP) {
          let fe = i;
          if (fe > fs && buf[fe - 1] === CR) fe--;
          text = this.decode(buf, fs, fe, recordLine, col);
        }
      }

      // Store the field.
      if (r === NUM) {
        if (!isNum) {
          const t = text!.trim();
          if (this.missing.has(t)) {
            value = NaN;
            missingHere++;
            if (firstMissingCol < 0) firstMissingCol = col;
          } else if (NON_FINITE_RE.test(t)) {
            throw new DataError("NON_FINITE", "NON_FINITE", `value ${JSON.stringify(t)} is not a finite number`, { file: this.file, row: recordLine, column: this.colName(col) },
              'remove the row, or if it marks a missing value pass --missing-token NaN with --missing drop|mean (API: missingTokens, missing)');
          } else if (NUMBER_RE.test(t)) {
            value = Number(t);
            if (!(Math.abs(value) <= F32_MAX)) {
              throw new DataError("NON_FINITE", "NON_FINITE", `value ${t} is too large for a 32-bit float`, { file: this.file, row: recordLine, column: this.colName(col) }, "rescale the column");
            }
          } else {
            throw new DataError("DATA_FORMAT", "NON_NUMERIC", `value ${JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t)} is not a number`, { file: this.file, row: recordLine, column: this.colName(col) },
              "features must be numeric: drop or encode this column, or choose features with --features");
          }
        }
        X[base + slot[col]!] = value;
      } else if (r === TEXT) {
        this.textTmp[slot[col]!] = text!;
      }

      // After the field: delimiter, end of record, or end of data.
      if (i >= end) {
        if (!final) return -1;
        col++;
        break;
      }
      const c = buf[i]!;
      if (c === delim) {
        col++;
        i++;
        if (i >= end && !final) return -1;
        continue;
      }
      if (c === CR) {
        i++;
        if (i >= end && !final) return -1;
        if (i < end && buf[i] === LF) i++;
      } else i++; // LF
      newlines++;
      col++;
      break;
    }
    if (col !== ncols) {
      if (col === 1 && ncols > 1 && this.textTmpEmptyLine(buf, start, i)) {
        this.line += newlines;
        return i;
      }
      throw new DataError("DATA_FORMAT", "RAGGED_ROW", `row has ${col} field${col === 1 ? "" : "s"} but the header has ${ncols}`, { file: this.file, row: recordLine, column: this.colName(col) },
        "every row needs one value per header column");
    }
    this.commit(recordLine, missingHere, firstMissingCol);
    this.line += newlines;
    return i;
  }

  /** Stores the record's text cells and counts; the numeric cells are already in X. */
  private commit(recordLine: number, missingHere: number, firstMissingCol: number): void {
    for (let t = 0; t < this.textCols.length; t++) {
      const tc = this.textCols[t]!;
      const s = this.textTmp[t]!;
      // Most labels repeat: look the raw cell up first, canonicalise only new spellings.
      let code = tc.raw.get(s);
      if (code === undefined) {
        code = this.missing.has(s.trim()) ? -1 : tc.interner.code(t === this.labelText ? canonicalLabel(s) : s.trim());
        tc.raw.set(s, code);
      }
      tc.codes[this.rows] = code;
      if (code < 0) {
        if (firstMissingCol < 0) firstMissingCol = t === this.labelText ? this.labelCol : this.domainCol;
        missingHere++;
      }
    }
    if (missingHere > 0) {
      this.missingCells += missingHere;
      this.firstMissing ??= { row: recordLine, column: this.header![firstMissingCol]! };
    }
    this.lines[this.rows] = recordLine;
    this.rows++;
  }

  /**
   * Fast path for the common record: one line, no quotes, plain numbers. Parses as many such records as it can
   * and returns where it stopped; anything unusual (quotes, blank line, missing or odd cells, ragged rows, a record
   * without its newline yet) is left to parseRecordUnchecked, which handles and reports it.
   * Because the line's LF is inside buf, digit loops may read buf[i] without bounds checks: LF/CR end them.
   */
  private fastRecords(buf: CsvBytes, pos: number): number {
    const d = this.d;
    const role = this.role;
    const slot = this.slot;
    const ncols = this.ncols;
    const delim = this.delim;
    const textTmp = this.textTmp;
    for (;;) {
      const lf = buf.indexOf(LF, pos);
      if (lf < 0) return pos;
      let lineEnd = lf;
      if (lineEnd > pos && buf[lineEnd - 1] === CR) lineEnd--;
      if (lineEnd === pos) return pos;
      this.ensureCapacity(this.consumed + pos - this.pushStart);
      const X = this.X;
      const base = this.rows * d;
      let i = pos;
      let col = 0;
      for (;;) {
        const r = role[col]!;
        if (r === NUM) {
          let c = buf[i]!;
          let neg = false;
          if (c === 45 || c === 43) {
            neg = c === 45;
            c = buf[++i]!;
          }
          let mant = 0;
          let sig = 0;
          let digits = 0;
          let frac = 0;
          while (c >= 48 && c <= 57) {
            if (mant !== 0 || c !== 48) sig++;
            mant = mant * 10 + (c - 48);
            digits++;
            c = buf[++i]!;
          }
          if (c === 46) {
            c = buf[++i]!;
            while (c >= 48 && c <= 57) {
              if (mant !== 0 || c !== 48) sig++;
              mant = mant * 10 + (c - 48);
              digits++;
              frac++;
              c = buf[++i]!;
            }
          }
          let exp = 0;
          if (c === 101 || c === 69) {
            c = buf[++i]!;
            let eneg = false;
            if (c === 45 || c === 43) {
              eneg = c === 45;
              c = buf[++i]!;
            }
            let ed = 0;
            while (c >= 48 && c <= 57 && ed < 6) {
              exp = exp * 10 + (c - 48);
              ed++;
              c = buf[++i]!;
            }
            if (ed === 0 || (c >= 48 && c <= 57)) return pos;
            if (eneg) exp = -exp;
          }
          const e10 = exp - frac;
          if (digits === 0 || sig > 15 || e10 < -22 || e10 > 22 || (c !== delim && i !== lineEnd)) return pos;
          const v = e10 >= 0 ? mant * POW10[e10]! : mant / POW10[-e10]!;
          X[base + slot[col]!] = neg ? -v : v;
        } else {
          const fs = i;
          let key = 1; // 1 followed by the bytes: distinct for distinct short cells of any length
          while (i < lineEnd) {
            const b = buf[i]!;
            if (b === delim) break;
            if (b === QUOTE) return pos;
            key = key * 256 + b;
            i++;
          }
          if (r === TEXT) {
            if (i - fs <= 5) {
              // Short cells (class labels, site names) repeat: decode each distinct one once.
              const cache = this.shortText[slot[col]!]!;
              let str = cache.get(key);
              if (str === undefined) {
                str = this.decode(buf, fs, i, this.line, col);
                cache.set(key, str);
              }
              textTmp[slot[col]!] = str;
            } else textTmp[slot[col]!] = this.decode(buf, fs, i, this.line, col);
          }
        }
        col++;
        if (i === lineEnd) break;
        i++; // the delimiter
        if (col === ncols) return pos; // too many fields: let the general path report it
      }
      if (col !== ncols) return pos;
      this.commit(this.line, 0, -1);
      this.line++;
      pos = lf + 1;
    }
  }

  /** A record of only spaces (e.g. trailing "  \n") counts as blank. */
  private textTmpEmptyLine(buf: CsvBytes, start: number, end: number): boolean {
    for (let k = start; k < end; k++) {
      const c = buf[k]!;
      if (c !== 32 && c !== 9 && c !== CR && c !== LF) return false;
    }
    return true;
  }

  /** The text of bytes [start, end) in the file's encoding. UTF-8 takes the fast decode and checks strictly only
   * when a replacement character shows up (it may be a real U+FFFD, which is valid). */
  private decode(buf: CsvBytes, start: number, end: number, row: number, col: number): string {
    try {
      if (!this.utf8) return this.decoder.decode(buf.subarray(start, end));
      const text = buf.toString("utf8", start, end);
      if (text.includes("\uFFFD")) this.decoder.decode(buf.subarray(start, end));
      return text;
    } catch {
      throw badEncoding(this.decoder.encoding, { file: this.file, row, column: this.colName(col) });
    }
  }

  private colName(col: number): string | number {
    return this.header && col < this.header.length ? this.header[col]! : col + 1;
  }

  /** Reads one record as strings (for the header). null = incomplete. */
  private readTextRecord(buf: CsvBytes, start: number, final: boolean): { fields: string[]; end: number; newlines: number } | null {
    const fields: string[] = [];
    let i = start;
    let newlines = 0;
    const end = buf.length;
    for (;;) {
      let text: string;
      if (i < end && buf[i] === QUOTE) {
        let j = i + 1;
        for (;;) {
          if (j >= end) {
            if (!final) return null;
            throw new DataError("DATA_FORMAT", "UNTERMINATED_QUOTE", "a quoted header cell is never closed", { file: this.file, row: this.line, column: fields.length + 1 });
          }
          if (buf[j] === QUOTE) {
            if (buf[j + 1] === QUOTE) {
              j += 2;
              continue;
            }
            break;
          }
          if (buf[j] === LF) newlines++;
          j++;
        }
        text = this.decode(buf, i + 1, j, this.line, fields.length).replace(/""/g, '"');
        i = j + 1;
        while (i < end && buf[i] !== this.delim && buf[i] !== LF) i++;
      } else {
        const fs = i;
        while (i < end && buf[i] !== this.delim && buf[i] !== LF) i++;
        if (i >= end && !final) return null; // the cell may end in the middle of a character: decode it once whole
        let fe = i;
        if (fe > fs && buf[fe - 1] === CR) fe--;
        text = this.decode(buf, fs, fe, this.line, fields.length);
      }
      fields.push(text);
      if (i >= end) {
        if (!final) return null;
        return { fields, end: i, newlines };
      }
      if (buf[i] === this.delim) {
        i++;
        continue;
      }
      return { fields, end: i + 1, newlines: newlines + 1 };
    }
  }

  finish(): ParsedTable {
    if (this.header === null) {
      throw new DataError("EMPTY_DOMAIN", "EMPTY_FILE", "file is empty", { file: this.file }, "expected a header line and data rows");
    }
    if (this.rows === 0) {
      throw new DataError("EMPTY_DOMAIN", "NO_ROWS", "file has a header but no data rows", { file: this.file });
    }
    const n = this.rows;
    const trim = <T extends Float32Array | Int32Array>(a: T, len: number): T => (a.length > len * 1.05 ? (a.slice(0, len) as T) : (a.subarray(0, len) as T));
    const X = trim(this.X, n * this.d);
    const lines = trim(this.lines, n);
    const text = (t: number): TextColumn | undefined => {
      if (t < 0) return undefined;
      const tc = this.textCols[t]!;
      return { name: tc.name, codes: trim(tc.codes, n), values: tc.interner.values };
    };
    return {
      file: this.file, featureNames: this.featureNames, n, d: this.d, X,
      label: text(this.labelText), domain: text(this.domainText),
      rowOf: (i) => lines[i]!, missingCells: this.missingCells, firstMissing: this.firstMissing,
    };
  }
}

const decoder = new TextDecoder();
/** Uint8Array with Buffer's toString("utf8", start, end); subarray keeps the class (Symbol.species). */
class Utf8Bytes extends Uint8Array {
  override toString(_encoding?: "utf8", start = 0, end = this.length): string {
    return decoder.decode(this.subarray(start, end));
  }
}

/** Parses CSV/TSV text (a whole file's contents) into a ParsedTable; `name` stands for the file in messages. */
export function parseCsvText(text: string, opts: CsvOptions & { name?: string } = {}): ParsedTable {
  const bytes = new TextEncoder().encode(text);
  const parser = new CsvParser(opts.name ?? "<csv text>", opts, bytes.length);
  parser.push(new Utf8Bytes(bytes.buffer, bytes.byteOffset, bytes.length), true);
  return parser.finish();
}
