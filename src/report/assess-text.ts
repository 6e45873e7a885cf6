// Plain-text and HTML-section renderings of an assess report: every number with what it means.
import type { AssessReport } from "../experiment/index.js";

const f = (x: number | null | undefined, digits = 4): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(2);
  return x.toFixed(digits);
};
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const range = (ci: [number, number], digits = 3) => `[${f(ci[0], digits)}, ${f(ci[1], digits)}]`;
const pv = (p: number) => (p === 0 ? "< 1e-300" : p < 0.001 ? p.toExponential(1) : p.toFixed(3));

const bytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GB` : `${(b / 2 ** 20).toFixed(1)} MB`);

function domainLine(d: AssessReport["source"]): string {
  const cls = d.labelled ? `${d.classes} classes, labelled` : "unlabelled";
  return `'${d.name}' (${d.rows} rows × ${d.features} features, ${cls})`;
}

/** Lines explaining each divergence, shared by the text and HTML renderings. */
export function divergenceRows(r: AssessReport): Array<[string, string, string]> {
  const m = r.mmd;
  const rows: Array<[string, string, string]> = [];
  const med = m.median, mix = m.mixture;
  rows.push([
    `MMD² (RBF, median-heuristic σ = ${f(m.bandwidth, 3)})`,
    `${med ? `biased ${f(med.biased)}, unbiased ${f(med.unbiased)}, ` : ""}linear-time ${f(m.linear.median.estimate)} ± ${f(m.linear.median.se)}, random-feature (${m.rff.features}) ${f(m.rff.median.unbiased)} ± ${f(m.rff.median.se)}`,
    "0 when the distributions are equal; larger = more different (kernel units, compare across domain pairs with the same features); ± is a standard error (linear-time: over row pairs; random-feature: over the random features)",
  ]);
  rows.push([
    "MMD² (mixture of σ × ¼, ½, 1, 2, 4)",
    `${mix ? `biased ${f(mix.biased)}, unbiased ${f(mix.unbiased)}, ` : ""}linear-time ${f(m.linear.mixture.estimate)} ± ${f(m.linear.mixture.se)}, random-feature ${f(m.rff.mixture.unbiased)} ± ${f(m.rff.mixture.se)}`,
    "robust to a poor bandwidth choice",
  ]);
  const t = m.test;
  rows.push([
    t.kind === "permutation" ? `Permutation test (mixture kernel, ${t.permutations} permutations)` : "Linear-time z-test (mixture kernel)",
    `p = ${pv(t.pValue)}${t.kind === "permutation" ? ` (smallest possible 1/${(t.permutations ?? 0) + 1}; null mean ${f(t.nullMean)} ± ${f(t.nullSd)})` : ""}`,
    "small p: the two samples do not come from one distribution",
  ]);
  for (const [name, pad] of [["kernel", r.proxyADistance.rbf], ["linear", r.proxyADistance.linear]] as const) {
    rows.push([
      `Proxy A-distance (${name} domain classifier)`,
      `${f(pad.value, 3)} ${range(pad.ci)}; held-out error ε = ${f(pad.epsilon, 3)} ${range(pad.epsilonCi)}`,
      "2(1 − 2ε): 0 = domains indistinguishable, 2 = perfectly separable; below 0 means worse than chance (read as 0)",
    ]);
  }
  rows.push(["CORAL distance ‖C_S − C_T‖²_F / 4d²", `${f(r.coral.value)} (same-domain reference ${f(r.coral.sameDomainReference)})`, "difference of feature covariances; compare with the reference, the value two halves of the source give"]);
  rows.push([`Sliced Wasserstein-2 (${r.slicedWasserstein.projections} directions)`, `${f(r.slicedWasserstein.value)} ± ${f(r.slicedWasserstein.se)} (same-domain reference ${f(r.slicedWasserstein.sameDomainReference)})`, "average transport cost along random 1-D projections, in feature units"]);
  return rows;
}

export function formatAssessText(r: AssessReport, topFeatures = 10): string {
  const out: string[] = [];
  out.push(`transferlab assess: source ${domainLine(r.source)} → target ${domainLine(r.target)}`);
  for (const [role, d] of [["source", r.source], ["target", r.target]] as const) {
    if (d.classCounts) out.push(`  ${role} rows per class: ${d.classCounts.map((c, j) => `${d.classNames[j] ?? j}:${c}`).join(" ")}`);
  }
  out.push("");
  out.push(`(1) SOURCE MODEL'S TARGET ERROR: ${r.verdict.sourceModel.estimate === null ? "CANNOT BE PREDICTED" : pct(r.verdict.sourceModel.estimate.value)}`);
  out.push(`  • ${r.verdict.sourceModel.text}`);
  out.push(`(2) WILL ADAPTATION BEAT THE BETTER BASELINE? ${r.verdict.adaptation.answer.toUpperCase()}`);
  for (const s of r.verdict.adaptation.reasons) out.push(`  • ${s}`);
  out.push(`RISK OF NEGATIVE TRANSFER (source model as-is): ${r.verdict.level.toUpperCase()}`);
  for (const s of r.verdict.reasons) out.push(`  • ${s}`);
  for (const s of r.verdict.caveats) out.push(`  ! ${s}`);
  out.push("");
  out.push(r.scale.mode === "exact"
    ? `Divergences (exact kernel statistics: pooled kernel matrix and buffers ${bytes(r.scale.exactBytes)} of the ${bytes(r.scale.memoryBudget)} budget)`
    : "Divergences (APPROXIMATE: linear-time and random-feature estimators)");
  for (const s of r.scale.notes) out.push(`  note: ${s}`);
  for (const [name, value, meaning] of divergenceRows(r)) {
    out.push(`  ${name}`);
    out.push(`      ${value}`);
    out.push(`      (${meaning})`);
  }
  for (const s of r.mmd.notes) out.push(`  note: ${s}`);
  out.push("");
  out.push(`Per-feature shift (top ${Math.min(topFeatures, r.featureShift.length)} of ${r.featureShift.length}, ranked by Kolmogorov–Smirnov statistic)`);
  out.push(`  ${"feature".padEnd(16)} ${"KS".padStart(7)} ${"p".padStart(9)} ${"W1".padStart(9)} ${"W1/sd".padStart(7)}   mean source → target`);
  for (const s of r.featureShift.slice(0, topFeatures)) {
    out.push(`  ${s.name.slice(0, 16).padEnd(16)} ${f(s.ks, 3).padStart(7)} ${pv(s.ksPValue).padStart(9)} ${f(s.w1, 3).padStart(9)} ${f(s.w1Standardized, 2).padStart(7)}   ${f(s.sourceMean, 3)} → ${f(s.targetMean, 3)}`);
  }
  out.push("");
  out.push("Label shift");
  if (!r.labelShift) out.push("  not estimated: the source has no labels");
  else {
    const ls = r.labelShift;
    out.push(`  source priors          ${ls.sourcePriors.map((p) => p.toFixed(3)).join(" ")}`);
    out.push(`  target priors (BBSE)   ${ls.targetPriors.map((p) => p.toFixed(3)).join(" ")}   (black-box shift estimation from a source classifier's confusion matrix, no target labels used)`);
    if (ls.truePriors) out.push(`  target priors (truth)  ${ls.truePriors.map((p) => p.toFixed(3)).join(" ")}   (max |error| of the estimate ${f(ls.maxAbsError, 3)})`);
    out.push(`  total variation between source and estimated target priors: ${f(ls.shift, 3)}`);
    out.push(`  ${ls.validity.reliable ? "reliable" : "NOT RELIABLE"}: ${ls.validity.reason}`);
    for (const s of ls.notes) out.push(`  note: ${s}`);
  }
  out.push("");
  const tr = r.transfer;
  out.push("Transfer as-is (linear classifier)");
  out.push(`  source error (held-out half)           ${tr.sourceError ? `${pct(tr.sourceError.value)} ${range(tr.sourceError.ci)}` : "— (source unlabelled)"}`);
  if (tr.targetErrorOfSourceModel) out.push(`  source model on labelled target rows   ${pct(tr.targetErrorOfSourceModel.value)} ${range(tr.targetErrorOfSourceModel.ci)}`);
  if (tr.targetOnlyError) out.push(`  target-only model (cross-validated)    ${pct(tr.targetOnlyError.value)} ${range(tr.targetOnlyError.ci)}`);
  const sm = tr.sourceModelTargetError;
  if (sm?.labelled) out.push(`  from ${sm.labelled.rows} labelled target rows      ${pct(sm.labelled.value)} [${pct(sm.labelled.ci[0])}, ${pct(sm.labelled.ci[1])}]   (${sm.labelled.interval})`);
  if (tr.truthForChecking !== null) out.push(`  all target labels (checking only)      ${pct(tr.truthForChecking)}`);
  if (sm) {
    for (const p of sm.labelFree) {
      out.push(`  label-free, ${p.method.padEnd(4)}                      ${p.reliable ? pct(p.value!) : "— not shown"}   (${p.reason})`);
    }
  }
  out.push(`  chance error                           ${pct(tr.chanceError)}`);
  out.push("");
  out.push("Transferability of the target features to the target labels");
  if (!r.transferability) out.push("  not computed: needs labelled target rows (and a labelled source for LEEP)");
  else {
    const t = r.transferability;
    out.push(`  LogME   ${f(t.logME)}   (evidence per sample of a Bayesian linear model from features to labels; higher = labels easier to predict)`);
    out.push(`  LEEP    ${f(t.leep)}   (log-likelihood of target labels through the source model's predictions; ≤ 0, closer to 0 = source classes inform target classes)`);
    out.push(`  H-score ${f(t.hScore)}   (class-separating share of the feature variance, 0 … min(d, k − 1); higher = better)`);
    out.push(`  computed on ${t.rows} labelled target rows; these rank representations or sources for the same target, they are not accuracies`);
  }
  out.push("");
  const b = r.bound;
  out.push("Ben-David bound — AN ESTIMATE, not a guarantee");
  out.push(`  ε_S(h)        ${f(b.sourceError, 3)}`);
  out.push(`  ½·d̂_HΔH      ${f(b.halfDivergence, 3)}   (from the ${b.divergenceFrom})`);
  out.push(`  λ̂             ${b.lambda === null ? "unknown (needs target labels)" : f(b.lambda, 3)}`);
  out.push(`  sum           ${b.total !== null ? f(b.total, 3) : b.sourceError !== null ? `≥ ${f(b.sourceError + b.halfDivergence, 3)} (λ unknown)` : "— (needs source labels)"}`);
  for (const s of b.meaning) out.push(`  - ${s}`);
  if (r.notes.length) {
    out.push("");
    out.push("Notes");
    for (const s of r.notes) out.push(`  - ${s}`);
  }
  out.push("");
  out.push(`seed ${r.seed}; all numbers in --json`);
  return out.join("\n") + "\n";
}

/** Sections for the HTML report (plain data matching src/report's ReportSection shape; text is escaped there). */
export function assessSections(r: AssessReport, topFeatures = 15): Array<{ id: string; heading: string; blocks: any[] }> {
  const tr = r.transfer;
  return [
    {
      id: "assess-verdict", heading: `Risk of negative transfer: ${r.verdict.level}`,
      blocks: [{ kind: "list", items: r.verdict.reasons }, ...(r.verdict.caveats.length ? [{ kind: "list", items: r.verdict.caveats }] : [])],
    },
    {
      id: "assess-divergences", heading: "Divergences",
      blocks: [
        { kind: "text", text: r.scale.mode === "exact" ? "Exact kernel statistics (one pooled kernel matrix, permutation test)." : `Approximate estimators: ${r.scale.notes.join(" ")}` },
        { kind: "table", columns: ["measure", "value", "meaning"], rows: divergenceRows(r), align: ["left", "left", "left"] },
        ...r.mmd.notes.map((t) => ({ kind: "text", text: t })),
      ],
    },
    {
      id: "assess-features", heading: "Per-feature shift",
      blocks: [{
        kind: "table", caption: `Top ${Math.min(topFeatures, r.featureShift.length)} of ${r.featureShift.length} features by KS statistic`,
        columns: ["feature", "KS", "p", "W1", "W1/sd", "mean source", "mean target"],
        rows: r.featureShift.slice(0, topFeatures).map((s) => [s.name, f(s.ks, 3), pv(s.ksPValue), f(s.w1, 3), f(s.w1Standardized, 2), f(s.sourceMean, 3), f(s.targetMean, 3)]),
      }],
    },
    {
      id: "assess-labels", heading: "Labels: shift, transfer as-is, transferability",
      blocks: [
        {
          kind: "keyValues", entries: [
            ["source error (held-out)", tr.sourceError ? pct(tr.sourceError.value) : "—"],
            ["source model on labelled target", tr.targetErrorOfSourceModel ? pct(tr.targetErrorOfSourceModel.value) : "—"],
            ["target-only model (cross-validated)", tr.targetOnlyError ? pct(tr.targetOnlyError.value) : "—"],
            ["source model's target error (question 1)", r.verdict.sourceModel.text],
            ["will adaptation beat the better baseline? (question 2)", `${r.verdict.adaptation.answer}: ${r.verdict.adaptation.reasons.join(" ")}`],
            ...(tr.sourceModelTargetError?.labelFree ?? []).map((p): [string, string] => [`label-free ${p.method}`, p.reliable ? pct(p.value!) : `not shown: ${p.reason}`]),
            ["chance error", pct(tr.chanceError)],
            ["label shift (TV, BBSE estimate)", r.labelShift ? f(r.labelShift.shift, 3) : "—"],
            ["LogME", r.transferability ? f(r.transferability.logME) : "—"],
            ["LEEP", r.transferability ? f(r.transferability.leep) : "—"],
            ["H-score", r.transferability ? f(r.transferability.hScore) : "—"],
          ],
        },
      ],
    },
    {
      id: "assess-bound", heading: "Ben-David bound (an estimate)",
      blocks: [
        {
          kind: "keyValues", entries: [
            ["ε_S(h)", f(r.bound.sourceError, 3)], ["½·d̂_HΔH", f(r.bound.halfDivergence, 3)],
            ["λ̂", r.bound.lambda === null ? "unknown" : f(r.bound.lambda, 3)], ["sum (estimate)", r.bound.total === null ? "—" : f(r.bound.total, 3)],
          ],
        },
        { kind: "list", items: r.bound.meaning },
      ],
    },
  ];
}
