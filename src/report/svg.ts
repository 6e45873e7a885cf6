// Vega-Lite spec → Vega → SVG (headless View, no DOM), text measured with the bundled font's advance widths.
// Free of Node built-ins: browsers draw the same SVG figures (render.ts adds PNG via resvg, Node only).
import * as vega from "vega";
import { compile } from "vega-lite";
import { TransferLabError } from "../core/errors.js";
import { bundledFontMetrics, isBold } from "./fontMetrics.js";
import { CONFIG, type VlSpec } from "./theme.js";

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
