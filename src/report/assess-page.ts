// The pages of `transferlab assess --out DIR`: assess.json, the figures (domains in 2-D by PCA and t-SNE, the
// per-feature shift bars) and assess.html, all built from an AssessReport and the two domains it measured.
import { join } from "node:path";
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import type { Domain } from "../core/domain.js";
import { writeJsonAtomic } from "../core/atomic.js";
import type { AssessReport } from "../experiment/index.js";
import { pca, tsne } from "../metrics/index.js";
import { assessSections } from "./assess-text.js";
import type { ReportSection } from "./html.js";

/** Domains in 2-D (PCA, and t-SNE unless disabled) and the per-feature shift bars, into DIR; returns HTML blocks. */
export async function writeAssessFigures(dir: string, source: Domain, target: Domain, r: AssessReport, seed: number, withTsne: boolean): Promise<ReportSection> {
  const [{ embeddingScatter, featureShiftBars }, { writeFigure }] = await Promise.all([import("./figures.js"), import("./render.js")]);
  const rng = new Rng(seed).fork("figures");
  const take = (d: Domain, max: number) => {
    const idx = d.X.rows <= max ? Int32Array.from({ length: d.X.rows }, (_, i) => i) : rng.permutation(d.X.rows).slice(0, max).sort();
    return { X: d.X.takeRows(idx), y: d.y ? Int32Array.from(idx, (i) => d.y![i]!) : undefined };
  };
  const a = take(source, 1000), b = take(target, 1000);
  const pooled = Matrix.vstack([a.X, b.X]);
  const cls = (d: Domain, y: Int32Array | undefined, i: number) => (y ? d.classNames?.[y[i]!] ?? String(y[i]) : undefined);
  const points = (E: Matrix) => Array.from({ length: E.rows }, (_, i) => {
    const inS = i < a.X.rows;
    const j = inS ? i : i - a.X.rows;
    return { x: E.get(i, 0), y: E.get(i, 1), group: inS ? `source: ${source.name}` : `target: ${target.name}`, cls: inS ? cls(source, a.y, j) : cls(target, b.y, j) };
  });
  const blocks: ReportSection["blocks"] = [];
  const p = pca(pooled, 2);
  const figPca = await writeFigure(dir, "assess-domains-pca", embeddingScatter({ points: points(p.Y), title: "Source and target in 2-D (PCA of the pooled sample)", subtitle: `up to 1,000 random rows per domain; proxy A-distance ${r.proxyADistance.rbf.value.toFixed(2)} of 2` }));
  blocks.push({ kind: "figure", figure: figPca, caption: "Principal components of the pooled sample: overlap suggests shared structure; separate clouds mean a domain classifier can tell them apart." });
  if (withTsne && pooled.rows >= 10) {
    const t = tsne(pooled, { seed, perplexity: Math.min(30, Math.floor((pooled.rows - 1) / 3)) });
    const figT = await writeFigure(dir, "assess-domains-tsne", embeddingScatter({ points: points(t.Y), title: "Source and target in 2-D (t-SNE)", subtitle: `perplexity ${Math.min(30, Math.floor((pooled.rows - 1) / 3))}; distances between clusters are not meaningful`, hideTickLabels: true }));
    blocks.push({ kind: "figure", figure: figT, caption: "t-SNE keeps neighbourhoods: target points inside source clusters share local structure with the source." });
  }
  const bars = r.featureShift.map((s) => ({ feature: s.name, value: s.ks, significant: s.ksPValue < 0.05 / Math.max(1, r.featureShift.length) }));
  const figBars = await writeFigure(dir, "assess-feature-shift", featureShiftBars({ features: bars, measure: "Kolmogorov–Smirnov statistic", top: 20, title: "Which features shift most", subtitle: "highlighted: significant after Bonferroni correction at 0.05" }));
  blocks.push({ kind: "figure", figure: figBars, caption: "Per-feature two-sample KS statistic (largest first)." });
  return { id: "assess-figures", heading: "Figures", blocks };
}

/** Writes DIR/assess.json, the figures and DIR/assess.html. */
export async function writeAssessOutputs(dir: string, source: Domain, target: Domain, report: AssessReport, opts: { seed: number; tsne: boolean }): Promise<void> {
  writeJsonAtomic(join(dir, "assess.json"), report);
  const figs = await writeAssessFigures(dir, source, target, report, opts.seed, opts.tsne);
  const { writeReportHtml } = await import("./html.js");
  writeReportHtml(join(dir, "assess.html"), {
    title: `Will transfer help? ${source.name} → ${target.name}`,
    subtitle: "transferlab assess — before training anything",
    verdict: { tone: report.verdict.level === "low" ? "positive" : report.verdict.level === "high" ? "negative" : "warning", headline: `Risk of negative transfer: ${report.verdict.level}`, text: report.verdict.reasons[0] ?? "" },
    sections: [...(assessSections(report) as ReportSection[]), figs],
    footer: `transferlab assess · seed ${opts.seed}`,
  });
}
