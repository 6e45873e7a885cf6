// report/: figure specs, SVG/PNG rendering with the bundled font, the self-contained HTML report, and every
// command's page built from its results (demo, assess, evaluate, select). Importing it loads vega and resvg: the CLI imports it
// inside the command that writes a page.
export * from "./figures.js";
export * from "./render.js";
export * from "./html.js";
export { PALETTE, BASELINE_GREYS, SHAPES, CONFIG as FIGURE_CONFIG, type VlSpec } from "./theme.js";
export { bundledFontMetrics, loadFontMetrics, fontDir, FONT_FAMILY, type FontMetrics } from "./fontMetrics.js";
export { evaluationFigure, type EvaluatedMethod } from "./evaluation.js";
export { selectionPage, type SelectionView } from "./selection-page.js";
export { formatAssessText, assessSections } from "./assess-text.js";
export { writeAssessOutputs, writeAssessFigures } from "./assess-page.js";
export {
  writeDemoOutputs, writeDemoFigures, demoReportPage, demoJsonSummary, DEMO_FIGURES, type DemoFigure,
  type WriteDemoOptions,
} from "./demo-page.js";
export { formatCurve } from "./curve-text.js";
export { curveFigure, writeCurveOutputs } from "./curve-figure.js";
export {
  evaluateReportPage, writeEvaluateOutputs, type EvaluatePageInput, type EvaluatePageMethod, type EvaluateComparisonView,
} from "./evaluate-page.js";
