// `transferlab evaluate`: the standard protocol. For each seed: draw K labelled target points per class
// (stratified), give every method the same FitData (source, unlabelled target, the few labelled target points),
// score on the test points only. Per method: accuracy mean, sd, 95 % CI and per-seed values; a paired
// comparison with source-only and with target-only (wins/ties/losses, paired t-test); and a verdict.
// Source-only and target-only always run, because every method is judged against them.
import type { LabelledDomain } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import { TransferLabError } from "../core/errors.js";
import type { Adapter, FitData } from "../adapt/types.js";
import { getMethod, type MethodName } from "../adapt/registry.js";
import type { DomainPair } from "../data/pair.js";
import { estimatorFactory, type EstimatorName } from "../estimators/registry.js";
import { splitTargetForProtocol, type Protocol } from "./protocol.js";
import { resolveScale, scalePair, type Scale, type ScaleInfo } from "./scale.js";
import { runFitTasks } from "./fit-pool.js";
import type { FitOutcome, FitTask } from "./fit-task.js";
import { summarize, pairedComparison, transferVerdict, type PairedComparison, type Summary } from "./stats.js";

export const EVALUATE_SCHEMA = "transferlab.evaluate/1";

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
  /** Called after each fit with a short message. */
  progress?: (done: number, total: number, message: string) => void;
  signal?: AbortSignal;
}

export type Verdict = "gain" | "harm" | "no significant change";

export interface Comparison extends PairedComparison {
  baseline: string;
  verdict: Verdict;
}

export interface MethodResult {
  name: string;
  family: string;
  /** True for the oracle row, which reads target labels no user has. */
  oracle: boolean;
  params: Record<string, unknown>;
  accuracy: Summary & { perSeed: number[] };
  vsSourceOnly: Comparison | null;
  vsTargetOnly: Comparison | null;
  /** Against the stronger of source-only and target-only (higher mean accuracy): the negative-transfer view. */
  verdict: Verdict | "baseline";
  /** Distinct notes the method reported over the seeds. */
  notes: string[];
  /** Seconds of the fit and prediction per seed; a model fitted once (seed-invariant) has its time on the first seed and 0 after. */
  secondsPerSeed: number[];
}

export interface EvaluateResult {
  schema: typeof EVALUATE_SCHEMA;
  source: { name: string; rows: number; features: number };
  target: { name: string; rows: number; features: number };
  protocol: Protocol;
  estimator: EstimatorName;
  scale: ScaleInfo;
  targetLabelsPerClass: number;
  seeds: number[];
  split: { labelled: number; unlabelled: number; test: number };
  methods: MethodResult[];
  notes: string[];
}

const toVerdict = (c: PairedComparison): Verdict => {
  const v = transferVerdict(c);
  return v === "positive transfer" ? "gain" : v === "negative transfer" ? "harm" : "no significant change";
};

export async function evaluate(pair: { source: LabelledDomain; target: LabelledDomain; kind?: DomainPair["kind"] }, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const D = EVALUATE_DEFAULTS;
  const opts = {
    ...options,
    methods: options.methods ?? D.methods, estimator: options.estimator ?? D.estimator,
    targetLabelsPerClass: options.targetLabelsPerClass ?? D.targetLabelsPerClass, seeds: options.seeds ?? D.seeds,
    firstSeed: options.firstSeed ?? D.firstSeed, scale: resolveScale(options.scale ?? D.scale, pair.kind),
    protocol: options.protocol ?? D.protocol, jobs: options.jobs ?? D.jobs,
  };
  if (!Number.isInteger(opts.seeds) || opts.seeds < 1) throw new TransferLabError("INVALID_PARAMETER", `must be a positive integer, got ${opts.seeds}`, { param: "seeds" });
  if (pair.source.X.cols !== pair.target.X.cols) {
    throw new TransferLabError("FEATURE_MISMATCH", `source '${pair.source.name}' has ${pair.source.X.cols} features but target '${pair.target.name}' has ${pair.target.X.cols}`);
  }
  // Baselines first, each method once, in the order asked.
  const names = ["source-only", "target-only", ...opts.methods.filter((m) => m !== "source-only" && m !== "target-only")];
  const methods: Adapter[] = [...new Set(names)].map(getMethod);
  const params = new Map(methods.map((m) => [m.name, m.parseParams(opts.methodParams?.[m.name as MethodName] ?? {})]));
  for (const name of Object.keys(opts.methodParams ?? {})) {
    if (!names.includes(name)) throw new TransferLabError("INVALID_PARAMETER", `parameters given for '${name}', which is not among the methods`, { param: "param" });
  }
  estimatorFactory(opts.estimator, opts.estimatorParams ?? {}); // an unknown estimator or bad parameters fail here, before any fit

  const scaled = scalePair(pair.source.X, pair.target.X, opts.scale);
  const source: LabelledDomain = { ...pair.source, X: scaled.source };
  const target: LabelledDomain = { ...pair.target, X: scaled.target };
  const first = opts.firstSeed;
  const seeds = Array.from({ length: opts.seeds }, (_, i) => first + i);
  const runNotes = new Set<string>();
  let split = { labelled: 0, unlabelled: 0, test: 0 };
  // A method whose inputs are the same at every seed — source-only, or (transductive) a method that never sees
  // target labels, so it reads only the source and all target inputs — is fitted once, with the first seed's
  // stream; that model predicts every target row once and each seed scores its own test rows.
  const seedInvariant = (m: Adapter) => m.needs === "none" || (opts.protocol === "transductive" && m.seesTargetLabels === false);

  // Plan every fit first (tasks carry test inputs, never test labels), run them, then score.
  const tasks: FitTask[] = [];
  const invariantTask = new Map<string, number>();
  const slots: { seed: number; method: Adapter; task: number; test: Int32Array; labels: Int32Array; first: boolean }[] = [];
  for (const seed of seeds) {
    const s = splitTargetForProtocol(target, opts.targetLabelsPerClass, opts.protocol, new Rng(seed).fork("split"));
    s.notes.forEach((n) => runNotes.add(n));
    split = { labelled: s.labelled.X.rows, unlabelled: s.unlabelled.X.rows, test: s.testX.rows };
    for (const m of methods) {
      const invariant = seedInvariant(m);
      let task = invariant ? invariantTask.get(m.name) : undefined;
      const isFirst = task === undefined;
      if (task === undefined) {
        const data: FitData = m.needs === "oracle"
          ? { source, target: s.unlabelled, targetLabelled: s.oraclePool }
          : { source, target: s.unlabelled, ...(s.labelled.X.rows > 0 ? { targetLabelled: s.labelled } : {}) };
        task = tasks.push({
          method: m.name, params: params.get(m.name) as Record<string, unknown>, estimator: opts.estimator,
          estimatorParams: opts.estimatorParams ?? {}, rngSeed: invariant ? first : seed, memoryBudget: opts.memoryBudget,
          data, predictX: invariant ? target.X : s.testX,
        }) - 1;
        if (invariant) invariantTask.set(m.name, task);
      }
      // An invariant task predicted every target row (read this seed's test rows); any other predicted s.testX.
      slots.push({ seed, method: m, task, test: invariant ? s.indices.test : Int32Array.from({ length: s.testX.rows }, (_, k) => k), labels: s.testLabels, first: isFirst });
    }
  }
  const invariantTasks = new Set(invariantTask.values());
  // Fits on the whole source (the invariant ones) are usually the longest: start them first, so that with
  // several jobs the short per-seed fits fill the gaps at the end.
  const order = [...tasks.keys()].sort((a, b) => Number(invariantTasks.has(b)) - Number(invariantTasks.has(a)) || a - b);
  let done = 0;
  const ran = await runFitTasks(order.map((i) => tasks[i]!), {
    jobs: opts.jobs,
    signal: opts.signal,
    onDone: (k) => opts.progress?.(++done, tasks.length, `${tasks[order[k]!]!.method}${invariantTasks.has(order[k]!) ? "" : ` (seed ${tasks[order[k]!]!.rngSeed})`}`),
  });
  const outcomes = new Array<FitOutcome>(tasks.length);
  order.forEach((i, k) => (outcomes[i] = ran[k]!));

  const acc = new Map<string, number[]>(methods.map((m) => [m.name, []]));
  const secs = new Map<string, number[]>(methods.map((m) => [m.name, []]));
  const notes = new Map<string, Set<string>>(methods.map((m) => [m.name, new Set()]));
  for (const slot of slots) {
    const out = outcomes[slot.task]!;
    let correct = 0;
    for (let k = 0; k < slot.test.length; k++) if (out.pred[slot.test[k]!] === slot.labels[k]) correct++;
    acc.get(slot.method.name)!.push((100 * correct) / slot.labels.length);
    secs.get(slot.method.name)!.push(slot.first ? out.seconds : 0);
    out.notes.forEach((n) => notes.get(slot.method.name)!.add(n));
  }

  const so = acc.get("source-only")!, to = acc.get("target-only")!;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const stronger = mean(to) >= mean(so) ? "target-only" : "source-only";
  const results: MethodResult[] = methods.map((m) => {
    const xs = acc.get(m.name)!;
    const isBaseline = m.name === "source-only" || m.name === "target-only";
    const cmp = (base: string, ys: number[]): Comparison | null => {
      if (base === m.name) return null;
      const c = pairedComparison(xs, ys);
      return { ...c, baseline: base, verdict: toVerdict(c) };
    };
    const vsS = cmp("source-only", so), vsT = cmp("target-only", to);
    return {
      name: m.name,
      family: m.family,
      oracle: m.needs === "oracle",
      params: params.get(m.name) as Record<string, unknown>,
      accuracy: { ...summarize(xs), perSeed: xs },
      vsSourceOnly: vsS,
      vsTargetOnly: vsT,
      verdict: isBaseline ? "baseline" : (stronger === "target-only" ? vsT : vsS)!.verdict,
      notes: [...notes.get(m.name)!],
      secondsPerSeed: secs.get(m.name)!,
    };
  });
  return {
    schema: EVALUATE_SCHEMA,
    source: { name: pair.source.name, rows: pair.source.X.rows, features: pair.source.X.cols },
    target: { name: pair.target.name, rows: pair.target.X.rows, features: pair.target.X.cols },
    protocol: opts.protocol,
    estimator: opts.estimator,
    scale: scaled.info,
    targetLabelsPerClass: opts.targetLabelsPerClass,
    seeds,
    split,
    methods: results,
    notes: [...runNotes, ...(methods.some(seedInvariant) ? [`fitted once and scored on every seed's test split, because their inputs do not change with the seed (${opts.protocol === "transductive" ? "source and all target inputs; no target labels" : "source only"}): ${methods.filter(seedInvariant).map((m) => m.name).join(", ")}`] : []), `verdicts compare each method with ${stronger} (the stronger baseline) by a paired t-test over seeds, α = 0.05`],
  };
}

/** A plain-text table of an evaluation, for the terminal. */
export function formatEvaluation(r: EvaluateResult): string {
  const lines: string[] = [];
  lines.push(`${r.source.name} → ${r.target.name}: ${r.protocol}, estimator ${r.estimator}, scale ${r.scale.rule}, ${r.targetLabelsPerClass} target labels/class, ${r.seeds.length} seeds`);
  lines.push(`per seed: ${r.split.labelled} labelled, ${r.split.unlabelled} unlabelled, ${r.split.test} test target points`);
  const head = ["method", "family", "accuracy %", "95% CI", "vs source-only W/T/L p", "vs target-only W/T/L p", "verdict"];
  const rows = r.methods.map((m) => [
    m.oracle ? `${m.name} (ORACLE)` : m.name,
    m.family,
    `${m.accuracy.mean.toFixed(1)} ± ${m.accuracy.sd.toFixed(1)}`,
    `[${m.accuracy.ci95[0].toFixed(1)}, ${m.accuracy.ci95[1].toFixed(1)}]`,
    fmtCmp(m.vsSourceOnly),
    fmtCmp(m.vsTargetOnly),
    m.oracle ? "oracle (upper bound, not a method)" : m.verdict,
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const fmt = (row: string[]) => row.map((c, j) => c.padEnd(w[j]!)).join("  ").trimEnd();
  lines.push(fmt(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(fmt));
  for (const m of r.methods) for (const n of m.notes) lines.push(`note (${m.name}): ${n}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join("\n")}\n`;
}

function fmtCmp(c: Comparison | null): string {
  if (!c) return "—";
  return `${c.wins}/${c.ties}/${c.losses} p=${c.pValue < 0.001 ? "<0.001" : c.pValue.toFixed(3)}`;
}
