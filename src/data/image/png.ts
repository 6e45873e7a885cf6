// A minimal 8-bit greyscale PNG encoder (signature, IHDR, one zlib IDAT, IEND) for small previews such as
// per-domain mean images; avoids a dependency for ~30 lines.
import { deflateSync, crc32 } from "node:zlib";

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes width × height grey pixels (row-major, 0 = black, 255 = white). Typed as Uint8Array (a Node Buffer
 *  underneath) so the declarations need no @types/node. */
export function encodeGrayPng(width: number, height: number, pixels: Uint8Array): Uint8Array {
  if (pixels.length !== width * height) throw new RangeError(`need ${width * height} pixels, got ${pixels.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  // compression, filter, interlace: 0
  const raw = Buffer.alloc((width + 1) * height);
  for (let r = 0; r < height; r++) {
    raw[r * (width + 1)] = 0; // filter: none
    raw.set(pixels.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
}

/** Lays out float images (each h × w, row-major) side by side, scaled to 0–255 by `max`, each pixel `zoom`× and a gap. */
export function imageStrip(images: Float64Array[], h: number, w: number, max: number, zoom = 12, gap = 6): { width: number; height: number; pixels: Uint8Array } {
  const W = images.length * w * zoom + (images.length - 1) * gap;
  const H = h * zoom;
  const px = new Uint8Array(W * H).fill(128);
  images.forEach((img, k) => {
    const x0 = k * (w * zoom + gap);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < w * zoom; x++) {
        const v = img[Math.floor(y / zoom) * w + Math.floor(x / zoom)]!;
        px[y * W + x0 + x] = Math.max(0, Math.min(255, Math.round((255 * v) / (max > 0 ? max : 1))));
      }
    }
  });
  return { width: W, height: H, pixels: px };
}
