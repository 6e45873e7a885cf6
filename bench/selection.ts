// `npm run bench -- selection [--pairs "a;b"] [--k 10,0] [--seeds 0,1,2] [--estimator logreg] [--methods a,b]`: how well selection
// works where test labels exist — per pair and K, per validator the mean Spearman correlation of its scores with
// the candidates' true target accuracy and its regret, and the guarded pick's accuracy beside source-only,
// target-only and the best candidate (src/experiment/select-benchmark.ts). Prints a markdown table.
import { resolveDomainPair } from "../src/data/registry.js";
import { benchmarkSelection } from "../src/experiment/select-benchmark.js";
import { expandCandidates } from "../src/experiment/select.js";
import { scalePair } from "../src/data/prepare.js";
import type { EstimatorName } from "../src/estimators/registry.js";

const DEFAULT_PAIRS = ["mnist→optdigits", "optdigits→mnist", "moons?angle=30", "gaussians?angle=30", "gaussians?angle=60", "gaussians?angle=90"];

export default async function (args: string[]): Promise<void> {
  const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1]! : dflt; };
  const pairs = opt("pairs", DEFAULT_PAIRS.join(";")).split(";");
  const ks = opt("k", "10,0").split(",").map(Number);
  const seeds = opt("seeds", "0,1,2").split(",").map(Number);
  const estimator = opt("estimator", "logreg") as EstimatorName;
  const jobs = Number(opt("jobs", "2"));
  const rows: string[] = [];
  const vnames = ["source-val", "iwcv", "dev", "entropy", "snd", "circular", "mixval", "cv-target"];
  console.log(`| pair | K | ${vnames.map((v) => `${v} ρ / regret`).join(" | ")} | guard rule | guard pick acc | source-only | target-only | best candidate |`);
  console.log(`|${"---|".repeat(vnames.length + 7)}`);
  for (const spec of pairs) {
    const pair = await resolveDomainPair(spec, { scaling: "none", seed: 0 });
    const scaled = scalePair(pair.source.X, pair.target.X, pair.kind === "image" ? "global" : pair.kind === "tabular" ? "standard" : "none");
    const d = pair.source.X.cols;
    const methods = opt("methods", "coral,subspace-alignment,domain-classifier,self-training,ot-linear").split(",");
    const candidates = expandCandidates(methods, {
      coral: { lambda: [0.1, 1, 10] },
      "subspace-alignment": { dim: d > 2 ? [10, 30] : [1, 2] },
    });
    for (const K of ks) {
      const t0 = performance.now();
      const r = await benchmarkSelection({ source: { ...pair.source, X: scaled.source }, target: { ...pair.target, X: scaled.target } }, candidates, { seeds, targetLabelsPerClass: K, estimator, jobs });
      const cell = (v: string) => { const q = r.validators[v]; return q ? `${Number.isNaN(q.spearman) ? "—" : q.spearman.toFixed(2)} / ${q.regret.toFixed(1)}` : "—"; };
      const best = r.candidates.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
      const row = `| ${spec} | ${K} | ${vnames.map(cell).join(" | ")} | ${r.guard.rule} | ${r.guard.accuracy.toFixed(1)} (${[...new Set(r.guard.pick)].join(", ")}) | ${r.baselines.sourceOnly.toFixed(1)} | ${r.baselines.targetOnly?.toFixed(1) ?? "—"} | ${best.label} ${best.accuracy.toFixed(1)} |`;
      rows.push(row);
      console.log(row);
      console.error(`${spec} K=${K}: ${((performance.now() - t0) / 1000).toFixed(0)} s; candidates ${r.candidates.map((c) => `${c.label} ${c.accuracy.toFixed(1)}`).join(", ")}`);
    }
  }
}
