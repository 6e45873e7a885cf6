// Writes what `transferlab demo` produces: the five figures (SVG + PNG), report.html and results.json, built
// from the experiment's results (src/experiment/demo.ts).
import { join } from "node:path";
import { TransferLabError } from "../core/errors.js";
import { writeJsonAtomic } from "../core/atomic.js";
import { demoResultsSchema, type DemoResults, type DemoRun } from "../experiment/index.js";
// The figure and t-SNE modules are loaded only when figures are made, so a --no-plots run does not pay for them.
import type { RenderedFigure } from "./render.js";
import type { ReportPage, Tone } from "./html.js";

export const DEMO_FIGURES = ["domain_comparison", "performance_comparison", "feature_space_tsne", "confusion_matrices", "label_efficiency"] as const;

export interface DemoFigure {
  figure: RenderedFigure;
  caption: string;
}

export interface WriteDemoOptions {
  plots: boolean;
  /** Called before each stage (for progress output). */
  onStage?: (message: string) => void;
}


/** Builds and writes the five figures; returns them with captions (for the HTML report). */
export async function writeDemoFigures(run: DemoRun, outDir: string, onStage?: (m: string) => void): Promise<DemoFigure[]> {
  const r = run.results;
  const fd = run.figureData;
  if (!fd) throw new Error("demo figures need figure data (runDemo with collectFigureData)");
  const name = (id: string) => r.methods.find((m) => m.id === id)!.name;
  const nSeeds = r.seeds.length;
  const seedText = nSeeds > 1 ? `${nSeeds} seeds` : `seed ${r.seeds[0]}`;
  const out: DemoFigure[] = [];
  const [{ domainComparison, performanceComparison, featureSpaceTsne, confusionMatrices, labelEfficiency, scatterPoints }, { writeFigure }, { tsne, trustworthiness }] =
    await Promise.all([import("./figures.js"), import("./render.js"), import("../metrics/index.js")]);

  onStage?.("figure: domain comparison");
  out.push({
    figure: await writeFigure(outDir, "domain_comparison", domainComparison({
      source: scatterPoints(fd.source.X, fd.source.y), target: scatterPoints(fd.targetTest.X, fd.targetTest.y),
      sourceTitle: "Source domain", targetTitle: "Target domain (test set)",
      title: "Source and target domains",
      subtitle: `Seed ${fd.seed}. Target classes are closer, wider (σ ${r.settings.targetSigma} vs ${r.settings.sourceSigma}) and rotated ${r.settings.rotationDeg}°.`,
    })),
    caption: `The data of seed ${fd.seed}: ${r.settings.sourceN} labelled source points and the ${r.settings.targetTestN} target test points, coloured by class.`,
  });

  onStage?.("figure: performance comparison");
  out.push({
    figure: await writeFigure(outDir, "performance_comparison", performanceComparison({
      bars: r.methods.map((m) => ({
        method: m.name, role: m.role, mean: r.summary[m.id].mean, lo: r.summary[m.id].ci95[0], hi: r.summary[m.id].ci95[1],
        seeds: nSeeds > 1 ? r.perSeed.map((s) => s.accuracy[m.id]) : undefined,
      })),
      errorLabel: nSeeds > 1 ? "95 % CI over seeds" : "one seed: no interval",
      title: "Target test accuracy",
      subtitle: nSeeds > 1 ? `Mean over ${nSeeds} seeds, 95 % confidence intervals; ticks are single seeds.` : `One run (seed ${r.seeds[0]}); run --seeds 20 for intervals.`,
    })),
    caption: `Accuracy on the ${r.settings.targetTestN} target test points (${seedText})${nSeeds > 1 ? "; bars: mean, whiskers: 95 % CI, ticks: single seeds" : ""}.`,
  });

  onStage?.("t-SNE of the learned features");
  const t0 = performance.now();
  const map = tsne(fd.features, { seed: fd.seed });
  const trust = trustworthiness(fd.features, map.Y, 5);
  run.results.featureMap = { seed: fd.seed, points: fd.features.rows, trustworthiness: trust, kl: map.kl, seconds: (performance.now() - t0) / 1000 };
  const points = Array.from({ length: map.Y.rows }, (_, i) => ({ x: map.Y.get(i, 0), y: map.Y.get(i, 1), domain: fd.featureDomain[i]!, cls: `Class ${fd.featureClass[i]}` }));
  onStage?.("figure: feature space");
  out.push({
    figure: await writeFigure(outDir, "feature_space_tsne", featureSpaceTsne({
      points, title: "Learned feature space (t-SNE)",
      subtitle: `MMD network features after fine-tuning, seed ${fd.seed}: source vs target test points. Trustworthiness ${trust.toFixed(3)}.`,
    })),
    caption: `t-SNE map of the 16-dimensional features the MMD network learned (seed ${fd.seed}); if alignment worked, target points of each class sit with the source points of that class.`,
  });

  onStage?.("figure: confusion matrices");
  const total = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
  out.push({
    figure: await writeFigure(outDir, "confusion_matrices", confusionMatrices({
      panels: r.methods.map((m) => ({ method: m.name, matrix: fd.confusion[m.id], accuracy: fd.confusion[m.id].reduce((a, row, i) => a + row[i]!, 0) / total(fd.confusion[m.id]) })),
      classNames: ["0", "1"],
      subtitle: `Rows: true class; columns: predicted class; counts summed over ${seedText}.`,
    })),
    caption: `Confusion matrices on the target test set, counts summed over ${seedText}.`,
  });

  onStage?.("figure: label efficiency");
  const le = r.labelEfficiency;
  out.push({
    figure: await writeFigure(outDir, "label_efficiency", labelEfficiency({
      points: le.curves.map((c) => ({ method: name(c.method), role: r.methods.find((m) => m.id === c.method)!.role, n: c.n, mean: c.summary.mean, lo: c.summary.ci95[0], hi: c.summary.ci95[1] })),
      reference: { label: `From scratch with ${r.settings.targetLabelledN} labels`, value: le.scratchAtMax },
      title: "Label efficiency",
      subtitle: `Accuracy against the number of labelled target points (stratified), mean over ${seedText}${nSeeds > 1 ? ", bands 95 % CI" : ""}.`,
    })),
    caption: le.line,
  });
  return out;
}

const f2 = (v: number) => v.toFixed(2);

/** The plain-language verdict paragraph of report.html. */
export function demoVerdictText(r: DemoResults): { tone: Tone; headline: string; text: string } {
  const cmp = r.comparisons.find((c) => c.method === "mmd")!;
  const n = r.seeds.length;
  const s = r.summary;
  const shift = `a target rotated ${r.settings.rotationDeg}° with ${r.settings.targetLabelledN} labelled target points`;
  const outcome =
    n < 2 ? "With a single seed no test is possible; run with --seeds 20 before drawing a conclusion."
    : r.verdict.label === "positive transfer" ? `Over ${n} seeds the gain is statistically significant (paired t-test p = ${cmp.pValue?.toPrecision(2)}): transfer helped.`
    : r.verdict.label === "negative transfer" ? `Over ${n} seeds the loss is statistically significant (paired t-test p = ${cmp.pValue?.toPrecision(2)}): this is negative transfer — the target-only model is better.`
    : `Over ${n} seeds the difference is not statistically significant (paired t-test p = ${cmp.pValue?.toPrecision(2)}): at this many labels, transfer gives no measurable gain.`;
  return {
    tone: n < 2 ? "warning" : r.verdict.label === "positive transfer" ? "positive" : r.verdict.label === "negative transfer" ? "negative" : "neutral",
    headline: r.verdict.label === "no significant transfer" ? "No significant transfer" : r.verdict.label === "positive transfer" ? "Positive transfer" : "Negative transfer",
    text:
      `On ${shift}, MMD transfer reached ${f2(s.mmd.mean)} % accuracy and an SVM trained from scratch on the target labels ${f2(s.scratch.mean)} % ` +
      `(difference ${cmp.meanDiff >= 0 ? "+" : "−"}${f2(Math.abs(cmp.meanDiff))} points; ${cmp.wins} wins, ${cmp.ties} ties, ${cmp.losses} losses). ${outcome} ` +
      `Direct transfer — the source SVM used unchanged — reached ${f2(s.direct.mean)} %, which is what the shift costs without adaptation. ` +
      `Fewer labels can change the picture: ${r.labelEfficiency.line}`,
  };
}

/** The sections of report.html. */
export function demoReportPage(r: DemoResults, figures: DemoFigure[]): ReportPage {
  const fig = (name: string) => {
    const f = figures.find((x) => x.figure.name === name)!;
    return { kind: "figure" as const, figure: f.figure, caption: f.caption, alt: f.caption };
  };
  const n = r.seeds.length;
  const st = r.settings;
  return {
    title: "transferlab demo: rotated Gaussians, three ways to use a source domain",
    subtitle: `${st.protocolText}. Seeds: ${n > 1 ? `${r.seeds[0]}–${r.seeds[n - 1]} (${n})` : r.seeds[0]}.`,
    verdict: demoVerdictText(r),
    sections: [
      {
        id: "results", heading: "Results on the target test set",
        blocks: [
          {
            kind: "table", caption: `Accuracy (%) on ${st.targetTestN} target test points${n > 1 ? `, over ${n} seeds` : ""}`,
            columns: ["Method", "Mean", "SD", "95 % CI", "vs from scratch: wins / ties / losses", "p (paired t-test)"],
            rows: r.methods.map((m) => {
              const c = r.comparisons.find((x) => x.method === m.id);
              const sm = r.summary[m.id];
              return [m.name, f2(sm.mean), n > 1 ? f2(sm.sd) : null, n > 1 ? `${f2(sm.ci95[0])} – ${f2(sm.ci95[1])}` : null,
                c ? `${c.wins} / ${c.ties} / ${c.losses}` : "baseline", c && c.pValue !== null ? c.pValue.toPrecision(2) : null];
            }),
            align: ["left", "right", "right", "right", "right", "right"],
            note: r.verdict.line,
          },
          fig("performance_comparison"),
          fig("confusion_matrices"),
        ],
      },
      { id: "data", heading: "The two domains", blocks: [{ kind: "text", text: "The source has two well separated Gaussian classes; the target's classes are closer together, wider and rotated, so a boundary learned on the source cuts through part of the target." }, fig("domain_comparison")] },
      { id: "features", heading: "What the MMD network learned", blocks: [{ kind: "text", text: "The network maps both domains into 16 features; the MMD term pulls the feature distributions of source and target together while cross-entropy keeps the classes apart." }, fig("feature_space_tsne")] },
      {
        id: "label-efficiency", heading: "Label efficiency",
        blocks: [
          { kind: "text", text: r.labelEfficiency.line },
          fig("label_efficiency"),
          {
            kind: "table", caption: "Mean accuracy (%) by number of labelled target points",
            columns: ["Method", ...r.labelEfficiency.grid.map(String)],
            rows: r.methods.map((m) => [m.name, ...r.labelEfficiency.curves.filter((c) => c.method === m.id).map((c) => f2(c.summary.mean))]),
            align: ["left", ...r.labelEfficiency.grid.map(() => "right" as const)],
          },
        ],
      },
      {
        id: "methods", heading: "Methods and protocol",
        blocks: [
          { kind: "list", items: r.methods.map((m) => `${m.name} (${m.role}): ${m.description}.`) },
          { kind: "text", text: `Protocol: ${st.protocolText}. Target-test labels are used only for scoring.` },
          {
            kind: "keyValues", caption: "Settings",
            entries: [
              ["Source", `${st.sourceN} points, classes at ${JSON.stringify(st.sourceMeans)}, σ ${st.sourceSigma}`],
              ["Target", `classes at ${JSON.stringify(st.targetMeans)}, σ ${st.targetSigma}, rotated ${st.rotationDeg}°`],
              ["Target labelled / test / separate unlabelled", `${st.targetLabelledN} / ${st.targetTestN} / ${st.targetUnlabelledN}`],
              ["Data generator", st.dataGenerator === "numpy-legacy" ? "numpy legacy MT19937 (same data as the Python tutorial)" : "transferlab Rng"],
              ["SVM", `RBF, C ${st.svm.C}, gamma 1/n_features = ${st.svm.gammaValue}`],
              ["MMD network", `MLP 2→${st.mmd.hidden.join("→")} (ReLU) + linear head; Adam lr ${st.mmd.lr}; batch ${st.mmd.batchSize}; ${st.mmd.epochs} epochs; λ ${st.mmd.lambda}; RBF γ ${st.mmd.mmdGamma}, biased MMD²; ${st.mmd.fineTuneSteps} fine-tuning steps`],
              ["Label grid", st.labelGrid.join(", ")],
            ],
          },
        ],
      },
    ],
    footer: `transferlab ${r.transferlab} · ${r.createdAt} · results.json schema ${r.schema} v${r.version}`,
  };
}

/** Writes figures (unless plots is false), report.html and results.json (validated, atomically, last). */
export async function writeDemoOutputs(run: DemoRun, outDir: string, opts: WriteDemoOptions): Promise<string[]> {
  const files: string[] = [];
  if (opts.plots) {
    const t0 = performance.now();
    const figures = await writeDemoFigures(run, outDir, opts.onStage);
    for (const f of figures) files.push(`${f.figure.name}.svg`, `${f.figure.name}.png`);
    opts.onStage?.("report.html");
    const { writeReportHtml } = await import("./html.js");
    writeReportHtml(join(outDir, "report.html"), demoReportPage(run.results, figures));
    files.push("report.html");
    run.results.timings.figuresSeconds = (performance.now() - t0) / 1000;
  }
  files.push("results.json");
  run.results.files = files;
  const parsed = demoResultsSchema.safeParse(run.results);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TransferLabError("INTERNAL", `results.json would not match its schema at ${issue.path.join(".")}: ${issue.message}`);
  }
  const checked = parsed.data;
  writeJsonAtomic(join(outDir, "results.json"), checked);
  return files;
}

/** What --json prints: the numbers a script needs, without per-seed detail. */
export function demoJsonSummary(r: DemoResults, outDir: string) {
  return {
    schema: r.schema, version: r.version, protocol: r.settings.protocol, dataGenerator: r.settings.dataGenerator, seeds: r.seeds,
    accuracy: Object.fromEntries(r.methods.map((m) => [m.id, { name: m.name, ...r.summary[m.id] }])),
    comparisons: r.comparisons, verdict: r.verdict,
    labelEfficiency: {
      grid: r.labelEfficiency.grid, scratchAtMax: r.labelEfficiency.scratchAtMax, mmdLabelsToMatch: r.labelEfficiency.mmdLabelsToMatch, scratchLabelsToMatchMmdAtMin: r.labelEfficiency.scratchLabelsToMatchMmdAtMin, line: r.labelEfficiency.line,
      means: Object.fromEntries(r.methods.map((m) => [m.id, r.labelEfficiency.curves.filter((c) => c.method === m.id).map((c) => c.summary.mean)])),
    },
    featureMap: r.featureMap, timings: r.timings, out: outDir, files: r.files,
  };
}
