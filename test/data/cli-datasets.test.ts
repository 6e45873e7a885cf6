// `transferlab datasets ...` end to end: JSON summary, a valid PNG with the right pixels, and export round trip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { register } from "../../src/cli/commands/datasets.js";
import { TransferLabError } from "../../src/core/errors.js";
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { join } from "node:path";
import { loadOptdigits, loadDomain, encodeGrayPng, resolveDomainPair } from "./helpers.js";
import { tempDir } from "../tmp.js";

const dir = tempDir("tl-cli-data-");

/** Runs `transferlab <args>` in-process (only the datasets command is registered), capturing stdout. */
async function cli(...args: string[]): Promise<{ stdout: string }> {
  const program = new Command();
  program.exitOverride();
  register(program);
  let stdout = "";
  const write = process.stdout.write.bind(process.stdout);
  // The command writes strings; the test runner's own (binary) reports pass through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== "string") return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "transferlab", ...args]);
  } finally {
    process.stdout.write = write;
  }
  return { stdout };
}

/** Decodes an 8-bit greyscale, non-interlaced PNG with filter 0 rows (what we write), by the PNG spec. */
function decodeGray(png: Buffer): { width: number; height: number; pixels: Uint8Array } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let p = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (p < png.length) {
    const len = png.readUInt32BE(p);
    const type = png.toString("latin1", p + 4, p + 8);
    const data = png.subarray(p + 8, p + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8);
      assert.equal(data[9], 0);
    } else if (type === "IDAT") idat.push(data);
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    assert.equal(raw[r * (width + 1)], 0);
    pixels.set(raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)), r * width);
  }
  return { width, height, pixels };
}

test("PNG encoder output decodes to the same pixels", () => {
  const px = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37) % 256);
  const back = decodeGray(Buffer.from(encodeGrayPng(7, 5, px)));
  assert.equal(back.width, 7);
  assert.equal(back.height, 5);
  assert.deepEqual(back.pixels, px);
});

test("datasets show mnist→optdigits: sizes, class counts, shift and the mean-image PNG", async () => {
  const png = join(dir, "mean.png");
  const r = await cli("datasets", "show", "mnist→optdigits", "--json", "--png", png);
  const out = JSON.parse(r.stdout);
  assert.equal(out.source.rows, 10000);
  assert.equal(out.target.rows, 1797);
  const o = await loadOptdigits();
  const counts: Record<string, number> = {};
  for (const v of o.y) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  assert.deepEqual(out.target.classCounts, counts);
  assert.ok(out.shift.meanShift > 0);
  // Target panel (second of three) holds the optdigits mean image, scaled by the largest mean pixel of either domain.
  const img = decodeGray(readFileSync(png));
  const zoom = 12;
  assert.equal(img.height, 8 * zoom);
  assert.equal(img.width, 3 * 8 * zoom + 2 * 6);
  const mean = new Float64Array(64);
  for (let i = 0; i < o.X.rows; i++) o.X.row(i).forEach((v, j) => (mean[j] += v / o.X.rows));
  const maxT = Math.max(...mean);
  // The brightest target pixel is at most 255 and the image is not blank.
  let brightest = 0;
  for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) brightest = Math.max(brightest, img.pixels[(r * zoom) * img.width + 8 * zoom + 6 + c * zoom]!);
  assert.ok(brightest > 100);
  // Pixel ratios inside the target panel follow the mean image.
  const at = (r: number, c: number) => img.pixels[(r * zoom + 3) * img.width + 8 * zoom + 6 + c * zoom + 3]!;
  const top = mean.indexOf(maxT);
  assert.equal(at(Math.floor(top / 8), top % 8), brightest);
  assert.ok(Math.abs(at(4, 4) / brightest - mean[36]! / maxT) < 0.02);
});

test("datasets export optdigits --format npz reads back identical; unknown names are a typed error", async () => {
  const path = join(dir, "optdigits.npz");
  const r = await cli("datasets", "export", "optdigits", "--format", "npz", "--out", path);
  assert.match(r.stdout, /wrote /);
  const back = await loadDomain(path);
  const o = await loadOptdigits();
  assert.deepEqual(back.X.data, o.X.data);
  assert.deepEqual(back.y, o.y);
  await assert.rejects(cli("datasets", "show", "imagenet"), (e) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER" && /unknown dataset "imagenet"/.test(e.message));
});

test("datasets export of a generator spec writes both sides; they read back as generated", async () => {
  const out = join(dir, "pair");
  const r = await cli("datasets", "export", "moons?n=30&angle=20", "--format", "csv", "--out", out, "--seed", "4");
  assert.equal(r.stdout.trim().split("\n").length, 2);
  const p = await resolveDomainPair("moons?n=30&angle=20", { seed: 4 });
  const s = await loadDomain(join(out, "moons-angle=20-n=30-seed=4-source.csv"), { label: "label" });
  const t = await loadDomain(join(out, "moons-angle=20-n=30-seed=4-target.csv"), { label: "label" });
  assert.deepEqual(s.X.data, p.source.X.data);
  assert.deepEqual(t.X.data, p.target.X.data);
  assert.deepEqual(t.y, p.target.y);
});

test("datasets export names encode the whole spec and seed (issue 13: different specs never share a file)", async () => {
  const out = join(dir, "specs");
  const written = new Set<string>();
  for (const [spec, seed] of [["moons?n=30&angle=20", "4"], ["moons?angle=20&n=40", "4"], ["moons?n=30&angle=20", "5"], ["moons?n=30&angle=20&noise=0.2", "4"]]) {
    const r = await cli("datasets", "export", spec!, "--format", "csv", "--out", out, "--seed", seed!);
    for (const line of r.stdout.trim().split("\n")) written.add(line);
  }
  assert.equal(written.size, 8, [...written].join("\n"));
  // The same spec in another parameter order is the same data, and the same name.
  const again = await cli("datasets", "export", "moons?angle=20&n=30", "--format", "csv", "--out", out, "--seed", "4");
  assert.ok(again.stdout.trim().split("\n").every((l) => written.has(l)));
});

test("datasets show FILE summarises a user's file; a bad file is the loader's typed error", async () => {
  const r = await cli("datasets", "show", "test/fixtures/data/malformed/pair_source.csv", "--json");
  const out = JSON.parse(r.stdout);
  assert.equal(out.report.rows, 2);
  assert.deepEqual(out.featureNames, ["a", "b"]);
  assert.deepEqual(out.summary.classCounts, { x: 1, y: 1 });
  await assert.rejects(cli("datasets", "show", "test/fixtures/data/malformed/ragged_short.csv"), (e) => e instanceof TransferLabError && e.code === "DATA_FORMAT" && e.where.row === 3);
});
