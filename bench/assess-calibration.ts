// Calibration of `assess` on cases with known outcomes: the shift generators across strengths and the bundled
// digit pairs, whose targets are fully labelled, so the truth can be computed.
//  (1) the source model's target error: the estimate from 10 labelled target rows per class (interval) and the
//      label-free predictions (ATC, DoC, with their validity verdict) against the source model's error on every
//      target row (`transfer.truthForChecking`); how often the interval covers the truth.
//  (2) "will adaptation beat the better baseline?": against evaluate's verdicts (gain over the stronger baseline
//      by more than the margin, any method), read from `transferlab evaluate --json` outputs in --outcomes DIR
//      (files <case>.json; the case names below).
// `npm run bench -- assess-calibration [--json] [--outcomes DIR] [--only name,name]`
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { resolveDomainPair } from "../src/data/registry.js";
import { assess } from "../src/experiment/assess.js";
import { checkResultHeader } from "../src/experiment/schemas.js";
import { TRANSFER_VERDICTS } from "../src/experiment/verdict.js";

export const CASES: Array<[string, string]> = [
  ["moons0", "moons?angle=0"], ["moons15", "moons?angle=15"], ["moons35", "moons?angle=35"], ["moons60", "moons?angle=60"], ["moons90", "moons?angle=90"],
  ["cov0", "covariate?bias=0"], ["cov1", "covariate?bias=1"], ["cov3", "covariate?bias=3"],
  ["prior-none", "prior?targetPriors=0.5/0.5"], ["prior", "prior?targetPriors=0.8/0.2"], ["prior-strong", "prior?targetPriors=0.95/0.05"],
  ["cond0", "conditional?shift=0"], ["cond", "conditional"], ["cond3", "conditional?shift=3"],
  ["sub0", "subspace?angle=0"], ["sub30", "subspace?angle=30"], ["sub70", "subspace?angle=70"],
  ["m2o", "mnist→optdigits"], ["o2m", "optdigits→mnist"],
];

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : (100 * x).toFixed(1));

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const oi = args.indexOf("--outcomes"), outcomes = oi >= 0 ? args[oi + 1] : undefined;
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1]!.split(",") : null;
  const rows: Record<string, unknown>[] = [];
  for (const [name, spec] of CASES) {
    if (only && !only.includes(name)) continue;
    const pair = await resolveDomainPair(spec, { seed: 0 });
    const r = await assess(pair.source, pair.target, { seed: 0, permutations: 20, forceApproximate: true, targetLabelsPerClass: 10 });
    const sm = r.transfer.sourceModelTargetError!;
    const truth = r.transfer.truthForChecking!;
    const lab = sm.labelled!;
    // Without labels: the same source model (same seed), only the label-free route.
    const free = sm.labelFree;
    let outcome: string | null = null;
    if (outcomes && existsSync(join(outcomes, `${name}.json`))) {
      const file = join(outcomes, `${name}.json`);
      const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
      checkResultHeader(raw, "evaluate", file); // an evaluate document of another version says its verdicts in other words
      const ev = raw as { methods: Array<{ name: string; verdict: string }> };
      outcome = ev.methods.some((m) => m.verdict === TRANSFER_VERDICTS.positive) ? "positive transfer" : "no positive transfer";
    }
    const row = {
      name, spec, truth, labelled: { value: lab.value, ci: lab.ci, covers: lab.ci[0] <= truth && truth <= lab.ci[1] },
      labelFree: free.map((p) => ({ method: p.method, raw: p.raw, reliable: p.reliable, reason: p.reason })),
      pad: r.proxyADistance.rbf.value, sourceEce: sm.sourceEce, sourceError: r.transfer.sourceError?.value ?? null,
      targetOnlyError: r.transfer.targetOnlyError?.value ?? null, adaptation: r.verdict.adaptation.answer, outcome,
      bbseReliable: r.labelShift?.validity.reliable ?? null,
    };
    rows.push(row);
    if (!json) {
      const f = (m: string) => { const p = free.find((q) => q.method === m)!; return `${pct(p.raw)}${p.reliable ? "" : "*"}`; };
      console.log(`${name.padEnd(13)} truth ${pct(truth).padStart(5)}  K=10/class ${pct(lab.value).padStart(5)} [${pct(lab.ci[0])}, ${pct(lab.ci[1])}]${row.labelled.covers ? "" : " MISS"}  ATC ${f("ATC")}  DoC ${f("DoC")}  PAD ${row.pad.toFixed(2)} ECE ${row.sourceEce.toFixed(3)}  adaptation: ${row.adaptation}${outcome ? ` (outcome: ${outcome})` : ""}`);
    }
  }
  const cover = rows.filter((r) => (r.labelled as { covers: boolean }).covers).length;
  const judged = rows.filter((r) => r.outcome !== null && r.adaptation !== "unclear");
  const hits = judged.filter((r) => (r.adaptation === "likely") === (r.outcome === "positive transfer")).length;
  const summary = { cases: rows.length, intervalCoverage: `${cover}/${rows.length}`, adaptationHits: `${hits}/${judged.length}` };
  if (json) console.log(JSON.stringify({ rows, summary }, null, 2));
  else console.log(`\nK=10/class interval covers the truth in ${summary.intervalCoverage}; '*' = label-free prediction withheld (reliable: false); adaptation verdict right in ${summary.adaptationHits} cases with an outcome and a definite answer`);
}
