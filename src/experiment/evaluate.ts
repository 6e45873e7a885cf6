// `transferlab evaluate`: the standard protocol. For each seed: draw K labelled target points per class
// (stratified), give every method the same FitData (source, unlabelled target, the few labelled target points),
// score on the test points only. Per method: accuracy mean, sd, a named 95 % interval and per-seed values; a
// paired comparison on per-example correctness with source-only and with target-only (./compare.ts: McNemar when
// both models are fitted once, a paired bootstrap over seeds and test rows when fits differ); a verdict that
// needs p < α AND a difference beyond the practical-equivalence margin; and a flag for degenerate predictors.
// Source-only and target-only always run, because every method is judged against them. The oracle (asked for
// only) never trains on a row it is scored on: in the transductive protocol it is cross-fitted on two folds.
import type { LabelledDomain } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import { takeDomainRows } from "../core/domain.js";
import { TransferLabError } from "../core/errors.js";
import { type Adapter, getMethod, type MethodName } from "../adapt/index.js";
import {
  type DomainPair, splitTargetForProtocol, type Protocol, applyScale, resolveScale, scalePair, type Scale,
  type ScaleInfo,
} from "../data/portable.js";
import type { EstimatorName } from "../estimators/index.js";
import { selectionSummary, type SelectionSummary } from "./select-benchmark.js";
import type { ValidatorName } from "../selection/index.js";
import type { FitProgress, Progress } from "../core/progress.js";
import type { FitOutcome } from "./fit-task.js";
import { planProtocol, runPlan, scoreProtocol, type CrossFitPart, type ProtocolPlan, type SeedSplit } from "./runner.js";
import { summarize, type Summary } from "../core/stats.js";
import { compareCorrectness, type CorrectnessComparison, type SeedCorrectness } from "./compare.js";
import { comparisonVerdict, type TransferVerdict } from "./verdict.js";
import { resultHeader, resultId, type RESULT_VERSIONS } from "./schemas.js";
import { wilson } from "../core/stats.js";
import { checkEvaluatePair, checkPlanMemory, checkTestPointsPerClass, MIN_TEST_PER_CLASS, parseEvaluateOptions } from "./evaluate-options.js";

/** The identifier of evaluate's documents (./schemas.ts; the version is RESULT_VERSIONS.evaluate). */
export const EVALUATE_SCHEMA = resultId("evaluate");

/** Defaults of every evaluate option, the same as `transferlab evaluate`'s (except jobs: the CLI uses one worker
 *  thread per core, up to 4; a library call stays in its thread unless asked). */
export const EVALUATE_DEFAULTS = {
  methods: ["source-only", "target-only"],
  estimator: "svc",
  targetLabelsPerClass: 10,
  seeds: 5,
  firstSeed: 0,
  scale: "auto",
  protocol: "transductive",
  jobs: 1,
  /** Practical-equivalence margin in accuracy points: a smaller difference is "no meaningful transfer". */
  margin: 1,
  alpha: 0.05,
} as const satisfies Partial<EvaluateOptions>;

export interface EvaluateOptions {
  /** Methods to run besides source-only and target-only, which always run (default: only those two). */
  methods?: readonly MethodName[];
  /** Raw parameters per method name, validated by each method. */
  methodParams?: Partial<Record<MethodName, Record<string, unknown>>>;
  /** Default "svc". */
  estimator?: EstimatorName;
  estimatorParams?: Record<string, unknown>;
  /** Labelled target points per class, stratified (default 10). */
  targetLabelsPerClass?: number;
  /** Number of seeds (seeds firstSeed … firstSeed+seeds−1; default 5). */
  seeds?: number;
  /** Default 0. */
  firstSeed?: number;
  /** Input scaling (default "auto": global for images, standard for tables, none for synthetic pairs — by the
   *  pair's `kind`, standard when it has none). */
  scale?: Scale | "auto";
  /** Default "transductive". */
  protocol?: Protocol;
  memoryBudget?: number;
  /** Worker threads for the fits (default 1: all in this thread). Results do not depend on it. */
  jobs?: number;
  /** Practical-equivalence margin in accuracy points (default 1). */
  margin?: number;
  /** Significance level of the comparisons (default 0.05). */
  alpha?: number;
  /** Fits done of all, and the fits running now ("seed 3/10 kmm"). */
  progress?: Progress;
  /** Called during a long fit (KMM, JDA, Sinkhorn, Lp-L1, self-training, ...) with its fraction done and a message
   *  ("kmm: KMM: QP iteration 50/1000"); with jobs > 1 the worker threads forward it (at most ten a second each). */
  fitProgress?: FitProgress;
  /** Fewer test points than this in any target class is an error (default MIN_TEST_PER_CLASS = 5); 0 or 1 accepts
   *  a K that leaves almost no test points, which the notes then say. */
  minTestPerClass?: number;
  signal?: AbortSignal;
  /** Also measure label-free selection over the candidates methods × grid: per validator Spearman and regret
   * against true test accuracy, and the guarded pick (the test labels only score; see select-benchmark.ts). */
  validators?: ValidatorName[];
  grid?: Record<string, Record<string, unknown[]>>;
  /** The validator the guarded pick uses (default cv-target with target labels, else dev, else the first validator). */
  rule?: ValidatorName;
}

/** The measured verdict (./verdict.ts). */
export type Verdict = TransferVerdict;

type BeforeAfter = { before: number | null; after: number | null };
export interface SourceAccuracy extends BeforeAfter {
  perSeed: (BeforeAfter | null)[];
}

/** Means over the seeds that report a value (null when none does); undefined when no seed reports anything. */
export function sourceAccuracyOf(perSeed: (BeforeAfter | null)[]): SourceAccuracy | undefined {
  if (!perSeed.some((s) => s !== null)) return undefined;
  const mean = (k: keyof BeforeAfter) => {
    const xs = perSeed.flatMap((s) => (s?.[k] != null ? [s[k]!] : []));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  };
  return { before: mean("before"), after: mean("after"), perSeed };
}

export interface Comparison extends CorrectnessComparison {
  baseline: string;
  verdict: Verdict;
}

/** A predictor that says one class for every test row (its probabilities, if any, cannot rank anything). */
export interface Degenerate {
  kind: "one class";
  class: number;
  message: string;
}

/** A seed whose fit diverged: the deep base's DIVERGED report (the term that turned non-finite, or "features"). */
export interface DivergedSeed {
  seed: number;
  iteration: number;
  term: string;
  /** The term's value as text ("NaN", "Infinity"; "0" for collapsed features). */
  value: string;
}

export interface MethodResult {
  name: string;
  family: string;
  /** True for the oracle row, which reads target labels no user has. */
  oracle: boolean;
  params: Record<string, unknown>;
  /** `ci95` is clipped to [0, 100]; `ciMethod` says which interval it is. Null when a fit diverged: a diverged
   * method is reported with where it diverged (`diverged`), never with an accuracy. */
  accuracy: (Summary & { perSeed: number[]; ciMethod: string }) | null;
  /** The seeds whose fit diverged (empty when none). */
  diverged: DivergedSeed[];
  /** Non-null when the method predicted a single class on every test row of every seed. */
  degenerate: Degenerate | null;
  vsSourceOnly: Comparison | null;
  vsTargetOnly: Comparison | null;
  /** Against the stronger of source-only and target-only (higher mean accuracy): the negative-transfer view. */
  verdict: Verdict | "baseline" | "oracle" | "diverged";
  /** Distinct notes the method reported over the seeds. */
  notes: string[];
  /** Fits whose solver stopped at its iteration cap (FitDetails.converged false); the verdict line shows it. */
  unconvergedFits: number;
  /** Seconds of the fit and prediction per seed; a model fitted once (seed-invariant) has its time on the first seed and 0 after. */
  secondsPerSeed: number[];
  /** Parameter transfer (forgetting): the mean over seeds of the accuracy (%) on the method's held-out source rows
   * before and after fine-tuning, and each seed's; absent for methods that do not report it. */
  sourceAccuracy?: SourceAccuracy;
}

export interface EvaluateResult {
  schema: typeof EVALUATE_SCHEMA;
  version: (typeof RESULT_VERSIONS)["evaluate"];
  source: { name: string; rows: number; features: number };
  target: { name: string; rows: number; features: number };
  protocol: Protocol;
  estimator: EstimatorName;
  scale: ScaleInfo;
  targetLabelsPerClass: number;
  seeds: number[];
  split: { labelled: number; unlabelled: number; test: number };
  /** Practical-equivalence margin (points) and significance level the verdicts used. */
  margin: number;
  alpha: number;
  methods: MethodResult[];
  /** With `validators`: how well label-free selection works on this pair (src/experiment/select-benchmark.ts). */
  selection?: SelectionSummary;
  notes: string[];
}

/** Every fit of an evaluation, planned before any runs (the runner's plan, ./runner.ts), with what scoring it
 * needs. Sweep runs the tasks itself (locally or on a queue) and scores them with scoreEvaluation. */
export interface EvaluationPlan extends ProtocolPlan {
  methods: Adapter[];
  scale: ScaleInfo;
  unsupervised: boolean;
  margin: number;
  alpha: number;
  pair: { source: LabelledDomain; target: LabelledDomain };
  opts: EvaluateOptions & Required<Pick<EvaluateOptions, "methods" | "estimator" | "targetLabelsPerClass" | "seeds" | "firstSeed" | "protocol">> & { scale: Scale };
}

export async function evaluate(pair: { source: LabelledDomain; target: LabelledDomain; kind?: DomainPair["kind"] }, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const plan = planEvaluation(pair, options);
  options = plan.opts;
  const result = scoreEvaluation(plan, await runPlan(plan, { jobs: options.jobs ?? EVALUATE_DEFAULTS.jobs, signal: options.signal, progress: options.progress, fitProgress: options.fitProgress }));
  if (!options.validators?.length) return result;
  // Selection is measured on its own fits (candidates trained on 80 % of the source), after the evaluation.
  const o = plan.opts;
  const scaled = { source: { ...plan.pair.source, X: applyScale(plan.pair.source.X, plan.scale) }, target: { ...plan.pair.target, X: applyScale(plan.pair.target.X, plan.scale) } };
  const selection = await selectionSummary(scaled, o.methods.filter((m) => m !== "oracle"), { grid: o.grid, params: o.methodParams, validators: o.validators, rule: o.rule, seeds: plan.seeds, targetLabelsPerClass: o.targetLabelsPerClass, estimator: o.estimator, estimatorParams: o.estimatorParams, jobs: o.jobs, memoryBudget: o.memoryBudget, signal: o.signal });
  return { ...result, selection };
}

/** Checks the options and plans every fit on the runner (nothing is fitted): evaluate's protocol as a RunSpec. */
export function planEvaluation(pair: { source: LabelledDomain; target: LabelledDomain; kind?: DomainPair["kind"] }, rawOptions: EvaluateOptions = {}): EvaluationPlan {
  const D = EVALUATE_DEFAULTS;
  checkEvaluatePair(pair);
  const options = parseEvaluateOptions(rawOptions) as EvaluateOptions;
  const opts = {
    ...options,
    methods: options.methods ?? D.methods, estimator: options.estimator ?? D.estimator,
    targetLabelsPerClass: options.targetLabelsPerClass ?? D.targetLabelsPerClass, seeds: options.seeds ?? D.seeds,
    firstSeed: options.firstSeed ?? D.firstSeed, scale: resolveScale(options.scale ?? D.scale, pair.kind),
    protocol: options.protocol ?? D.protocol, jobs: options.jobs ?? D.jobs,
  };
  checkTestPointsPerClass(pair.target, opts.targetLabelsPerClass, opts.protocol, options.minTestPerClass ?? MIN_TEST_PER_CLASS);
  checkPlanMemory(pair.target, opts.seeds, opts);
  const margin = opts.margin ?? D.margin, alpha = opts.alpha ?? D.alpha;
  if (!(margin >= 0) || !Number.isFinite(margin)) throw new TransferLabError("INVALID_PARAMETER", `must be a non-negative number of accuracy points, got ${margin}`, { param: "margin" });
  if (!(alpha > 0 && alpha < 1)) throw new TransferLabError("INVALID_PARAMETER", `must be in (0, 1), got ${alpha}`, { param: "alpha" });
  if (pair.source.X.cols !== pair.target.X.cols) {
    throw new TransferLabError("FEATURE_MISMATCH", `source '${pair.source.name}' has ${pair.source.X.cols} features but target '${pair.target.name}' has ${pair.target.X.cols}`, { param: "target.X" });
  }
  // Baselines first, each method once, in the order asked. With no target labels (K = 0, the unsupervised protocol)
  // there is nothing to train target-only on: it is not run, and the output says so.
  const unsupervised = opts.targetLabelsPerClass === 0;
  const names = ["source-only", ...(unsupervised ? [] : ["target-only"]), ...opts.methods.filter((m) => m !== "source-only" && m !== "target-only")];
  // Every deep result has the same network without adaptation beside it.
  if (names.some((n) => getMethod(n).family === "deep") && !names.includes("source-only-net")) names.splice(unsupervised ? 1 : 2, 0, "source-only-net");

  const scaled = scalePair(pair.source.X, pair.target.X, opts.scale);
  const source: LabelledDomain = { ...pair.source, X: scaled.source };
  const target: LabelledDomain = { ...pair.target, X: scaled.target };
  // A method whose inputs are the same at every seed — source-only, or (transductive) a method that never sees
  // target labels, so it reads only the source and all target inputs — is fitted once, with the first seed's
  // stream; that model predicts every target row once and each seed scores its own test rows.
  const seedInvariant = (m: Adapter) => m.needs === "none" || (opts.protocol === "transductive" && m.seesTargetLabels === false);
  const split = (seed: number): SeedSplit => {
    const s = splitTargetForProtocol(target, opts.targetLabelsPerClass, opts.protocol, new Rng(seed).fork("split"));
    return {
      data: { source, target: s.unlabelled, ...(s.labelled.X.rows > 0 ? { targetLabelled: s.labelled } : {}) },
      oracleData: { source, target: s.unlabelled, targetLabelled: s.oraclePool },
      testX: s.testX, testLabels: s.testLabels, testRows: s.indices.test, notes: s.notes,
    };
  };
  // Every target row is a test row or a labelled one in the transductive protocol, so the oracle is cross-fitted:
  // the test rows are split in two folds and each fold is predicted by an oracle trained on every other target row.
  const crossFit = (m: Adapter, seed: number, s: SeedSplit): CrossFitPart[] | null => {
    if (m.needs !== "oracle" || opts.protocol !== "transductive") return null;
    const test = s.testRows!, nt = test.length;
    const perm = new Rng(seed).fork("oracle-folds").permutation(nt);
    const folds = [perm.slice(0, Math.floor(nt / 2)), perm.slice(Math.floor(nt / 2))].map((f) => f.sort()).filter((f) => f.length > 0);
    return folds.map((fold) => {
      const out = new Uint8Array(target.X.rows);
      for (const q of fold) out[test[q]!] = 1;
      const train = Int32Array.from({ length: target.X.rows }, (_, i) => i).filter((i) => !out[i]);
      return { data: { source, target: s.data.target, targetLabelled: takeDomainRows(target, train, `${target.name} (oracle fold)`) as LabelledDomain }, testIndex: fold };
    });
  };
  const plan = planProtocol({
    methods: names, methodParams: opts.methodParams, estimator: opts.estimator, estimatorParams: opts.estimatorParams,
    seeds: Array.from({ length: opts.seeds }, (_, i) => opts.firstSeed + i), split, seedInvariant, sharedTarget: target.X, crossFit,
    memoryBudget: opts.memoryBudget, keepDiverged: true,
  });
  return { ...plan, methods: plan.entries.map((e) => e.method), scale: scaled.info, unsupervised, margin, alpha, pair, opts };
}

/** Scores a plan's predictions (outcomes[i] from tasks[i]) on the test labels: the evaluation's result. */
export function scoreEvaluation(plan: EvaluationPlan, outcomes: readonly FitOutcome[]): EvaluateResult {
  const { methods, opts, pair, seedInvariant, unsupervised, margin, alpha, seeds } = plan;
  const run = scoreProtocol(plan, outcomes);
  const byName = new Map(run.methods.map((r) => [r.id, r]));
  const correct = (name: string) => byName.get(name)!.correct.map((bits, i) => ({ rows: byName.get(name)!.rows[i]!, bits }));
  const first = opts.firstSeed;
  const so = byName.get("source-only")!.accuracy, to = byName.get("target-only")?.accuracy;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const stronger = to && mean(to) >= mean(so) ? "target-only" : "source-only";
  const results: MethodResult[] = methods.map((m) => {
    const r = byName.get(m.name)!;
    const diverged = r.diverged.flatMap((d, i) => (d ? [{ seed: seeds[i]!, iteration: d.iteration, term: d.term, value: String(d.value) }] : []));
    if (diverged.length > 0) {
      return {
        name: m.name, family: m.family, oracle: m.needs === "oracle", params: r.params, accuracy: null, diverged, degenerate: null,
        vsSourceOnly: null, vsTargetOnly: null, verdict: "diverged", notes: r.notes, unconvergedFits: r.unconvergedFits, secondsPerSeed: r.secondsPerSeed,
      };
    }
    const xs = r.accuracy;
    const isBaseline = m.name === "source-only" || m.name === "target-only";
    const cmp = (base: string): Comparison | null => {
      if (base === m.name) return null;
      const a = correct(m.name), b = correct(base);
      const seedsC: SeedCorrectness[] = a.map((x, i) => ({ rows: x.rows, method: x.bits, baseline: b[i]!.bits }));
      const sameModels = seedInvariant(m) && m.needs !== "oracle" && seedInvariant(getMethod(base));
      const c = compareCorrectness(seedsC, { sameModels, rng: new Rng(first).fork(`compare:${m.name}:${base}`) });
      return { ...c, baseline: base, verdict: comparisonVerdict(c, { alpha, margin }) };
    };
    const vsS = cmp("source-only"), vsT = to ? cmp("target-only") : null;
    const predicted = new Set<number>();
    for (const p of r.predictions) for (const c of p) predicted.add(c);
    const classes = [...predicted];
    const degenerate: Degenerate | null = classes.length === 1
      ? { kind: "one class", class: classes[0]!, message: `predicts class ${classes[0]} for every test row: its accuracy is that class's share of the test rows` }
      : null;
    return {
      name: m.name,
      family: m.family,
      oracle: m.needs === "oracle",
      params: r.params,
      accuracy: { ...accuracyInterval(xs, correct(m.name), seedInvariant(m) && m.needs !== "oracle"), perSeed: xs },
      diverged: [],
      degenerate,
      vsSourceOnly: vsS,
      vsTargetOnly: vsT,
      verdict: m.needs === "oracle" ? "oracle" : isBaseline ? "baseline" : (stronger === "target-only" ? vsT : vsS)!.verdict,
      notes: r.notes,
      unconvergedFits: r.unconvergedFits,
      secondsPerSeed: r.secondsPerSeed,
      ...(sourceAccuracyOf(r.sourceAccuracy) ? { sourceAccuracy: sourceAccuracyOf(r.sourceAccuracy)! } : {}),
    };
  });
  return {
    ...resultHeader("evaluate"),
    source: { name: pair.source.name, rows: pair.source.X.rows, features: pair.source.X.cols },
    target: { name: pair.target.name, rows: pair.target.X.rows, features: pair.target.X.cols },
    protocol: opts.protocol,
    estimator: opts.estimator,
    scale: plan.scale,
    targetLabelsPerClass: opts.targetLabelsPerClass,
    seeds,
    split: run.splitSizes,
    margin,
    alpha,
    methods: results,
    notes: [...run.notes, ...(unsupervised ? ["target-only not run: no target labels (--target-labels-per-class 0, the unsupervised protocol)"] : []), ...(methods.some(seedInvariant) ? [`fitted once and scored on every seed's test split, because their inputs do not change with the seed (${opts.protocol === "transductive" ? "source and all target inputs; no target labels" : "source only"}): ${methods.filter(seedInvariant).map((m) => m.name).join(", ")}`] : []), `verdicts compare each method with ${stronger} (the stronger baseline) on per-example correctness over the same test rows — McNemar's mid-p test on the distinct test rows when both models are fitted once, otherwise a paired bootstrap over seeds and test rows — and say positive/negative transfer only when p < ${alpha} and the difference is at least ${margin} point${margin === 1 ? "" : "s"} (the practical-equivalence margin, --margin); a smaller difference is "no meaningful transfer" whatever its p`,
      ...(methods.some((m) => m.needs === "oracle") && opts.protocol === "transductive" ? ["oracle: cross-fitted on two folds of each seed's test rows, each fold predicted by an oracle trained on every other target row (never on a row it is scored on)"] : [])],
  };
}

/** A plain-text table of an evaluation, for the terminal. */
export function formatEvaluation(r: EvaluateResult): string {
  if (r === null || typeof r !== "object" || r.schema !== EVALUATE_SCHEMA || !Array.isArray(r.methods)) {
    throw new TransferLabError("INVALID_PARAMETER", `formatEvaluation needs the result of evaluate() (schema ${EVALUATE_SCHEMA})`, { param: "result" });
  }
  const lines: string[] = [];
  lines.push(`${r.source.name} → ${r.target.name}: ${r.protocol}, estimator ${r.estimator}, scale ${r.scale.rule}, ${r.targetLabelsPerClass} target labels/class, ${r.seeds.length} seeds`);
  lines.push(`per seed: ${r.split.labelled} labelled, ${r.split.unlabelled} unlabelled, ${r.split.test} test target points`);
  // Forgetting (parameter transfer): a column only when some method measured it.
  const forgetting = r.methods.some((m) => m.sourceAccuracy);
  const pt = (v: number | null | undefined) => (v == null ? "—" : v.toFixed(1));
  const head = ["method", "family", "accuracy %", "95% CI", "vs source-only Δ p", "vs target-only Δ p", ...(forgetting ? ["source acc. before → after"] : []), "verdict"];
  const rows = r.methods.map((m) => [
    m.oracle ? `${m.name} (ORACLE)` : m.name,
    m.family,
    m.accuracy ? `${m.accuracy.mean.toFixed(1)} ± ${m.accuracy.sd.toFixed(1)}` : "diverged",
    m.accuracy ? `[${m.accuracy.ci95[0].toFixed(1)}, ${m.accuracy.ci95[1].toFixed(1)}]${ciMark(m.accuracy.ciMethod)}` : "—",
    formatComparison(m.vsSourceOnly),
    formatComparison(m.vsTargetOnly),
    ...(forgetting ? [m.sourceAccuracy ? `${pt(m.sourceAccuracy.before)} → ${pt(m.sourceAccuracy.after)}` : "—"] : []),
    m.accuracy === null ? `DIVERGED on ${m.diverged.length}/${r.seeds.length} seed${r.seeds.length === 1 ? "" : "s"}`
      : (m.oracle ? "oracle (upper bound, not a method)" : m.verdict) + (m.degenerate ? ` — DEGENERATE: class ${m.degenerate.class} only` : "") + notConverged(m),
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const fmt = (row: string[]) => row.map((c, j) => c.padEnd(w[j]!)).join("  ").trimEnd();
  lines.push(fmt(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(fmt));
  lines.push(`95% CI: ${CI_MARKS.map(([mark, what]) => `${mark} ${what}`).join("; ")}. Δ = method − baseline in points; p: McNemar mid-p (M) or paired bootstrap (B).`);
  if (forgetting) lines.push("source acc.: accuracy % on the source rows held out of pretraining, before and after fine-tuning (mean over seeds): what fine-tuning forgot.");
  for (const m of r.methods) for (const d of m.diverged) lines.push(`diverged (${m.name}): ${divergedText(d)}`);
  for (const m of r.methods) if (m.degenerate) lines.push(`warning (${m.name}): ${m.degenerate.message}`);
  for (const m of r.methods) for (const n of m.notes) lines.push(`note (${m.name}): ${n}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join("\n")}\n`;
}

/** Where one seed's fit diverged, in words (the table's "diverged" lines and the page's notes). */
export function divergedText(d: DivergedSeed): string {
  const what = d.term === "features" ? "the features collapsed (constant over the batch: dead ReLU units)" : `the ${d.term} term became ${d.value}`;
  return `seed ${d.seed}, iteration ${d.iteration}: ${what}; not scored (lower lr or the trade-off weight)`;
}

/** The verdict's warning when a solver stopped at its iteration cap: the numbers are of an unfinished fit. */
export function notConverged(m: Pick<MethodResult, "unconvergedFits">): string {
  return m.unconvergedFits > 0 ? ` — NOT CONVERGED (${m.unconvergedFits} fit${m.unconvergedFits === 1 ? "" : "s"} at the iteration cap; see notes)` : "";
}

/** One comparison cell as the table prints it: Δ points, p and its test (M McNemar mid-p, B paired bootstrap). */
export function formatComparison(c: Comparison | null): string {
  if (!c) return "—";
  const d = `${c.meanDiff >= 0 ? "+" : ""}${c.meanDiff.toFixed(1)}`;
  return c.pValue === null ? `${d} no test` : `${d} ${formatP(c.pValue)} ${c.test === "McNemar mid-p" ? "M" : "B"}`;
}

/** p-values as printed everywhere: "p<0.001" below 0.001, else three decimals. */
export function formatP(p: number): string {
  return p < 0.001 ? "p<0.001" : `p=${p.toFixed(3)}`;
}

const CI_MARKS: Array<[string, string]> = [["t", "Student t over seeds, clipped to [0, 100]"], ["w", "Wilson over the distinct test rows of one fitted model"], ["w1", "Wilson over one seed's test rows (fit variance not included)"]];
const ciMark = (method: string) => { const m = CI_MARKS.find(([, what]) => what === method)?.[0]; return m ? ` ${m}` : ""; };

/**
 * The 95 % interval of a method's target accuracy, named: a model fitted once is one model, so its interval is
 * Wilson's over the distinct rows it was tested on (seeds do not replicate it); otherwise Student's t over seeds,
 * clipped to [0, 100]; with one seed, Wilson over that seed's test rows.
 */
function accuracyInterval(xs: number[], correct: { rows: Int32Array; bits: Uint8Array }[], fittedOnce: boolean): Summary & { ciMethod: string } {
  const sum = summarize(xs);
  const wilsonOf = (rows: Int32Array[], bits: Uint8Array[]): [number, number] => {
    const seen = new Set<number>();
    let n = 0, right = 0;
    rows.forEach((rs, s) => rs.forEach((r, i) => { if (!seen.has(r)) { seen.add(r); n++; right += bits[s]![i]!; } }));
    const [lo, hi] = wilson(right, n);
    return [100 * lo, 100 * hi];
  };
  if (fittedOnce) return { ...sum, ci95: wilsonOf(correct.map((c) => c.rows), correct.map((c) => c.bits)), ciMethod: CI_MARKS[1]![1] };
  if (xs.length === 1) return { ...sum, ci95: wilsonOf([correct[0]!.rows], [correct[0]!.bits]), ciMethod: CI_MARKS[2]![1] };
  return { ...sum, ci95: [Math.max(0, sum.ci95[0]), Math.min(100, sum.ci95[1])], ciMethod: CI_MARKS[0]![1] };
}
