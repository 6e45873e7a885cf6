// Writes what `transferlab demo` produces: the five figures (SVG + PNG), report.html and results.json.
// It lives beside the CLI because it joins two rooms: experiment results (src/experiment/demo.ts) and the
// report builders (src/report/), which may not import each other in that direction.
import { join } from "node:path";
import { writeJsonAtomic } from "../data/io/atomic.js";
import { demoResultsSchema, type DemoResults } from "../experiment/demo-schema.js";
import type { DemoRun } from "../experiment/demo.js";
import { domainComparison, performanceComparison, featureSpaceTsne, confusionMatrices, labelEfficiency, scatterPoints } from "../report/figures.js";
import { writeFigure, type RenderedFigure } from "../report/render.js";
import { tsne, trustworthiness } from "../metrics/tsne.js";

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
      subtitle: nSeeds > 1 ? `Mean over ${nSeeds} seeds, 95 % confidence intervals; dots are single seeds.` : `One run (seed ${r.seeds[0]}); run --seeds 20 for intervals.`,
    })),
    caption: `Accuracy on the ${r.settings.targetTestN} target test points (${seedText}). ${r.verdict.line}`,
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

/** Writes figures (unless plots is false), report.html and results.json (validated, atomically, last). */
export async function writeDemoOutputs(run: DemoRun, outDir: string, opts: WriteDemoOptions): Promise<string[]> {
  const files: string[] = [];
  if (opts.plots) {
    const t0 = performance.now();
    const figures = await writeDemoFigures(run, outDir, opts.onStage);
    for (const f of figures) files.push(`${f.figure.name}.svg`, `${f.figure.name}.png`);
    run.results.timings.figuresSeconds = (performance.now() - t0) / 1000;
  }
  files.push("results.json");
  run.results.files = files;
  const checked = demoResultsSchema.parse(run.results);
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
      grid: r.labelEfficiency.grid, scratchAtMax: r.labelEfficiency.scratchAtMax, mmdLabelsToMatch: r.labelEfficiency.mmdLabelsToMatch, line: r.labelEfficiency.line,
      means: Object.fromEntries(r.methods.map((m) => [m.id, r.labelEfficiency.curves.filter((c) => c.method === m.id).map((c) => c.summary.mean)])),
    },
    featureMap: r.featureMap, timings: r.timings, out: outDir, files: r.files,
  };
}
