// Vega-Lite spec → SVG (svg.ts) → PNG with resvg, using only the bundled fonts,
// so every machine draws the same pixels and text never silently disappears.
import { Resvg } from "@resvg/resvg-js";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic.js";
import { TransferLabError } from "../core/errors.js";
import { fontDir, FONT_FAMILY, FONT_FILES } from "./fontMetrics.js";
import type { VlSpec } from "./theme.js";
import { specToSvg, type SvgOptions } from "./svg.js";

export { specToSvg, type SvgOptions } from "./svg.js";

export interface RenderedFigure {
  readonly name: string;
  readonly spec: VlSpec;
  readonly svg: string;
  readonly png: Uint8Array;
  /** Size of the SVG in CSS pixels; the PNG is `scale` times larger. */
  readonly width: number;
  readonly height: number;
  readonly scale: number;
}

export interface RenderOptions {
  /** PNG pixels per SVG pixel (2 gives crisp figures on high-density screens and in print). */
  scale?: number;
}

function resvgOptions(scale: number): ConstructorParameters<typeof Resvg>[1] {
  const dir = fontDir();
  return {
    font: {
      loadSystemFonts: false,
      fontFiles: [join(dir, FONT_FILES.regular), join(dir, FONT_FILES.bold)],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
      serifFamily: FONT_FAMILY,
      monospaceFamily: FONT_FAMILY,
    },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    logLevel: "off",
  };
}

/** SVG string → PNG bytes drawn with the bundled fonts only. */
export function svgToPng(svg: string, opts: RenderOptions = {}): Uint8Array {
  const scale = opts.scale ?? 2;
  const png = new Resvg(svg, resvgOptions(scale)).render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Raw RGBA pixels of an SVG drawn with the bundled fonts (tests and checks use this). */
export function svgToPixels(svg: string, opts: RenderOptions & { fontFiles?: string[] } = {}): { width: number; height: number; rgba: Uint8Array } {
  const o = resvgOptions(opts.scale ?? 1)!;
  if (opts.fontFiles) o.font = { ...o.font, fontFiles: opts.fontFiles };
  const img = new Resvg(svg, o).render();
  const px = img.pixels;
  return { width: img.width, height: img.height, rgba: new Uint8Array(px.buffer, px.byteOffset, px.byteLength) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : { width: 0, height: 0 };
}

/** Render one figure to SVG and PNG in memory. */
export async function renderFigure(name: string, spec: VlSpec, opts: RenderOptions & SvgOptions = {}): Promise<RenderedFigure> {
  const scale = opts.scale ?? 2;
  const svg = await specToSvg(spec, opts);
  const png = svgToPng(svg, { scale });
  return { name, spec, svg, png, scale, ...svgSize(svg) };
}

/** Render a figure and write dir/NAME.svg and dir/NAME.png atomically. */
export async function writeFigure(
  dir: string, name: string, spec: VlSpec, opts: RenderOptions & SvgOptions = {},
): Promise<RenderedFigure & { svgPath: string; pngPath: string }> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new TransferLabError("INVALID_PARAMETER", `figure name '${name}' must be a plain file name (letters, digits, _ . -)`, { param: "name" });
  }
  const fig = await renderFigure(name, spec, opts);
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  writeFileAtomic(svgPath, fig.svg);
  writeFileAtomic(pngPath, fig.png);
  return { ...fig, svgPath, pngPath };
}
