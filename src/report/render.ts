// Vega-Lite spec → Vega → SVG (headless View, no DOM) → PNG with resvg, using only the bundled fonts,
// so every machine draws the same pixels and text never silently disappears.
import * as vega from "vega";
import { compile } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";
import { join } from "node:path";
import { writeFileAtomic } from "../data/io/atomic.js";
import { TransferLabError } from "../core/errors.js";
import { bundledFontMetrics, fontDir, FONT_FAMILY, FONT_FILES, isBold } from "./fontMetrics.js";
import { CONFIG, type VlSpec } from "./theme.js";

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

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

let metricsInstalled = false;

/** Make Vega measure text with the bundled font's advance widths instead of its 0.8·size guess. */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  const fonts = bundledFontMetrics();
  const tm = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  tm.width = (item: TextItem, text: unknown): number => {
    const s = text === null || text === undefined ? "" : String(text).trim();
    const size = item.fontSize !== undefined && item.fontSize !== null ? Number(item.fontSize) || 0 : 11;
    if (size <= 0 || s.length === 0) return 0;
    return (isBold(item.fontWeight) ? fonts.bold : fonts.regular).advanceEm(s) * size;
  };
  metricsInstalled = true;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The spec with the shared theme under any config the spec brings itself (merged one level deep). */
function themed(spec: VlSpec): VlSpec {
  const own = isObject(spec.config) ? spec.config : {};
  const config: Record<string, unknown> = { ...CONFIG };
  for (const [k, v] of Object.entries(own)) config[k] = isObject(v) && isObject(config[k]) ? { ...config[k], ...v } : v;
  return { ...spec, config };
}

/** A vega logger that hands warnings to a callback (default: console.warn) and throws nothing away silently. */
function warningLogger(onWarning: (message: string) => void): vega.LoggerInterface {
  let lvl = vega.Warn;
  const emit = (min: number) => (...args: readonly unknown[]) => {
    if (lvl >= min) onWarning(args.map(String).join(" "));
    return logger;
  };
  const logger = {
    level(v?: number) {
      if (v === undefined) return lvl;
      lvl = v;
      return logger;
    },
    error: emit(vega.Error),
    warn: emit(vega.Warn),
    info: emit(vega.Info),
    debug: emit(vega.Debug),
  } as unknown as vega.LoggerInterface;
  return logger;
}

export interface SvgOptions {
  /** Receives Vega-Lite and Vega warnings (default: console.warn). */
  onWarning?: (message: string) => void;
}

/** Vega-Lite spec → standalone SVG string. */
export async function specToSvg(spec: VlSpec, opts: SvgOptions = {}): Promise<string> {
  installTextMetrics();
  const logger = warningLogger(opts.onWarning ?? ((m) => console.warn(`figure: ${m}`)));
  let vgSpec: vega.Spec;
  try {
    vgSpec = compile(themed(spec) as unknown as Parameters<typeof compile>[0], { logger }).spec as vega.Spec;
  } catch (e) {
    throw new TransferLabError("INTERNAL", `figure spec does not compile: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Inline data only: a loader that refuses every URL keeps rendering offline and deterministic.
  const loader = vega.loader();
  loader.load = (uri: string) => Promise.reject(new Error(`figures use inline data only; refusing to load ${uri}`));
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", loader, logger, logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
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
