// What `transferlab evaluate --out DIR` writes: results.json (checked against evaluate's versioned schema) and
// report.html — settings, the data, the accuracy table against both baselines with W/T/L and the verdicts, the
// accuracy figure (evaluation.ts), and every note. Everything is built in memory first, so a failure leaves no
// half-written folder. The page reads the result by its shape; the verdict words are experiment's (verdict.ts);
// the comparison cells are formatted as in the terminal table.
import { join } from "node:path";
import { TransferLabError } from "../core/errors.js";
import { writeFileAtomic, writeJsonAtomic } from "../core/atomic.js";
import { TRANSFER_VERDICTS, evaluateResultsSchema, formatComparison, type EvaluateComparison, type EvaluateResult } from "../experiment/index.js";
import { renderFigure, type RenderedFigure } from "./render.js";
import { buildReportHtml, type Cell, type ReportPage, type Tone } from "./html.js";
import { evaluationFigure, type EvaluatedMethod } from "./evaluation.js";

/** Writes DIR/results.json and DIR/report.html (sweep: one per table). */
export async function writeEvaluateOutputs(result: EvaluateResult, outDir: string): Promise<{ results: string; report: string }> {
  const checked = evaluateResultsSchema.safeParse(result);
  if (!checked.success) {
    throw new TransferLabError("INTERNAL", `evaluate's result does not match its schema ${result.schema}: ${checked.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const figure = await renderFigure("accuracy", evaluationFigure(result));
  const html = buildReportHtml(evaluateReportPage(result, figure, (c) => formatComparison(c as EvaluateComparison)));
  const results = join(outDir, "results.json");
  const report = join(outDir, "report.html");
  writeJsonAtomic(results, result);
  writeFileAtomic(report, html);
  return { results, report };
}

export interface EvaluateComparisonView {
  wins: number;
  ties: number;
  losses: number;
  verdict: string;
}

export interface EvaluatePageMethod extends EvaluatedMethod {
  family: string;
  accuracy: (NonNullable<EvaluatedMethod["accuracy"]> & { sd: number }) | null;
  /** Seeds whose fit diverged (the method then has no accuracy). */
  diverged: readonly { seed: number; iteration: number; term: string; value: string }[];
  vsSourceOnly: EvaluateComparisonView | null;
  vsTargetOnly: EvaluateComparisonView | null;
  verdict: string;
  degenerate: { message: string } | null;
  notes: readonly string[];
  unconvergedFits: number;
}

export interface EvaluatePageInput {
  schema: string;
  source: { name: string; rows: number; features: number };
  target: { name: string; rows: number; features: number };
  protocol: string;
  estimator: string;
  scale: { rule: string };
  targetLabelsPerClass: number;
  seeds: readonly number[];
  split: { labelled: number; unlabelled: number; test: number };
  margin: number;
  alpha: number;
  methods: readonly EvaluatePageMethod[];
  notes: readonly string[];
}

const BASELINES = new Set(["source-only", "target-only", "source-only-net"]);

/** The verdict box: each method's verdict against the stronger baseline, toned by the worst news. */
function verdictBox(r: EvaluatePageInput): { tone: Tone; headline: string; text: string } {
  const judged = r.methods.filter((m) => !BASELINES.has(m.name) && !m.oracle);
  if (judged.length === 0) return { tone: "neutral", headline: "Baselines only", text: "No adaptation method was run: the table compares source-only with target-only." };
  const harm = judged.filter((m) => m.verdict === TRANSFER_VERDICTS.negative);
  const gain = judged.filter((m) => m.verdict === TRANSFER_VERDICTS.positive);
  const degenerate = judged.filter((m) => m.degenerate);
  const tone: Tone = harm.length > 0 ? "negative" : degenerate.length > 0 ? "warning" : gain.length > 0 ? "positive" : "neutral";
  const headline = harm.length > 0 ? `Negative transfer: ${harm.map((m) => m.name).join(", ")}`
    : gain.length > 0 ? `Transfer helps: ${gain.map((m) => m.name).join(", ")}` : "No method beats the stronger baseline";
  const text = judged.map((m) => `${m.name}: ${m.verdict}${m.degenerate ? " (degenerate)" : ""}${m.unconvergedFits > 0 ? " (not converged)" : ""}`).join("; ")
    + ` — against the stronger of source-only and target-only, margin ${r.margin} points, α ${r.alpha}.`;
  return { tone, headline, text };
}

const wtl = (c: EvaluateComparisonView | null) => (c ? `${c.wins}/${c.ties}/${c.losses}` : "—");

export function evaluateReportPage(r: EvaluatePageInput, figure: RenderedFigure, formatComparison: (c: EvaluateComparisonView) => string): ReportPage {
  const cmp = (c: EvaluateComparisonView | null): string => (c ? formatComparison(c) : "—");
  const rows: Cell[][] = r.methods.map((m) => [
    m.oracle ? `${m.name} (oracle)` : m.name, m.family,
    m.accuracy ? `${m.accuracy.mean.toFixed(1)} ± ${m.accuracy.sd.toFixed(1)}` : "diverged",
    m.accuracy ? `[${m.accuracy.ci95[0]!.toFixed(1)}, ${m.accuracy.ci95[1]!.toFixed(1)}]` : "—",
    cmp(m.vsSourceOnly), wtl(m.vsSourceOnly), cmp(m.vsTargetOnly), wtl(m.vsTargetOnly),
    m.verdict + (m.degenerate ? " — degenerate" : "") + (m.unconvergedFits > 0 ? ` — not converged (${m.unconvergedFits} fit${m.unconvergedFits === 1 ? "" : "s"} at the iteration cap)` : ""),
  ]);
  const ciMethods = [...new Set(r.methods.map((m) => m.accuracy?.ciMethod).filter((c): c is string => !!c))];
  const notes = [
    ...r.methods.flatMap((m) => m.diverged.map((d) => `${m.name} diverged on seed ${d.seed} at iteration ${d.iteration}: ${d.term === "features" ? "the features collapsed (constant over the batch)" : `the ${d.term} term became ${d.value}`} — not scored`)),
    ...r.methods.filter((m) => m.degenerate).map((m) => `${m.name}: ${m.degenerate!.message}`),
    ...r.methods.flatMap((m) => m.notes.map((n) => `${m.name}: ${n}`)),
    ...r.notes,
  ];
  const seeds = r.seeds.length;
  return {
    title: `Evaluate: ${r.source.name} → ${r.target.name}`,
    subtitle: `${r.methods.length} methods, ${r.estimator}, ${r.targetLabelsPerClass} target labels per class, ${seeds} seed${seeds === 1 ? "" : "s"} (${r.protocol})`,
    verdict: verdictBox(r),
    sections: [
      {
        id: "results", heading: "Accuracy on the target test points",
        blocks: [
          {
            kind: "table", caption: `Target test accuracy (%) over ${seeds} seed${seeds === 1 ? "" : "s"}`,
            columns: ["method", "family", "accuracy % (mean ± sd)", "95 % interval", "vs source-only", "W/T/L", "vs target-only", "W/T/L", "verdict"],
            rows, align: ["left", "left", "right", "right", "left", "right", "left", "right", "left"],
            note: `Δ = method − baseline in points; p: McNemar mid-p (M) or paired bootstrap (B); W/T/L = seeds won / tied / lost. Intervals: ${ciMethods.join("; ") || "—"}.`,
          },
          { kind: "figure", figure, caption: "Accuracy per method: bar = mean over seeds, line = 95 % interval, dots = single seeds; the baselines in grey.", alt: "accuracy per method with 95 % intervals and per-seed points", embed: "svg" },
        ],
      },
      {
        id: "data", heading: "Data",
        blocks: [{
          kind: "keyValues", caption: "Domains and split (per seed)",
          entries: [
            ["source", `${r.source.name}: ${r.source.rows} rows × ${r.source.features} features (labelled)`],
            ["target", `${r.target.name}: ${r.target.rows} rows × ${r.target.features} features`],
            ["target labelled (per seed)", r.split.labelled], ["target unlabelled (per seed)", r.split.unlabelled], ["target test (per seed)", r.split.test],
          ],
        }],
      },
      {
        id: "settings", heading: "Settings",
        blocks: [{
          kind: "keyValues",
          entries: [
            ["protocol", r.protocol], ["estimator", r.estimator], ["scaling", r.scale.rule], ["target labels per class", r.targetLabelsPerClass],
            ["seeds", r.seeds.join(", ")], ["equivalence margin (points)", r.margin], ["significance level α", r.alpha], ["results schema", r.schema],
          ],
        }],
      },
      { id: "notes", heading: "Notes", blocks: notes.length ? [{ kind: "list", items: notes }] : [{ kind: "text", text: "No method reported anything unusual." }] },
    ],
    footer: "Target-test labels were used only for scoring. Written by transferlab evaluate --out; results.json holds every number on this page.",
  };
}
