// Sample inputs for every figure builder, shared by the render, HTML and browser tests.
import { Rng } from "../../src/core/rng.js";
import * as F from "../../src/report/figures.js";
import type { VlSpec } from "../../src/report/theme.js";

export function sampleFigures(): Record<string, { spec: VlSpec; marks: number }> {
  const r = new Rng(11);
  const pts = (c: number, n: number): F.ScatterPoint[] => Array.from({ length: n }, (_, i) => ({ x: c * (i % 2 ? 1 : -1) + 0.5 * r.normal(), y: c * (i % 2 ? 1 : -1) + 0.5 * r.normal(), cls: i % 2 ? "class B" : "class A" }));
  const methods = ["from scratch", "direct transfer", "MMD feature transfer"];
  const roles: F.Role[] = ["baseline", "baseline", "method"];
  const tsnePts = Array.from({ length: 240 }, (_, i) => ({ x: r.normal() + (i % 2) * 6, y: r.normal(), domain: i < 120 ? "source" : "target", cls: String(i % 2) }));
  return {
    domain_comparison: { spec: F.domainComparison({ source: pts(2, 60), target: pts(1, 40) }), marks: 100 },
    performance_comparison: {
      spec: F.performanceComparison({ bars: methods.map((m, j) => ({ method: m, role: roles[j]!, mean: 95 + j, lo: 94 + j, hi: 96 + j, seeds: [94 + j, 95 + j, 96 + j] })) }),
      marks: 3,
    },
    feature_space_tsne: { spec: F.featureSpaceTsne({ points: tsnePts }), marks: 240 },
    confusion_matrices: {
      spec: F.confusionMatrices({ classNames: ["0", "1"], panels: methods.map((m, j) => ({ method: m, matrix: [[98 - j, 2 + j], [3, 97]], accuracy: (195 - j) / 200 })) }),
      marks: 12,
    },
    label_efficiency: {
      spec: F.labelEfficiency({
        reference: { label: "from scratch at 50 labels", value: 99 },
        points: methods.flatMap((m, j) => [2, 4, 8, 16, 32, 50].map((n) => ({ method: m, role: roles[j], n, mean: 100 - 20 / (n + 3 * j), lo: 98 - 20 / (n + 3 * j), hi: Math.min(100, 102 - 20 / (n + 3 * j)) }))),
      }),
      marks: 18,
    },
    domains_pca: { spec: F.embeddingScatter({ title: "Domains in 2-D (PCA)", points: tsnePts.map((p) => ({ x: p.x, y: p.y, group: p.domain })) }), marks: 240 },
    feature_shift: {
      spec: F.featureShiftBars({ measure: "Kolmogorov–Smirnov statistic", features: Array.from({ length: 25 }, (_, i) => ({ feature: `a rather long feature name ${i}`, value: (i * 0.37) % 1, significant: i % 3 === 0 })) }),
      marks: 20,
    },
  };
}

let cached: Promise<import("../../src/report/html.js").ReportPage> | null = null;

/** A report page using every block kind and every sample figure (PNG and SVG embeds); built once. */
export function samplePage(): Promise<import("../../src/report/html.js").ReportPage> {
  cached ??= buildSamplePage();
  return cached;
}

async function buildSamplePage(): Promise<import("../../src/report/html.js").ReportPage> {
  const { renderFigure } = await import("../../src/report/render.js");
  const figs = await Promise.all(Object.entries(sampleFigures()).map(([name, s]) => renderFigure(name, s.spec)));
  return {
    title: "transferlab demo <report> & checks",
    subtitle: "Rotated Gaussians, 3 seeds",
    verdict: { tone: "neutral", headline: "No significant transfer", text: "MMD transfer ties with training from scratch at 50 target labels (p = 0.81)." },
    sections: [
      { heading: "Settings", blocks: [{ kind: "keyValues", caption: "Run settings", entries: [["protocol", "inductive"], ["seeds", 3], ["λ", 0.5], ["note", null]] }] },
      {
        heading: "Results",
        blocks: [
          { kind: "table", caption: "Accuracy on the target test set", columns: ["method", "mean %", "sd", "95 % CI"], rows: [["from scratch", 99.02, 0.6, "98.7–99.3"], ["direct transfer", 95, 2.01, "94.1–95.9"]], note: "Paired t-test against from scratch." },
          { kind: "list", items: ["wins 5", "ties 10", "losses 5"] },
          { kind: "text", text: "A paragraph with <script>alert(1)</script> that must stay text." },
        ],
      },
      {
        heading: "Figures",
        blocks: figs.map((f, i) => ({ kind: "figure" as const, figure: f, caption: `Figure ${i + 1}: ${f.name}`, embed: i % 2 === 0 ? "png" as const : "svg" as const })),
      },
    ],
    footer: "transferlab test page",
  };
}
