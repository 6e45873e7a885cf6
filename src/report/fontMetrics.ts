// Text widths from the bundled TrueType fonts, so Vega lays out labels with the same advance widths
// resvg later draws them with (Vega's fallback guesses 0.8·fontSize per character, which mis-sizes
// legends and titles). Reads only what width needs: head (unitsPerEm), hhea + hmtx (advances) and
// cmap format 4 (BMP code point → glyph). Kerning is ignored; DejaVu's kerning only narrows text.
// Node's fs/url/path come through process.getBuiltinModule, so browsers can bundle this module; there the
// bundled fonts are not at hand and bundledFontMetrics() measures with a fixed estimate instead.
import { TransferLabError } from "../core/errors.js";

type NodeModules = { fs: typeof import("node:fs"); url: typeof import("node:url"); path: typeof import("node:path") };
function nodeModules(): NodeModules | null {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (!proc?.versions?.node || typeof proc.getBuiltinModule !== "function") return null;
  return { fs: proc.getBuiltinModule("node:fs"), url: proc.getBuiltinModule("node:url"), path: proc.getBuiltinModule("node:path") };
}

export interface FontMetrics {
  readonly unitsPerEm: number;
  /** Advance width of a string in em (multiply by the font size in px). */
  advanceEm(text: string): number;
}

function table(buf: Buffer, tag: string, file: string): number {
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    if (buf.toString("latin1", rec, rec + 4) === tag) return buf.readUInt32BE(rec + 8);
  }
  throw new TransferLabError("DATA_FORMAT", `font has no '${tag}' table`, { file });
}

/** Parse the advance widths of a TrueType font file. */
export function loadFontMetrics(file: string): FontMetrics {
  const node = nodeModules();
  if (!node) throw new TransferLabError("UNSUPPORTED", "reading font files needs Node", { file });
  let buf: Buffer;
  try {
    buf = node.fs.readFileSync(file);
  } catch {
    throw new TransferLabError("FILE_NOT_FOUND", "bundled font is missing", { file }, "reinstall transferlab; assets/fonts must ship with it");
  }
  const head = table(buf, "head", file);
  const unitsPerEm = buf.readUInt16BE(head + 18);
  const hhea = table(buf, "hhea", file);
  const numHMetrics = buf.readUInt16BE(hhea + 34);
  const hmtx = table(buf, "hmtx", file);
  const advances = new Uint16Array(numHMetrics);
  for (let g = 0; g < numHMetrics; g++) advances[g] = buf.readUInt16BE(hmtx + 4 * g);

  // cmap: pick the Unicode BMP subtable (platform 3 encoding 1, or platform 0) in format 4.
  const cmap = table(buf, "cmap", file);
  const n = buf.readUInt16BE(cmap + 2);
  let sub = -1;
  for (let i = 0; i < n; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const off = cmap + buf.readUInt32BE(rec + 4);
    if (buf.readUInt16BE(off) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
      sub = off;
      if (platform === 3) break;
    }
  }
  if (sub < 0) throw new TransferLabError("DATA_FORMAT", "font has no Unicode cmap (format 4)", { file });
  const segX2 = buf.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;

  const glyphOf = (code: number): number => {
    if (code > 0xffff) return 0;
    for (let s = 0; s < segX2; s += 2) {
      if (code > buf.readUInt16BE(ends + s)) continue;
      const start = buf.readUInt16BE(starts + s);
      if (code < start) return 0;
      const delta = buf.readUInt16BE(deltas + s);
      const ro = buf.readUInt16BE(rangeOffsets + s);
      if (ro === 0) return (code + delta) & 0xffff;
      const g = buf.readUInt16BE(rangeOffsets + s + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  const advanceOf = (code: number): number => {
    let a = cache.get(code);
    if (a === undefined) {
      const g = glyphOf(code);
      a = advances[Math.min(g, numHMetrics - 1)]! / unitsPerEm;
      cache.set(code, a);
    }
    return a;
  };
  return {
    unitsPerEm,
    advanceEm(text: string): number {
      let w = 0;
      for (const ch of text) w += advanceOf(ch.codePointAt(0)!);
      return w;
    },
  };
}

/** Folder of the bundled fonts: <package root>/assets/fonts (same from src/ via tsx and from dist/). */
export function fontDir(): string {
  const node = nodeModules();
  if (!node) throw new TransferLabError("UNSUPPORTED", "the bundled fonts are files of the Node package");
  const here = node.path.dirname(node.url.fileURLToPath(import.meta.url));
  return node.path.join(here, "..", "..", "assets", "fonts");
}

export const FONT_FAMILY = "DejaVu Sans";
export const FONT_FILES = { regular: "DejaVuSans.ttf", bold: "DejaVuSans-Bold.ttf" } as const;

let fonts: { regular: FontMetrics; bold: FontMetrics } | null = null;

/** Metrics of the bundled regular and bold faces (loaded once). */
export function bundledFontMetrics(): { regular: FontMetrics; bold: FontMetrics } {
  if (!fonts) {
    const node = nodeModules();
    if (!node) {
      // Browsers: DejaVu Sans' mean advance over ASCII letters and digits, regular and bold.
      const estimate = (em: number): FontMetrics => ({ unitsPerEm: 2048, advanceEm: (text) => [...text].length * em });
      fonts = { regular: estimate(0.6), bold: estimate(0.68) };
    } else {
      const dir = fontDir();
      fonts = { regular: loadFontMetrics(node.path.join(dir, FONT_FILES.regular)), bold: loadFontMetrics(node.path.join(dir, FONT_FILES.bold)) };
    }
  }
  return fonts;
}

/** True for the CSS weights that select the bold face. */
export function isBold(weight: unknown): boolean {
  if (weight === undefined || weight === null) return false;
  if (typeof weight === "number") return weight >= 600;
  const w = String(weight).toLowerCase();
  return w === "bold" || w === "bolder" || (Number(w) >= 600);
}
