// `transferlab assess --source S --target T`: will transfer help? Thin: load, call metrics/assess, print or write.
import type { Command } from "commander";
import { join } from "node:path";
import { TransferLabError, invalidParam } from "../../core/errors.js";
import { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import type { Domain } from "../../core/domain.js";
import { isDataFileName, loadSourceTarget, loadDomain, checkFeatureMatch, resolveDomainPair, applyScaling, type ScalingRule } from "../../data/index.js";
import { writeJsonAtomic } from "../../data/io/atomic.js";
import { parseBytes, parseInteger } from "../args.js";
import { assess, type AssessReport } from "../../metrics/assess.js";
import { formatAssessText, assessSections } from "../../metrics/assess-text.js";
import { pca, tsne } from "../../metrics/tsne.js";
// The report room (vega, resvg) loads only when --out asks for figures: it would add ~0.3 s to every command start.
import type { ReportSection } from "../../report/index.js";

interface AssessCliOptions {
  source: string;
  target: string;
  label?: string;
  json?: boolean;
  out?: string;
  seed: string;
  permutations: string;
  memoryBudget: string;
  approximate?: boolean;
  scaling: string;
  tsne?: boolean;
  targetLabelsPerClass?: string;
}

async function loadPair(o: AssessCliOptions, seed: number): Promise<{ source: Domain; target: Domain; notes: string[] }> {
  const scaling = o.scaling as ScalingRule;
  if (!["auto", "pixel", "standardize", "none"].includes(scaling)) throw invalidParam("scaling", `unknown scaling '${o.scaling}'`, "use auto, standardize, pixel or none");
  const sFile = isDataFileName(o.source), tFile = isDataFileName(o.target);
  if (sFile && tFile) {
    // As in evaluate and datasets, the loader reads a digit string as a header name first, then as an index.
    const label = o.label;
    let st: { source: Domain; target: Domain };
    try {
      // A target row with an empty label cell is unlabelled (label −1): a partly labelled target is fine.
      st = await loadSourceTarget({ source: o.source, target: o.target }, { unlabelledRows: true, ...(label !== undefined ? { label } : {}) });
    } catch (e) {
      // An unlabelled target file is fine for assess: load it without the label column.
      if (!(e instanceof TransferLabError && e.where.param === "label" && e.where.file === o.target)) throw e;
      const source = await loadDomain(o.source, { label, name: "source" });
      const target = await loadDomain(o.target, { label: null, name: "target" });
      checkFeatureMatch(source, target);
      st = { source, target };
    }
    const rule = scaling === "auto" ? "standardize" : scaling;
    const r = applyScaling(st.source, st.target, rule, 1);
    return { source: r.source, target: r.target, notes: [`scaling: ${rule}${rule === "standardize" ? " (source statistics)" : ""}`] };
  }
  if (sFile !== tFile) {
    throw new TransferLabError("INVALID_PARAMETER", `--source and --target must both be files or both dataset names, got '${o.source}' and '${o.target}'`, { param: "source" });
  }
  const pair = await resolveDomainPair(`${o.source}→${o.target}`, { scaling, seed });
  return { source: pair.source, target: pair.target, notes: pair.notes };
}

/** Domains in 2-D (PCA, and t-SNE unless disabled) and the per-feature shift bars, into DIR; returns HTML blocks. */
async function writeFigures(dir: string, source: Domain, target: Domain, r: AssessReport, seed: number, withTsne: boolean): Promise<ReportSection> {
  const { embeddingScatter, featureShiftBars, writeFigure } = await import("../../report/index.js");
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

export function register(program: Command): void {
  program
    .command("assess")
    .description("will transfer help? divergences (MMD, proxy A-distance, CORAL, Wasserstein), label shift, transferability scores, the Ben-David bound and a negative-transfer risk verdict")
    .requiredOption("--source <S>", "source: a file (.csv .npy .npz .parquet .jsonl) or a dataset name (e.g. mnist)")
    .requiredOption("--target <T>", "target: a file or a dataset name (e.g. optdigits)")
    .option("--label <col>", "label column (name or 0-based index); default: a column named label|y|target|class")
    .option("--json", "print every number as JSON instead of the text report")
    .option("--out <dir>", "write assess.json, figures (PCA, t-SNE, per-feature shift) and assess.html into DIR")
    .option("--seed <n>", "random seed", "0")
    .option("--permutations <n>", "permutations of the MMD test", "500")
    .option("--memory-budget <size>", "memory for exact kernel statistics (e.g. 2GB); above it scalable estimators are used", "2GB")
    .option("--approximate", "use the linear-time and random-feature estimators even when exact ones fit")
    .option("--scaling <rule>", "auto | standardize | pixel | none (fitted on the source only)", "auto")
    .option("--no-tsne", "skip the t-SNE figure in --out")
    .option("--target-labels-per-class <K>", "use only K labelled target rows per class (stratified) to measure the source model's target error; other labels only check it")
    .action(async (o: AssessCliOptions) => {
      const seed = parseInteger(o.seed, "seed");
      const permutations = parseInteger(o.permutations, "permutations", 1);
      const { source, target, notes } = await loadPair(o, seed);
      const K = o.targetLabelsPerClass !== undefined ? parseInteger(o.targetLabelsPerClass, "target-labels-per-class", 1) : undefined;
      if (K !== undefined && !target.y) throw invalidParam("target-labels-per-class", "the target has no labels to draw from", "give a labelled (or partly labelled) target");
      const showProgress = !o.json && process.stderr.isTTY;
      const report = await assess(source, target, {
        seed, permutations, memoryBudget: parseBytes(o.memoryBudget), forceApproximate: o.approximate === true,
        ...(K !== undefined ? { targetLabelsPerClass: K } : {}),
        progress: showProgress ? (f, msg) => process.stderr.write(`\r\x1b[K[${Math.round(100 * f).toString().padStart(3)} %] ${msg}`) : undefined,
      });
      if (showProgress) process.stderr.write("\r\x1b[K");
      report.notes.unshift(...notes.map((s) => `data: ${s}`));
      if (o.out) {
        writeJsonAtomic(join(o.out, "assess.json"), report);
        const figs = await writeFigures(o.out, source, target, report, seed, o.tsne !== false);
        const { writeReportHtml } = await import("../../report/index.js");
        writeReportHtml(join(o.out, "assess.html"), {
          title: `Will transfer help? ${source.name} → ${target.name}`,
          subtitle: "transferlab assess — before training anything",
          verdict: { tone: report.verdict.level === "low" ? "positive" : report.verdict.level === "high" ? "negative" : "warning", headline: `Risk of negative transfer: ${report.verdict.level}`, text: report.verdict.reasons[0] ?? "" },
          sections: [...(assessSections(report) as ReportSection[]), figs],
          footer: `transferlab assess · seed ${seed}`,
        });
      }
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatAssessText(report));
      if (o.out && !o.json) process.stdout.write(`wrote ${join(o.out, "assess.json")}, ${join(o.out, "assess.html")} and figures\n`);
    });
}
