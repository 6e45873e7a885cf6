// The one protocol runner. Every workflow that fits methods and scores them on a target test set — evaluate (and
// sweep through it), demo, curve, and select (./select.ts: its probes run unscored, its cv-target as a cross-fitted
// run on the labelled target points) — states its protocol as a RunSpec and calls
// runProtocol; the runner does the rest the same way for all of them:
//   1. looks every method up in the registry and validates its parameters and the estimator, before any fit;
//   2. per seed, asks the spec for that seed's split (what the methods may see, and the test inputs);
//   3. plans one fit per method and seed — or ONE fit for a method whose inputs do not change with the seed,
//      which then predicts every row of `sharedTarget` once and each seed reads its own test rows — or, when the
//      spec cross-fits a method (evaluate's transductive oracle), several fits that each predict part of the rows;
//   4. runs the fits (in this thread or in `jobs` worker threads; the numbers do not depend on it);
//   5. scores the predictions on each seed's test labels (the only place test labels are read).
// The result keeps, per method and seed, the predictions and the per-example correctness on the test rows, so
// the comparisons (./compare.ts) and verdicts (./verdict.ts) can pair methods row by row. compareWithBaselines
// is the simple judge (summaries, paired t-test over seeds) the demo and small commands use.
//
// Using it: a new command builds a RunSpec (which methods, which estimator, which seeds, and `split(seed)`),
// calls runProtocol, and hands the result to a text or page builder in report/ (see ./curve.ts). A workflow that
// runs the fits elsewhere (sweep: a queue) uses the three steps apart: planProtocol, runPlan, scoreProtocol.
import type { FitData, Labels } from "../core/domain.js";
import type { Matrix } from "../core/matrix.js";
import { fitTracker, type FitProgress, type Progress } from "../core/progress.js";
import { TransferLabError } from "../core/errors.js";
import { summarize, pairedComparison, type PairedComparison, type Summary } from "../core/stats.js";
import { getMethod, type Adapter, type Divergence } from "../adapt/index.js";
import { estimatorFactory, type EstimatorName } from "../estimators/index.js";
import { accuracyPct } from "../metrics/index.js";
import { runFitTasks } from "./fit-pool.js";
import type { FitOutcome, FitTask } from "./fit-task.js";
import { transferVerdict, type SignificanceVerdict } from "./verdict.js";

/** One seed's split, as the protocol draws it. Test labels are read only by the runner's scorer. */
export interface SeedSplit {
  /** What every non-oracle method may see: source, unlabelled target, the few labelled target points. */
  data: FitData;
  /** What an oracle method sees (needs "oracle"); it is only run when asked for. Default: `data`. */
  oracleData?: FitData;
  /** Target-test inputs, predicted by every method fitted for this seed. */
  testX: Matrix;
  /** Their labels, for scoring only. Absent when the protocol has none (select: its "test" rows are the
   * validators' probes): such a plan is run, and its outcomes read, but never scored. */
  testLabels?: Labels;
  /** What every single (not cross-fitted) fit of this seed also gives, for label-free validation (select):
   * predictions of held-out source rows through the method's source map, and the class probabilities of the
   * first `probaRows` test rows (Platt-scaled on the held-out rows when the estimator has none). */
  probes?: { sourceX: Matrix; sourceY: Labels; probaRows: number };
  /** The rows of `RunSpec.sharedTarget` that testX holds (needed when some method is seed-invariant). */
  testRows?: Int32Array;
  /** Notes the split wants shown with the result (e.g. classes too small for K labels). */
  notes?: string[];
}

/** One fit of a cross-fitted method: trained on `data`, it predicts the test rows at positions `testIndex`. */
export interface CrossFitPart {
  data: FitData;
  testIndex: Int32Array;
}

/** One run of a method under its own name: a candidate of a grid (select) or a method with fixed parameters. */
export interface RunEntry {
  /** The row's name in the result (e.g. "coral(lambda=0.1)"); unique within a run. */
  id: string;
  /** Registry name. */
  method: string;
  /** Raw parameters, validated by the method. */
  params?: Record<string, unknown>;
}

export interface RunSpec {
  /** Registry names (parameters from `methodParams`) or entries with their own id and parameters, run in this
   * order (a repeated id is dropped). */
  methods: readonly (string | RunEntry)[];
  /** Raw parameters per method name, for the methods given by name; each method validates its own. Parameters
   * for a method not run are an error. */
  methodParams?: Readonly<Record<string, Record<string, unknown> | undefined>>;
  estimator: EstimatorName;
  estimatorParams?: Record<string, unknown>;
  seeds: readonly number[];
  /** The protocol: the split of one seed. Called once per seed, in seed order. */
  split(seed: number): SeedSplit;
  /** Methods whose fit does not depend on the seed: fitted once with the first seed's stream. Default: none. */
  seedInvariant?: (method: Adapter) => boolean;
  /** Every target input, predicted once by the seed-invariant fits (required when seedInvariant is given). */
  sharedTarget?: Matrix;
  /** Methods fitted several times per seed, each fit predicting a disjoint part of the test rows (every test row
   * exactly once); null for the ordinary single fit. */
  crossFit?: (method: Adapter, seed: number, split: SeedSplit) => CrossFitPart[] | null;
  memoryBudget?: number;
  /** Worker threads for the fits (default 1: all in this thread). Results do not depend on it. */
  jobs?: number;
  /** Fits done of all, and the fits running now ("seed 3/10 kmm"). */
  progress?: Progress;
  /** A long fit's own progress (fraction, "method: message"), also from worker threads. */
  fitProgress?: FitProgress;
  signal?: AbortSignal;
  /** Keep a diverged fit as a diverged seed of its method (MethodRun.diverged) and go on with the others (evaluate's
   * table shows it as a diverged row); default false: the run fails with the fit's DIVERGED error. */
  keepDiverged?: boolean;
}

export interface MethodRun {
  /** The row's name: the method's registry name, or RunEntry.id. */
  id: string;
  method: Adapter;
  /** The parsed parameters (defaults filled in). */
  params: Record<string, unknown>;
  /** Fitted once for all seeds. */
  seedInvariant: boolean;
  /** Accuracy (%) on each seed's test set, in seed order. */
  accuracy: number[];
  /** Predictions on each seed's test inputs, in seed order. */
  predictions: Int32Array[];
  /** Per seed: 1 where the prediction equals the test label (the rows compare.ts pairs methods on). */
  correct: Uint8Array[];
  /** Per seed: the test rows as row indices of `sharedTarget` (SeedSplit.testRows), else positions 0…n−1. */
  rows: Int32Array[];
  /** Distinct notes the method reported over the seeds. */
  notes: string[];
  /** Seconds of fit and prediction per seed (a seed-invariant fit has its time on the first seed, 0 after). */
  secondsPerSeed: number[];
  /** Fits whose solver stopped at its iteration cap (FitOutcome.converged false), each fit counted once. */
  unconvergedFits: number;
  /** Per seed: where the fit diverged (RunSpec.keepDiverged), else null. A diverged seed has no predictions (an empty
   * array), no correct rows and accuracy NaN: it is reported as diverged, never scored. */
  diverged: (Divergence | null)[];
  /** Per seed: parameter transfer's source accuracy (%) on held-out source rows before and after fine-tuning
   * (FitOutcome.sourceAccuracy), else null. */
  sourceAccuracy: ({ before: number | null; after: number | null } | null)[];
}

export interface ProtocolRun {
  seeds: number[];
  methods: MethodRun[];
  /** Distinct split notes over the seeds. */
  notes: string[];
  /** Sizes of the last seed's split (every seed's split has the same sizes in the standard protocols). */
  splitSizes: { labelled: number; unlabelled: number; test: number };
}

/** A run entry with its method looked up and its parameters parsed. */
export interface ResolvedEntry { id: string; method: Adapter; params: Record<string, unknown> }

/** Looks the methods up and validates their parameters and the estimator; throws before any fit. */
export function resolveMethods(spec: Pick<RunSpec, "methods" | "methodParams" | "estimator" | "estimatorParams">): ResolvedEntry[] {
  const seen = new Set<string>();
  const entries: ResolvedEntry[] = [];
  for (const e of spec.methods) {
    const id = typeof e === "string" ? e : e.id;
    if (seen.has(id)) continue;
    seen.add(id);
    const method = getMethod(typeof e === "string" ? e : e.method);
    const raw = typeof e === "string" ? spec.methodParams?.[e] ?? {} : e.params ?? {};
    entries.push({ id, method, params: method.parseParams(raw) as Record<string, unknown> });
  }
  for (const name of Object.keys(spec.methodParams ?? {})) {
    if (!spec.methods.includes(name)) throw new TransferLabError("INVALID_PARAMETER", `parameters given for '${name}', which is not among the methods`, { param: "param" });
  }
  estimatorFactory(spec.estimator, spec.estimatorParams ?? {}); // an unknown estimator or bad parameters fail here
  return entries;
}

/** One method on one seed: its predictions of the seed's test rows come from one or more tasks
 * (pred[to[q]] = outcome.pred[from[q]]). */
interface Slot { entry: ResolvedEntry; parts: { task: number; from: Int32Array; to: Int32Array }[]; rows: Int32Array; labels?: Labels; first: boolean; crossFitted?: boolean }

/** Every fit of a run, planned before any runs: the tasks (which carry test inputs, never test labels) and, per
 * seed and method, which task predictions to score against which test labels. A task's inputs depend only on its
 * method, parameters and seed, never on which other methods or seeds are planned beside it (sweep relies on it). */
export interface ProtocolPlan {
  entries: ResolvedEntry[];
  tasks: FitTask[];
  /** Indices of the tasks fitted once for every seed. */
  invariant: Set<number>;
  seeds: number[];
  notes: string[];
  splitSizes: ProtocolRun["splitSizes"];
  /** Test labels per slot: the plan is only scored in this process, never sent with the tasks. */
  readonly slots: readonly Slot[];
  seedInvariant: (m: Adapter) => boolean;
}

/** Checks the spec and plans every fit (nothing is fitted). */
export function planProtocol(spec: RunSpec): ProtocolPlan {
  if (spec.seeds.length === 0) throw new TransferLabError("INVALID_PARAMETER", "need at least one seed", { param: "seeds" });
  const entries = resolveMethods(spec);
  const invariant = (m: Adapter) => spec.seedInvariant?.(m) ?? false;
  if (entries.some((e) => invariant(e.method)) && !spec.sharedTarget) throw new TransferLabError("INTERNAL", "seed-invariant methods need RunSpec.sharedTarget");
  const first = spec.seeds[0]!;
  const tasks: FitTask[] = [];
  const invariantTask = new Map<string, number>();
  const slots: Slot[] = [];
  const iota = (n: number) => Int32Array.from({ length: n }, (_, k) => k);
  const task = (e: ResolvedEntry, rngSeed: number, data: FitData, predictX: Matrix, probes?: SeedSplit["probes"]) => tasks.push({
    method: e.method.name, params: e.params, estimator: spec.estimator, estimatorParams: spec.estimatorParams ?? {},
    rngSeed, memoryBudget: spec.memoryBudget, data, predictX, keepDiverged: spec.keepDiverged,
    ...(probes ? { predictSourceX: probes.sourceX, predictSourceY: probes.sourceY, probaRows: probes.probaRows } : {}),
  }) - 1;
  const notes = new Set<string>();
  let splitSizes = { labelled: 0, unlabelled: 0, test: 0 };
  for (const seed of spec.seeds) {
    const s = spec.split(seed);
    s.notes?.forEach((n) => notes.add(n));
    splitSizes = { labelled: s.data.targetLabelled?.X.rows ?? 0, unlabelled: s.data.target.X.rows, test: s.testX.rows };
    const rows = s.testRows ?? iota(s.testX.rows);
    for (const e of entries) {
      const m = e.method;
      const cross = spec.crossFit?.(m, seed, s);
      if (cross) {
        const parts = cross.map((c) => ({ task: task(e, seed, c.data, s.testX.takeRows(c.testIndex)), from: iota(c.testIndex.length), to: c.testIndex }));
        slots.push({ entry: e, parts, rows, labels: s.testLabels, first: true, crossFitted: true });
        continue;
      }
      const inv = invariant(m);
      let t = inv ? invariantTask.get(e.id) : undefined;
      const isFirst = t === undefined;
      if (t === undefined) {
        t = task(e, inv ? first : seed, m.needs === "oracle" ? s.oracleData ?? s.data : s.data, inv ? spec.sharedTarget! : s.testX, inv ? undefined : s.probes);
        if (inv) invariantTask.set(e.id, t);
      }
      if (inv && !s.testRows) throw new TransferLabError("INTERNAL", "seed-invariant methods need SeedSplit.testRows");
      // A seed-invariant task predicted every shared row (read this seed's test rows); any other predicted testX.
      slots.push({ entry: e, parts: [{ task: t, from: inv ? s.testRows! : iota(s.testX.rows), to: iota(s.testX.rows) }], rows, labels: s.testLabels, first: isFirst });
    }
  }
  return { entries, tasks, invariant: new Set(invariantTask.values()), seeds: [...spec.seeds], notes: [...notes], splitSizes, slots, seedInvariant: invariant };
}

/** How progress names a fit: "seed 3/10 kmm", or "kmm (all seeds)" for a seed-invariant fit. */
export function fitLabel(task: { method: string; rngSeed: number }, seeds: readonly number[], invariant: boolean): string {
  return invariant ? `${task.method} (all seeds)` : `seed ${seeds.indexOf(task.rngSeed) + 1}/${seeds.length} ${task.method}`;
}

/** Runs a plan's fits here or on `jobs` worker threads; outcomes[i] is tasks[i]'s. */
export async function runPlan(plan: ProtocolPlan, opts: Pick<RunSpec, "jobs" | "signal" | "progress" | "fitProgress"> = {}): Promise<FitOutcome[]> {
  const { tasks, invariant } = plan;
  // Fits on the whole source (the seed-invariant ones) are usually the longest: start them first, so that with
  // several jobs the short per-seed fits fill the gaps at the end.
  const order = [...tasks.keys()].sort((a, b) => Number(invariant.has(b)) - Number(invariant.has(a)) || a - b);
  const fits = fitTracker(tasks.length, (k) => fitLabel(tasks[order[k]!]!, plan.seeds, invariant.has(order[k]!)), opts.progress);
  const ran = await runFitTasks(order.map((i) => tasks[i]!), { jobs: opts.jobs ?? 1, signal: opts.signal, fitProgress: opts.fitProgress, onStart: fits.start, onDone: fits.finish });
  const outcomes = new Array<FitOutcome>(tasks.length);
  order.forEach((i, k) => (outcomes[i] = ran[k]!));
  return outcomes;
}

/** Scores a plan's predictions on each seed's test labels (the only place test labels are read). */
export function scoreProtocol(plan: ProtocolPlan, outcomes: readonly FitOutcome[]): ProtocolRun {
  const runs = new Map<string, MethodRun>(plan.entries.map((e) => [e.id, {
    id: e.id, method: e.method, params: e.params, seedInvariant: plan.seedInvariant(e.method), accuracy: [], predictions: [], correct: [], rows: [], notes: [], secondsPerSeed: [], unconvergedFits: 0, diverged: [], sourceAccuracy: [],
  }]));
  const methodNotes = new Map<string, Set<string>>(plan.entries.map((e) => [e.id, new Set()]));
  for (const slot of plan.slots) {
    const r = runs.get(slot.entry.id)!;
    if (!slot.labels) throw new TransferLabError("INTERNAL", "this plan's splits have no test labels: it is run, not scored");
    const labels = slot.labels;
    const failed = slot.parts.map((part) => outcomes[part.task]!.diverged).find((d) => d !== undefined);
    if (failed !== undefined) {
      r.predictions.push(new Int32Array(0));
      r.correct.push(new Uint8Array(0));
      r.rows.push(slot.rows);
      r.accuracy.push(NaN);
      r.secondsPerSeed.push(slot.first ? slot.parts.reduce((a, part) => a + outcomes[part.task]!.seconds, 0) : 0);
      r.diverged.push(failed);
      r.sourceAccuracy.push(null);
      continue;
    }
    r.diverged.push(null);
    r.sourceAccuracy.push(outcomes[slot.parts[0]!.task]!.sourceAccuracy ?? null);
    const pred = new Int32Array(labels.length);
    let seconds = 0;
    for (const part of slot.parts) {
      const out = outcomes[part.task]!;
      for (let q = 0; q < part.to.length; q++) pred[part.to[q]!] = out.pred[part.from[q]!]!;
      seconds += out.seconds;
      out.notes.forEach((n) => methodNotes.get(slot.entry.id)!.add(n));
      if (!out.converged && slot.first) r.unconvergedFits++;
    }
    r.predictions.push(pred);
    r.correct.push(Uint8Array.from(pred, (p, q) => (p === labels[q] ? 1 : 0)));
    r.rows.push(slot.rows);
    r.accuracy.push(accuracyPct(pred, labels));
    r.secondsPerSeed.push(slot.first ? seconds : 0);
  }
  for (const [id, set] of methodNotes) runs.get(id)!.notes = [...set];
  return { seeds: plan.seeds, methods: [...runs.values()], notes: plan.notes, splitSizes: plan.splitSizes };
}

/** The outcome of each entry's single fit on each seed, by entry id (undefined where the entry was cross-fitted):
 * for a plan that is run but not scored (select reads predictions, source predictions and probabilities). */
export function singleFitOutcomes(plan: ProtocolPlan, outcomes: readonly FitOutcome[]): Map<string, (FitOutcome | undefined)[]> {
  const out = new Map<string, (FitOutcome | undefined)[]>(plan.entries.map((e) => [e.id, []]));
  for (const slot of plan.slots) out.get(slot.entry.id)!.push(slot.crossFitted ? undefined : outcomes[slot.parts[0]!.task]);
  return out;
}

/** The runner: plan every fit, run them, score them. */
export async function runProtocol(spec: RunSpec): Promise<ProtocolRun> {
  const plan = planProtocol(spec);
  return scoreProtocol(plan, await runPlan(plan, spec));
}

// ---- Judging a run against the baselines ---------------------------------------------------------------------

export interface Comparison extends PairedComparison {
  baseline: string;
  verdict: SignificanceVerdict;
}

export interface JudgedMethod {
  run: MethodRun;
  accuracy: Summary & { perSeed: number[] };
  vsSourceOnly: Comparison | null;
  vsTargetOnly: Comparison | null;
  /** Against the stronger baseline (higher mean accuracy); null for the baselines themselves. */
  verdict: SignificanceVerdict | null;
}

/** Summaries over seeds and paired comparisons with source-only and target-only (both must be in the run). */
export function compareWithBaselines(run: ProtocolRun, alpha = 0.05): { methods: JudgedMethod[]; strongerBaseline: "source-only" | "target-only" } {
  const acc = (name: string) => {
    const m = run.methods.find((r) => r.id === name);
    if (!m) throw new TransferLabError("INTERNAL", `the run has no '${name}' row: every result is judged against source-only and target-only`);
    return m.accuracy;
  };
  const so = acc("source-only"), to = acc("target-only");
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const stronger = mean(to) >= mean(so) ? "target-only" : "source-only";
  const methods = run.methods.map((r): JudgedMethod => {
    const xs = r.accuracy;
    const cmp = (base: string, ys: number[]): Comparison | null => {
      if (base === r.id) return null;
      const c = pairedComparison(xs, ys);
      return { ...c, baseline: base, verdict: transferVerdict(c, alpha) };
    };
    const vsSourceOnly = cmp("source-only", so), vsTargetOnly = cmp("target-only", to);
    const isBaseline = r.id === "source-only" || r.id === "target-only";
    return {
      run: r, accuracy: { ...summarize(xs), perSeed: xs }, vsSourceOnly, vsTargetOnly,
      verdict: isBaseline ? null : (stronger === "target-only" ? vsTargetOnly : vsSourceOnly)!.verdict,
    };
  });
  return { methods, strongerBaseline: stronger };
}
