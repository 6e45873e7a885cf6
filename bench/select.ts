// `npm run bench -- select [--jobs 2] [--k 10]`: transferlab select over 6 methods × 3 grid values on
// mnist→optdigits against evaluate fitting the same 18 configurations (three evaluate runs, one per grid
// column, one seed), in this process, evaluate first. Prints both wall times, both CPU times (user + sys of the
// whole process, worker threads included: the figure to compare on a loaded machine) and their ratios (select ÷
// evaluate). The selection's extra cost: the 20 % source hold-out is not trained on (cheaper fits), plus the
// domain classifier, target-only's cross-validation fits, Platt scaling on the hold-out, and the validators.
import { cpus } from "node:os";
import { resolveDomainPair } from "../src/data/registry.js";
import { evaluate } from "../src/experiment/evaluate.js";
import { expandCandidates, runSelection } from "../src/experiment/select.js";
import { scalePair } from "../src/data/prepare.js";
import { splitTargetForProtocol } from "../src/data/split.js";
import { withoutLabels } from "../src/core/domain.js";
import { Rng } from "../src/core/rng.js";
import type { MethodName } from "../src/adapt/registry.js";

const GRID: Record<string, Record<string, unknown[]>> = {
  coral: { lambda: [0.1, 1, 10] },
  "subspace-alignment": { dim: [10, 20, 40] },
  "domain-classifier": { C: [0.1, 1, 10] },
  "nn-weighting": { k: [1, 3, 5] },
  tca: { dim: [10, 20, 30] },
  jda: { dim: [10, 20, 30] },
};

export default async function (args: string[]): Promise<void> {
  const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1]! : dflt; };
  const jobs = Number(opt("jobs", "2")), K = Number(opt("k", "10"));
  const pair = await resolveDomainPair("mnist→optdigits", { scaling: "none", seed: 0 });
  const methods = Object.keys(GRID);
  console.log(`CPU: ${cpus()[0]?.model} × ${cpus().length}; jobs ${jobs}; K = ${K}; seed 0; estimator svc`);
  const cpu = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
  let t0 = performance.now(), c0 = process.cpuUsage();
  for (let g = 0; g < 3; g++) {
    const methodParams = Object.fromEntries(methods.map((m) => [m, Object.fromEntries(Object.entries(GRID[m]!).map(([k, vs]) => [k, vs[g]]))]));
    await evaluate(pair, { methods: methods as MethodName[], methodParams, estimator: "svc", targetLabelsPerClass: K, seeds: 1, scale: "global", jobs });
  }
  const tEval = (performance.now() - t0) / 1000, cEval = cpu(process.cpuUsage(c0));
  console.log(`evaluate, 3 runs × (6 methods + source-only + target-only): ${tEval.toFixed(1)} s wall, ${cEval.toFixed(1)} s CPU`);
  t0 = performance.now();
  c0 = process.cpuUsage();
  const scaled = scalePair(pair.source.X, pair.target.X, "global");
  const target = { ...pair.target, X: scaled.target };
  const s = splitTargetForProtocol(target, K, "transductive", new Rng(0).fork("split"));
  const run = await runSelection({ source: { ...pair.source, X: scaled.source }, target: withoutLabels(s.unlabelled), ...(K > 0 ? { targetLabelled: s.labelled } : {}) },
    { candidates: expandCandidates(methods, GRID), estimator: "svc", seed: 0, jobs });
  const tSel = (performance.now() - t0) / 1000, cSel = cpu(process.cpuUsage(c0));
  console.log(`select, 18 candidates + baselines, all validators: ${tSel.toFixed(1)} s wall, ${cSel.toFixed(1)} s CPU (chose ${run.choice.pick})`);
  console.log(`ratio select / evaluate: wall ${(tSel / tEval).toFixed(2)}, CPU ${(cSel / cEval).toFixed(2)}`);
}
