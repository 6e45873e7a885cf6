// Rendering: PNGs are valid and carry their text (drawn with the bundled font), SVGs carry one mark
// per datum, nothing touches the figure's edge (no clipped labels), and files are written atomically.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderFigure, svgToPixels, writeFigure, specToSvg } from "../../src/report/render.js";
import { performanceComparison, embeddingScatter, scatterPoints } from "../../src/report/figures.js";
import { loadFontMetrics, fontDir } from "../../src/report/fontMetrics.js";
import { TransferLabError } from "../../src/core/errors.js";
import { Matrix } from "../../src/core/matrix.js";
import { decodePng, darkPixels, inkPixels, PNG_SIGNATURE } from "./png.js";
import { sampleFigures } from "./fixtures.js";

const samples = sampleFigures();

/** Number of <path> marks inside the data-mark groups named `group` (e.g. "layer_0_marks"). */
function countMarks(svg: string, kind: string, group?: string): number {
  const re = new RegExp(`<g class="mark-${kind} role-mark ([^"]*)"[^>]*>(.*?)</g>`, "gs");
  let n = 0;
  for (const m of svg.matchAll(re)) if (group === undefined || m[1] === group) n += (m[2]!.match(/<path /g) ?? []).length;
  return n;
}

test("bundled font widths equal fontTools' (hmtx + cmap) for every sample string", () => {
  const ref = JSON.parse(readFileSync(new URL("../fixtures/report/font_widths.json", import.meta.url), "utf8")) as { fonts: Record<string, Record<string, number>> };
  for (const [file, widths] of Object.entries(ref.fonts)) {
    const fm = loadFontMetrics(join(fontDir(), file));
    for (const [s, w] of Object.entries(widths)) assert.ok(Math.abs(fm.advanceEm(s) - w) < 1e-9, `${file} '${s}': ${fm.advanceEm(s)} vs ${w}`);
  }
});

test("PNG is valid: signature, IHDR size = SVG size × scale, and decodes", async () => {
  const fig = await renderFigure("perf", samples.performance_comparison!.spec, { scale: 2 });
  assert.deepEqual([...fig.png.subarray(0, 8)], PNG_SIGNATURE);
  const ihdr = Buffer.from(fig.png.subarray(12, 16)).toString("latin1");
  assert.equal(ihdr, "IHDR");
  const w = Buffer.from(fig.png).readUInt32BE(16);
  const h = Buffer.from(fig.png).readUInt32BE(20);
  assert.ok(fig.width > 100 && fig.height > 100);
  assert.equal(w, Math.round(fig.width * 2));
  assert.equal(h, Math.round(fig.height * 2));
  const img = decodePng(fig.png);
  assert.equal(img.width, w);
  assert.equal(img.height, h);
});

test("the PNG contains the rendered title text, which would vanish without the bundled font", async () => {
  // Title only above an empty-ish chart: the top band holds nothing but the title's glyphs.
  const spec = { title: { text: "Rendered title text", fontSize: 20 }, width: 200, height: 60, data: { values: [{ a: 1 }] }, mark: { type: "point", opacity: 0 }, encoding: { x: { field: "a", type: "quantitative", axis: null }, y: { field: "a", type: "quantitative", axis: null } }, config: { view: { stroke: null } } };
  const fig = await renderFigure("title", spec, { scale: 1 });
  const img = decodePng(fig.png);
  const band = darkPixels(img, 0, 0, img.width, 40);
  assert.ok(band > 200, `expected dark title pixels, got ${band}`);
  // The same SVG drawn with no fonts at all (what resvg does when it finds none): the band is blank.
  const bare = svgToPixels(fig.svg, { scale: 1, fontFiles: [] });
  const blank = darkPixels({ width: bare.width, height: bare.height, rgba: bare.rgba }, 0, 0, bare.width, 40);
  assert.equal(blank, 0);
  // The title ink spans about the measured width of the string (bold, 20 px).
  let minX = Infinity, maxX = -Infinity;
  for (let y = 0; y < 40; y++) for (let x = 0; x < img.width; x++) {
    const i = 4 * (y * img.width + x);
    if (img.rgba[i]! < 110) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); }
  }
  const expected = loadFontMetrics(join(fontDir(), "DejaVuSans-Bold.ttf")).advanceEm("Rendered title text") * 20;
  assert.ok(Math.abs(maxX - minX - expected) < 6, `ink width ${maxX - minX} vs measured advance ${expected}`);
});

test("SVGs carry one mark per datum", async () => {
  const svgOf = async (name: string) => specToSvg(samples[name]!.spec);
  assert.equal(countMarks(await svgOf("domain_comparison"), "symbol"), samples.domain_comparison!.marks);
  assert.equal(countMarks(await svgOf("feature_space_tsne"), "symbol"), samples.feature_space_tsne!.marks);
  assert.equal(countMarks(await svgOf("domains_pca"), "symbol"), samples.domains_pca!.marks);
  assert.equal(countMarks(await svgOf("performance_comparison"), "rect", "layer_0_marks"), samples.performance_comparison!.marks);
  assert.equal(countMarks(await svgOf("confusion_matrices"), "rect"), samples.confusion_matrices!.marks);
  assert.equal(countMarks(await svgOf("feature_shift"), "rect", "layer_0_marks"), samples.feature_shift!.marks);
  const le = await svgOf("label_efficiency");
  assert.equal(countMarks(le, "symbol"), samples.label_efficiency!.marks);
  assert.equal(countMarks(le, "line"), 3);
  // every confusion-matrix count is printed
  const cm = await svgOf("confusion_matrices");
  for (const v of ["98", "97", "96", "2", "3", "4"]) assert.ok(cm.includes(`>${v}</text>`), `count ${v} missing`);
});

test("no figure draws on its outer edge (labels, legends and titles fit inside)", async () => {
  for (const [name, { spec }] of Object.entries(samples)) {
    const fig = await renderFigure(name, spec, { scale: 1 });
    const img = decodePng(fig.png);
    const m = 4;
    const edge = inkPixels(img, 0, 0, img.width, m) + inkPixels(img, 0, img.height - m, img.width, img.height)
      + inkPixels(img, 0, 0, m, img.height) + inkPixels(img, img.width - m, 0, img.width, img.height);
    assert.equal(edge, 0, `${name}: ${edge} inked pixels within ${m}px of the edge`);
    assert.ok(inkPixels(img, 0, 0, img.width, img.height) > 1000, `${name} looks blank`);
  }
});

test("long labels are not truncated by Vega's label limit (measured with the real font)", async () => {
  const svg = await specToSvg(samples.feature_shift!.spec);
  assert.ok(svg.includes("a rather long feature name 8"));
  assert.ok(!svg.includes("…"), "a label was truncated");
});

test("writeFigure writes NAME.svg and NAME.png atomically and refuses path-like names", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-report-"));
  try {
    const f = await writeFigure(dir, "performance_comparison", samples.performance_comparison!.spec);
    assert.deepEqual(readdirSync(dir).sort(), ["performance_comparison.png", "performance_comparison.svg"]);
    assert.deepEqual(new Uint8Array(readFileSync(f.pngPath)), f.png);
    assert.equal(readFileSync(f.svgPath, "utf8"), f.svg);
    await assert.rejects(writeFigure(dir, "../evil", samples.performance_comparison!.spec), (e: unknown) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("figure builders refuse non-finite and empty data instead of dropping it", () => {
  assert.throws(() => performanceComparison({ bars: [{ method: "a", role: "method", mean: NaN, lo: 0, hi: 1 }] }), (e: unknown) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER");
  assert.throws(() => embeddingScatter({ title: "t", points: [] }), (e: unknown) => e instanceof TransferLabError);
  const pts = scatterPoints(Matrix.from([[1, 2], [3, 4]]), Int32Array.from([0, 1]), ["cat", "dog"]);
  assert.deepEqual(pts, [{ x: 1, y: 2, cls: "cat" }, { x: 3, y: 4, cls: "dog" }]);
});

test("no figure spec makes Vega-Lite or Vega warn, and the label-efficiency axis ticks at the given n", async () => {
  // Positive control: a spec Vega-Lite does warn about reaches the collector.
  const control: string[] = [];
  await specToSvg({ data: { values: [{ a: 1, b: 2 }] }, mark: "bar", encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative", aggregate: "bogus" } } }, { onWarning: (m) => control.push(m) });
  assert.ok(control.length > 0, "the warning collector saw nothing for a spec that warns");
  const warnings: string[] = [];
  for (const [name, { spec }] of Object.entries(samples)) await specToSvg(spec, { onWarning: (m) => warnings.push(`${name}: ${m}`) });
  assert.deepEqual(warnings, []);
  const svg = await specToSvg(samples.label_efficiency!.spec);
  const axis = /<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/gs;
  const labels = [...svg.matchAll(axis)].flatMap((m) => [...m[1]!.matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]!));
  for (const n of ["2", "4", "8", "16", "32", "50"]) assert.ok(labels.includes(n), `x tick ${n} missing in ${labels.join(",")}`);
});
