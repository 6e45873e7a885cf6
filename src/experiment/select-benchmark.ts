// How well selection works where test labels exist (evaluate --validators, and the selection table): per seed,
// the evaluate protocol's split (K labelled target points per class, the rest tested), one selection run whose
// candidates also predict the test rows, and then — test labels used for scoring only — per validator the
// Spearman correlation of its scores with the candidates' true test accuracy and its regret (best true accuracy
// minus the true accuracy of its pick), and the guarded pick's accuracy beside source-only and target-only.
import { Rng } from "../core/rng.js";
import type { LabelledDomain } from "../core/domain.js";
import { withoutLabels } from "../core/domain.js";
import { isScore, type ValidatorName, choose, type ScoredCandidate } from "../selection/index.js";
import { splitTargetForProtocol } from "../data/portable.js";
import { expandCandidates, runSelection, type CandidateSpec, type SelectOptions } from "./select.js";

export interface ValidatorQuality {
  /** Mean over seeds of the Spearman correlation between the validator's scores and true test accuracy. */
  spearman: number;
  /** Mean over seeds, in accuracy points. */
  regret: number;
  /** The candidate it picked at each seed. */
  pick: string[];
}

export interface SelectionBenchmark {
  validators: Record<string, ValidatorQuality>;
  guard: { rule: ValidatorName; pick: string[]; accuracy: number; regret: number; perSeed: number[]; /** Per seed: the pick's accuracy − max(source-only, target-only) of that seed (points). */ vsBaselines: number[] };
  baselines: { sourceOnly: number; targetOnly: number | null };
  /** Best candidate by true accuracy, mean over seeds (the oracle choice, for reference). */
  bestAccuracy: number;
  candidates: { label: string; accuracy: number }[];
  seeds: number[];
}

/** Spearman's ρ with average ranks for ties (Pearson correlation of the ranks); NaN when a side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ranks = (x: readonly number[]) => {
    const idx = x.map((_, i) => i).sort((i, j) => x[i]! - x[j]!);
    const r = new Array<number>(x.length);
    for (let s = 0; s < idx.length;) {
      let e = s;
      while (e + 1 < idx.length && x[idx[e + 1]!] === x[idx[s]!]) e++;
      for (let q = s; q <= e; q++) r[idx[q]!] = (s + e) / 2 + 1;
      s = e + 1;
    }
    return r;
  };
  const ra = ranks(a), rb = ranks(b), n = a.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n, mb = rb.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (ra[i]! - ma) * (rb[i]! - mb); saa += (ra[i]! - ma) ** 2; sbb += (rb[i]! - mb) ** 2; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** One seed's selection run as the benchmark keeps it: what the chooser sees (each candidate's validator scores,
 * no test labels) and, apart, each candidate's test accuracy (for scoring only). Plain JSON, so a table can be
 * rebuilt — and the choice re-run — without refitting (bench/selection.ts --dump / --from). */
export interface SeedRecord {
  seed: number;
  validators: ValidatorName[];
  rule: ValidatorName;
  candidates: { label: string; baseline?: "source-only" | "target-only"; scores: Partial<Record<ValidatorName, { score: number; se: number | null; perSample?: number[] } | { unavailable: string }>> }[];
  /** Test accuracy (%) by candidate label — read only by summarizeSelection's scoring. */
  testAccuracy: Record<string, number>;
}

/** Runs selection once per seed on the evaluate protocol's split and records scores and test accuracies. */
export async function selectionRecords(pair: { source: LabelledDomain; target: LabelledDomain }, candidates: CandidateSpec[], opts: Omit<SelectOptions, "candidates" | "seed" | "extraX"> & { seeds: number[]; targetLabelsPerClass: number }): Promise<SeedRecord[]> {
  const records: SeedRecord[] = [];
  for (const seed of opts.seeds) {
    const s = splitTargetForProtocol(pair.target, opts.targetLabelsPerClass, "transductive", new Rng(seed).fork("split"));
    const run = await runSelection({ source: pair.source, target: withoutLabels(s.unlabelled), ...(s.labelled.X.rows > 0 ? { targetLabelled: s.labelled } : {}) }, { ...opts, candidates, seed, extraX: s.testX });
    const testAccuracy: Record<string, number> = {};
    for (const c of run.candidates) {
      let k = 0;
      c.extraPred!.forEach((p, i) => { if (p === s.testLabels[i]) k++; });
      testAccuracy[c.label] = (100 * k) / s.testLabels.length;
    }
    records.push({
      seed, validators: run.validators, rule: run.choice.rule, testAccuracy,
      candidates: run.candidates.map((c) => ({
        label: c.label, ...(c.baseline ? { baseline: c.baseline } : {}),
        scores: Object.fromEntries(Object.entries(c.scores).map(([v, q]) => [v, isScore(q) ? { score: q.score, se: q.se, ...(q.perSample ? { perSample: [...q.perSample] } : {}) } : q])),
      })),
    });
  }
  return records;
}

const asScored = (c: SeedRecord["candidates"][number]): ScoredCandidate => ({
  label: c.label, ...(c.baseline ? { baseline: c.baseline } : {}),
  scores: Object.fromEntries(Object.entries(c.scores).map(([v, q]) => [v, "score" in q ? { score: q.score, se: q.se, ...(q.perSample ? { perSample: Float64Array.from(q.perSample) } : {}) } : q])),
});

/** Per validator Spearman and regret, and the guarded choice (re-run here from the recorded scores), scored on the
 * recorded test accuracies. Test labels enter only through `testAccuracy`; nothing here feeds back into a choice. */
export function summarizeSelection(records: SeedRecord[]): SelectionBenchmark {
  const per = new Map<string, { rho: number[]; regret: number[]; pick: string[] }>();
  const guard = { pick: [] as string[], acc: [] as number[], regret: [] as number[], vsBaselines: [] as number[] };
  const so: number[] = [], to: number[] = [], best: number[] = [];
  const accByLabel = new Map<string, number[]>();
  let rule: ValidatorName = "dev";
  for (const r of records) {
    rule = r.rule;
    const cands = r.candidates.map(asScored);
    const acc = new Map(Object.entries(r.testAccuracy));
    for (const [l, a] of acc) (accByLabel.get(l) ?? accByLabel.set(l, []).get(l)!).push(a);
    const top = Math.max(...acc.values());
    best.push(top);
    so.push(acc.get("source-only")!);
    if (acc.has("target-only")) to.push(acc.get("target-only")!);
    for (const v of r.validators) {
      const scored = cands.filter((c) => isScore(c.scores[v]));
      if (scored.length < 2) continue;
      const q = per.get(v) ?? per.set(v, { rho: [], regret: [], pick: [] }).get(v)!;
      q.rho.push(spearman(scored.map((c) => (c.scores[v] as { score: number }).score), scored.map((c) => acc.get(c.label)!)));
      const pick = choose(scored, v).best;
      q.pick.push(pick);
      q.regret.push(top - acc.get(pick)!);
    }
    const pick = choose(cands, r.rule).pick;
    guard.pick.push(pick);
    guard.acc.push(acc.get(pick)!);
    guard.regret.push(top - acc.get(pick)!);
    guard.vsBaselines.push(acc.get(pick)! - Math.max(acc.get("source-only")!, acc.get("target-only") ?? -Infinity));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanFinite = (xs: number[]) => { const f = xs.filter(Number.isFinite); return f.length ? mean(f) : NaN; };
  return {
    validators: Object.fromEntries([...per].map(([v, q]) => [v, { spearman: meanFinite(q.rho), regret: mean(q.regret), pick: q.pick }])),
    guard: { rule, pick: guard.pick, accuracy: mean(guard.acc), regret: mean(guard.regret), perSeed: guard.acc, vsBaselines: guard.vsBaselines },
    baselines: { sourceOnly: mean(so), targetOnly: to.length ? mean(to) : null },
    bestAccuracy: mean(best),
    candidates: [...accByLabel].map(([label, a]) => ({ label, accuracy: mean(a) })),
    seeds: records.map((r) => r.seed),
  };
}

export async function benchmarkSelection(pair: { source: LabelledDomain; target: LabelledDomain }, candidates: CandidateSpec[], opts: Omit<SelectOptions, "candidates" | "seed" | "extraX"> & { seeds: number[]; targetLabelsPerClass: number }): Promise<SelectionBenchmark> {
  return summarizeSelection(await selectionRecords(pair, candidates, opts));
}

/** evaluate's `selection` block: per validator {spearman, regret, pick}, and the guard's {pick, accuracy, regret}
 * (pick = the most frequent over seeds; picks = every seed's; accuracy = mean over seeds of the guarded pick's
 * test accuracy). */
export interface SelectionSummary {
  validators: Record<string, { spearman: number | null; regret: number; pick: string; picks: string[] }>;
  guard: { rule: ValidatorName; pick: string; picks: string[]; accuracy: number; regret: number };
  baselines: { sourceOnly: number; targetOnly: number | null };
  candidates: { label: string; accuracy: number }[];
  protocol: string;
}

const mode = (xs: string[]) => {
  const c = new Map<string, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
};

export async function selectionSummary(pair: { source: LabelledDomain; target: LabelledDomain }, methods: string[], o: Omit<SelectOptions, "candidates" | "seed" | "extraX"> & { grid?: Record<string, Record<string, unknown[]>>; params?: Record<string, Record<string, unknown>>; seeds: number[]; targetLabelsPerClass: number }): Promise<SelectionSummary> {
  const { grid, params, ...rest } = o;
  const b = await benchmarkSelection(pair, expandCandidates(methods.filter((m) => m !== "source-only" && m !== "target-only"), grid, params), rest);
  return {
    validators: Object.fromEntries(Object.entries(b.validators).map(([v, q]) => [v, { spearman: Number.isNaN(q.spearman) ? null : q.spearman, regret: q.regret, pick: mode(q.pick), picks: q.pick }])),
    guard: { rule: b.guard.rule, pick: mode(b.guard.pick), picks: b.guard.pick, accuracy: b.guard.accuracy, regret: b.guard.regret },
    baselines: b.baselines,
    candidates: b.candidates,
    protocol: "transductive; candidates fitted on 80 % of the source (the rest is source validation), so their accuracies differ from the rows above",
  };
}

export function formatSelectionSummary(s: SelectionSummary): string {
  const lines = ["", `selection (${s.protocol}):`, "validator    spearman  regret  most frequent pick"];
  for (const [v, q] of Object.entries(s.validators)) lines.push(`${v.padEnd(12)} ${(q.spearman === null ? "—" : q.spearman.toFixed(2)).padStart(8)}  ${q.regret.toFixed(1).padStart(6)}  ${q.pick}`);
  lines.push(`guard (rule ${s.guard.rule}): pick ${s.guard.pick}, accuracy ${s.guard.accuracy.toFixed(1)} %, regret ${s.guard.regret.toFixed(1)}; source-only ${s.baselines.sourceOnly.toFixed(1)} %${s.baselines.targetOnly !== null ? `, target-only ${s.baselines.targetOnly.toFixed(1)} %` : ""}`);
  return `${lines.join("\n")}\n`;
}
