// What `transferlab evaluate --out DIR` writes: results.json (checked against the versioned schema) and a
// self-contained report.html (src/report/evaluate-page.ts) with the accuracy figure inlined. Everything is built
// in memory first, so a failure leaves no half-written folder. Lives beside the CLI because it joins the
// experiment room (result, schema, comparison cells) and the report room (figure, page).
import { join } from "node:path";
import { TransferLabError } from "../core/errors.js";
import { writeFileAtomic, writeJsonAtomic } from "../core/atomic.js";
import {
  formatComparison, type EvaluateComparison as Comparison, type EvaluateResult, evaluateResultsSchema,
} from "../experiment/index.js";

export async function writeEvaluateReport(result: EvaluateResult, outDir: string): Promise<{ results: string; report: string }> {
  const checked = evaluateResultsSchema.safeParse(result);
  if (!checked.success) {
    throw new TransferLabError("INTERNAL", `evaluate's result does not match its schema ${result.schema}: ${checked.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const { renderFigure, evaluationFigure, evaluateReportPage, buildReportHtml } = await import("../report/index.js");
  const figure = await renderFigure("accuracy", evaluationFigure(result));
  const html = buildReportHtml(evaluateReportPage(result, figure, (c) => formatComparison(c as Comparison)));
  const results = join(outDir, "results.json");
  const report = join(outDir, "report.html");
  writeJsonAtomic(results, result);
  writeFileAtomic(report, html);
  return { results, report };
}
