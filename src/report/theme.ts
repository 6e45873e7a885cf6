// One look for every figure: the Okabe–Ito palette (distinguishable with the common colour-vision
// deficiencies), the bundled DejaVu Sans, white background, titles top-left, light grids.
import { FONT_FAMILY } from "./fontMetrics.js";

/** Okabe & Ito (2008) colours, ordered so the first ones contrast most on white (yellow last). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"] as const;
/** Baselines are drawn in greys so methods stand out beside them. */
export const BASELINE_GREYS = ["#8C8C8C", "#5F5F5F", "#B5B5B5", "#3A3A3A"] as const;
/** Marker shapes for a second categorical channel (class), distinguishable without colour; all visible when filled ("stroke" is not). */
export const SHAPES = ["circle", "triangle-up", "square", "diamond", "cross", "triangle-down", "triangle-right", "triangle-left"] as const;

/** A Vega-Lite spec: plain JSON. Kept loose on purpose so callers can tweak it before rendering. */
export type VlSpec = Record<string, unknown>;

export const CONFIG = {
  font: FONT_FAMILY,
  background: "white",
  padding: 12,
  view: { stroke: "#cfcfcf", continuousWidth: 320, continuousHeight: 260 },
  title: { anchor: "start", fontSize: 15, fontWeight: "bold", color: "#1a1a1a", subtitleFontSize: 12, subtitleColor: "#555555", offset: 10 },
  axis: {
    labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", titleColor: "#222222", labelColor: "#333333",
    gridColor: "#ececec", domainColor: "#8a8a8a", tickColor: "#8a8a8a", titlePadding: 8,
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", titleColor: "#222222", labelColor: "#333333", symbolSize: 70 },
  header: { labelFontSize: 13, labelFontWeight: "bold", labelColor: "#222222", titleFontSize: 12 },
  range: { category: [...PALETTE] },
  point: { size: 28 },
  concat: { spacing: 24 },
  facet: { spacing: 20 },
} as const;

/** Title block with an optional subtitle, in Vega-Lite form. */
export function titleOf(text: string, subtitle?: string): Record<string, unknown> {
  return subtitle ? { text, subtitle } : { text };
}

/** Colours for named series: baselines get greys, methods get palette colours, in the given order. */
export function roleColours(series: { name: string; role?: "baseline" | "method" }[]): { domain: string[]; range: string[] } {
  const domain: string[] = [];
  const range: string[] = [];
  let b = 0;
  let m = 0;
  for (const s of series) {
    if (domain.includes(s.name)) continue;
    domain.push(s.name);
    range.push(s.role === "baseline" ? BASELINE_GREYS[b++ % BASELINE_GREYS.length]! : PALETTE[m++ % PALETTE.length]!);
  }
  return { domain, range };
}
