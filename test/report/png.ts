// A minimal, independent PNG reader for tests (node:zlib + the five scanline filters), so the checks
// read the bytes we wrote rather than trusting the renderer's own pixel output.
import { inflateSync } from "node:zlib";

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface DecodedPng { width: number; height: number; rgba: Uint8Array }

export function decodePng(bytes: Uint8Array): DecodedPng {
  const buf = Buffer.from(bytes);
  for (let i = 0; i < 8; i++) if (buf[i] !== PNG_SIGNATURE[i]) throw new Error("not a PNG signature");
  let off = 8;
  let width = 0, height = 0, bitDepth = 0, colourType = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("latin1", off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8]!;
      colourType = data[9]!;
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    off += 12 + len;
  }
  if (bitDepth !== 8 || (colourType !== 6 && colourType !== 2)) throw new Error(`unsupported PNG: depth ${bitDepth}, colour type ${colourType}`);
  const bpp = colourType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp]! : 0;
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp]! : 0;
      let v = raw[src + x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = v & 0xff;
    }
  }
  if (bpp === 4) return { width, height, rgba: px };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) { rgba[4 * i] = px[3 * i]!; rgba[4 * i + 1] = px[3 * i + 1]!; rgba[4 * i + 2] = px[3 * i + 2]!; rgba[4 * i + 3] = 255; }
  return { width, height, rgba };
}

/** Pixels darker than `threshold` (luminance 0–255) inside a rectangle. */
export function darkPixels(img: DecodedPng, x0: number, y0: number, x1: number, y1: number, threshold = 110): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      const i = 4 * (y * img.width + x);
      const lum = 0.299 * img.rgba[i]! + 0.587 * img.rgba[i + 1]! + 0.114 * img.rgba[i + 2]!;
      if (img.rgba[i + 3]! > 0 && lum < threshold) n++;
    }
  }
  return n;
}

/** Pixels that are not (near) white inside a rectangle. */
export function inkPixels(img: DecodedPng, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      const i = 4 * (y * img.width + x);
      if (img.rgba[i + 3]! > 0 && (img.rgba[i]! < 250 || img.rgba[i + 1]! < 250 || img.rgba[i + 2]! < 250)) n++;
    }
  }
  return n;
}
