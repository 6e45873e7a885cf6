// `npm run bench -- selection [--pairs "a;b"] [--k 10,0] [--seeds 0,1,2] [--estimator svc] [--methods a,b]
//   [--probability] [--dump DIR] [--from DIR]`: how well selection works where test labels exist — per pair and K, per validator
// the mean Spearman correlation of its scores with the candidates' true target accuracy and its regret, and the
// guarded pick's accuracy beside source-only, target-only and the best candidate (src/experiment/select-benchmark.ts).
// Prints a markdown table. --dump writes each (pair, K)'s per-seed records (validator scores; test accuracies kept
// apart) to DIR; --probability fits the SVC with libsvm's own Platt scaling (-b 1) instead of the default, which
// calibrates on the source hold-out; --from rebuilds the table from such records, re-running the choice without refitting.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveDomainPair } from "../src/data/registry.js";
import { selectionRecords, summarizeSelection, type SeedRecord } from "../src/experiment/select-benchmark.js";
import { expandCandidates } from "../src/experiment/select.js";
import { scalePair } from "../src/data/prepare.js";
import type { EstimatorName } from "../src/estimators/registry.js";

const DEFAULT_PAIRS = ["mnist→optdigits", "optdigits→mnist", "moons?angle=30", "gaussians?angle=30", "gaussians?angle=60", "gaussians?angle=90"];
const VALIDATORS = ["source-val", "iwcv", "dev", "entropy", "snd", "circular", "mixval", "cv-target"];
const fileName = (spec: string, K: number) => `${spec.replace(/[^a-z0-9]+/gi, "_")}_K${K}.json`;

function row(spec: string, K: number, records: SeedRecord[]): string {
  const r = summarizeSelection(records);
  const cell = (v: string) => { const q = r.validators[v]; return q ? `${Number.isNaN(q.spearman) ? "—" : q.spearman.toFixed(2)} / ${q.regret.toFixed(1)}` : "—"; };
  const best = r.candidates.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const bar = Math.max(r.baselines.sourceOnly, r.baselines.targetOnly ?? -Infinity);
  return `| ${spec} | ${K} | ${VALIDATORS.map(cell).join(" | ")} | ${r.guard.rule} | ${r.guard.accuracy.toFixed(1)} (${r.guard.pick.join(", ")}) | ${r.baselines.sourceOnly.toFixed(1)} | ${r.baselines.targetOnly?.toFixed(1) ?? "—"} | ${(r.guard.accuracy - bar).toFixed(1)} / ${Math.min(...r.guard.vsBaselines).toFixed(1)} | ${best.label} ${best.accuracy.toFixed(1)} |`;
}

export default async function (args: string[]): Promise<void> {
  const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1]! : dflt; };
  console.log(`| pair | K | ${VALIDATORS.map((v) => `${v} ρ / regret`).join(" | ")} | rule | guarded pick acc (picks per seed) | source-only | target-only | pick − max baseline: mean / worst seed | best candidate |`);
  console.log(`|${"---|".repeat(VALIDATORS.length + 8)}`);
  const from = opt("from", "");
  if (from) {
    const docs = readdirSync(from).filter((n) => n.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(from, f), "utf8")) as { pair: string; K: number; records: SeedRecord[] });
    const rank = (p: string) => (DEFAULT_PAIRS.indexOf(p) + DEFAULT_PAIRS.length + 1) % (DEFAULT_PAIRS.length + 1); // unknown pairs last
    docs.sort((a, b) => rank(a.pair) - rank(b.pair) || a.pair.localeCompare(b.pair) || b.K - a.K);
    for (const d of docs) console.log(row(d.pair, d.K, d.records));
    return;
  }
  const pairs = opt("pairs", DEFAULT_PAIRS.join(";")).split(";");
  const ks = opt("k", "10,0").split(",").map(Number);
  const seeds = opt("seeds", "0,1,2").split(",").map(Number);
  const estimator = opt("estimator", "svc") as EstimatorName;
  const jobs = Number(opt("jobs", "2"));
  const estimatorParams = args.includes("--probability") ? { probability: true } : {};
  const dump = opt("dump", "");
  if (dump) mkdirSync(dump, { recursive: true });
  for (const spec of pairs) {
    const pair = await resolveDomainPair(spec, { scaling: "none", seed: 0 });
    const scaled = scalePair(pair.source.X, pair.target.X, pair.kind === "image" ? "global" : pair.kind === "tabular" ? "standard" : "none");
    const d = pair.source.X.cols;
    const methods = opt("methods", d > 2 ? "coral,subspace-alignment,domain-classifier,ot-linear" : "coral,subspace-alignment,domain-classifier,self-training,ot-linear").split(",");
    const candidates = expandCandidates(methods, {
      ...(methods.includes("coral") ? { coral: { lambda: [0.1, 1, 10] } } : {}),
      ...(methods.includes("subspace-alignment") ? { "subspace-alignment": { dim: d > 2 ? [10, 30] : [1, 2] } } : {}),
    });
    for (const K of ks) {
      const t0 = performance.now(), c0 = process.cpuUsage();
      const records = await selectionRecords({ source: { ...pair.source, X: scaled.source }, target: { ...pair.target, X: scaled.target } }, candidates, { seeds, targetLabelsPerClass: K, estimator, estimatorParams, jobs });
      if (dump) writeFileSync(join(dump, fileName(spec, K)), JSON.stringify({ pair: spec, K, estimator, estimatorParams, seeds, methods, records }));
      console.log(row(spec, K, records));
      const cpu = process.cpuUsage(c0);
      console.error(`${spec} K=${K}: ${((performance.now() - t0) / 1000).toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU (user+sys, whole process)`);
    }
  }
}
