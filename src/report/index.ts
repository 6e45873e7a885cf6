// report/: figure specs, SVG/PNG rendering with the bundled font, and the self-contained HTML report.
export * from "./figures.js";
export * from "./render.js";
export * from "./html.js";
export { PALETTE, BASELINE_GREYS, SHAPES, CONFIG as FIGURE_CONFIG, type VlSpec } from "./theme.js";
export { bundledFontMetrics, loadFontMetrics, fontDir, FONT_FAMILY, type FontMetrics } from "./fontMetrics.js";
export { evaluationFigure, type EvaluatedMethod } from "./evaluation.js";
export { selectionPage, type SelectionView } from "./selection-page.js";
