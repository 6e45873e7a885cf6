// `transferlab sweep`: expand a spec into evaluations (one per pair × estimator × labels per class × protocol ×
// method variant), plan each with evaluate's planner, and run every distinct fit task once — the baselines that
// the evaluations share have the same id and run once. Finished tasks go to the journal; a rerun skips them.
// Tasks run here on a fit pool, or through an executor (the BullMQ queue). At the end each evaluation is scored
// by evaluate's scorer, and the evaluations of one pair × estimator × labels × protocol merge into one table.
import { fitTracker, type FitProgress, type Progress } from "../../core/progress.js";
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../../core/atomic.js";
import { TransferLabError } from "../../core/errors.js";
import { type DomainPair, resolveScale } from "../../data/index.js";
import { createFitPool } from "../fit-pool.js";
import type { FitOutcome, FitTask } from "../fit-task.js";
import {
  formatEvaluation, planEvaluation, scoreEvaluation, type EvaluateResult, type EvaluationPlan,
} from "../evaluate.js";
import type { MethodName } from "../../adapt/index.js";
import { Journal } from "./journal.js";
import { resultHeader, resultId, type RESULT_VERSIONS } from "../schemas.js";
import type { PairEntry, SweepSpec } from "./spec.js";
import {
  loadPair, pairFingerprint, pairRefOf, taskId, taskParts, type PairRef, type TaskRef, type TaskSettings,
} from "./task.js";

export const SWEEP_SCHEMA = resultId("sweep");

/** Runs tasks somewhere else (a queue); calls `done` for each finished task, possibly more than once per id. */
export interface TaskExecutor {
  /** `files`: the local path of each data file by content hash, for workers that fetch them. */
  /** `progress`: a running task's own progress (fraction, "method: message") as its worker reports it. */
  run(work: { tasks: TaskRef[]; files: Map<string, string> }, done: (id: string, outcome: FitOutcome, by: string) => void, signal?: AbortSignal, progress?: (id: string, fraction: number, message?: string) => void): Promise<{ failures: Map<string, string> }>;
}

export interface SweepOptions {
  /** The folder of the journal and the results. */
  out: string;
  /** Fit threads when running here (default 1). */
  jobs?: number;
  /** Run the tasks through this instead of here. */
  executor?: TaskExecutor;
  /** Tasks done of all (those in the journal count as done), and the fits running now. */
  progress?: Progress;
  /** A long fit's own progress (fraction, "method: message"), run here or by an executor's workers. */
  fitProgress?: FitProgress;
  signal?: AbortSignal;
}

/** One table: a pair × estimator × labels per class × protocol, every method variant beside the baselines. */
export interface SweepTable {
  pair: string;
  estimator: string;
  targetLabelsPerClass: number;
  protocol: string;
  /** evaluate's result, the rows of every variant (named e.g. "ot-sinkhorn[reg=0.01]" in a grid). */
  evaluation: EvaluateResult | null;
  /** Variants whose tasks failed, with the first error. */
  failed: { method: string; error: string }[];
}

export interface SweepSummary {
  schema: typeof SWEEP_SCHEMA;
  version: (typeof RESULT_VERSIONS)["sweep"];
  /** Distinct tasks in the sweep. */
  tasks: number;
  /** Tasks finished (journaled) by this run. */
  done: number;
  /** Tasks found finished in the journal. */
  skipped: number;
  failed: number;
  /** Journal records of an already-recorded task (0 unless the journal was damaged by hand). */
  duplicates: number;
  /** Per pair, per method variant: accuracies over the seeds. */
  results: { pair: string; estimator: string; targetLabelsPerClass: number; protocol: string; methods: { name: string; mean: number; sd: number; perSeed: number[] }[] }[];
  failures: { task: string; method: string; error: string }[];
  /** Every table, with evaluate's full result (also in DIR/results.json). */
  tables: SweepTable[];
}

interface Group {
  pairIndex: number;
  key: string;
  variant: SweepSpec["variants"][number];
  settings: TaskSettings;
  plan: EvaluationPlan;
  ids: string[];
}

export async function runSweep(spec: SweepSpec, opts: SweepOptions): Promise<SweepSummary> {
  // Everything that can fail on the spec fails here, before the journal is touched or any task runs.
  const pairs = await Promise.all(spec.pairs.map((p, i) => loadEntry(p, i)));
  const groups: Group[] = [];
  const refs = new Map<string, { ref: TaskRef; task: FitTask; invariant: boolean }>();
  for (const [pi, { pair, ref: pairRef, fingerprint }] of pairs.entries()) {
    for (const est of spec.estimators) for (const k of spec.targetLabelsPerClass) for (const protocol of spec.protocols) {
      const settings: TaskSettings = {
        estimator: est.name, estimatorParams: est.params, targetLabelsPerClass: k, protocol,
        scale: resolveScale(spec.scale, pair.kind), ...(spec.memoryBudget !== undefined ? { memoryBudget: spec.memoryBudget } : {}),
      };
      for (const variant of spec.variants) {
        const method = variant.method as MethodName;
        const methodParams: Record<string, Record<string, unknown>> = { [method]: variant.params };
        const plan = planEvaluation(pair, { ...settings, methods: [method], methodParams, seeds: spec.seeds, firstSeed: spec.firstSeed });
        const parts = taskParts(plan.tasks);
        const ids = plan.tasks.map((task, t) => {
          const id = taskId(fingerprint, settings, task, parts[t]!);
          if (!refs.has(id)) {
            const ref: TaskRef = { id, pair: pairRef, fingerprint, settings, method: task.method, params: methodParams[task.method] ?? {}, seed: task.rngSeed, part: parts[t]! };
            refs.set(id, { ref, task, invariant: plan.invariant.has(t) });
          }
          return id;
        });
        groups.push({ pairIndex: pi, key: `${pi}|${est.name}|${JSON.stringify(est.params)}|${k}|${protocol}`, variant, settings, plan, ids });
      }
    }
  }

  const journal = Journal.open(opts.out);
  const failures = new Map<string, string>();
  let done = 0, skipped = 0;
  try {
    const pending = [...refs.values()].filter((r) => !journal.done.has(r.ref.id));
    skipped = refs.size - pending.length;
    // The fits on the whole source (seed-invariant) are usually the longest: start them first.
    pending.sort((a, b) => Number(b.invariant) - Number(a.invariant));
    const index = new Map(pending.map((p, k) => [p.ref.id, k]));
    const fits = fitTracker(pending.length, (k) => `seed ${pending[k]!.ref.seed} ${pending[k]!.ref.method}`, (d, _, now) => opts.progress?.(skipped + d, refs.size, now));
    const record = (id: string, outcome: FitOutcome, by: string) => {
      const r = refs.get(id);
      if (!r || !journal.append(id, outcome, by)) return; // not ours, or already recorded
      done++;
      fits.finish(index.get(id)!);
    };
    if (opts.executor) {
      const files = new Map(pairs.flatMap((p) => p.files));
      const fitProgress = opts.fitProgress;
      const r = await opts.executor.run({ tasks: pending.map((p) => p.ref), files }, record, opts.signal, fitProgress && ((_, f, m) => fitProgress(f, m)));
      r.failures.forEach((e, id) => journal.done.has(id) || failures.set(id, e));
    } else {
      await runHere(pending.map((p) => p.task), pending.map((p) => p.ref.id), opts.jobs ?? 1, record, failures, opts.signal, fits.start, opts.fitProgress);
    }
  } finally {
    journal.close();
  }

  const tables = mergeTables(groups, pairs.map((p) => p.pair), journal.done, failures);
  const summary: SweepSummary = {
    ...resultHeader("sweep"), tasks: refs.size, done, skipped, failed: failures.size, duplicates: journal.duplicates,
    results: tables.filter((t) => t.evaluation).map((t) => ({
      pair: t.pair, estimator: t.estimator, targetLabelsPerClass: t.targetLabelsPerClass, protocol: t.protocol,
      // A diverged method has no accuracy: it is in the table (tables[].evaluation) with where it diverged.
      methods: t.evaluation!.methods.flatMap((m) => (m.accuracy ? [{ name: m.name, mean: m.accuracy.mean, sd: m.accuracy.sd, perSeed: m.accuracy.perSeed }] : [])),
    })),
    failures: [...failures].map(([id, error]) => ({ task: id, method: refs.get(id)!.ref.method, error })),
    tables,
  };
  writeJsonAtomic(join(opts.out, "results.json"), summary);
  writeFileAtomic(join(opts.out, "results.txt"), formatSweep(tables));
  return summary;
}

async function loadEntry(entry: PairEntry, i: number): Promise<{ pair: DomainPair; ref: PairRef; fingerprint: string; files: [string, string][] }> {
  try {
    const ref = pairRefOf(entry);
    const files: [string, string][] = ref.kind === "files" && entry.kind === "files" ? [[ref.source.sha256, entry.source], [ref.target.sha256, entry.target]] : [];
    const pair = await loadPair(ref, (b) => files.find(([sha]) => sha === b.sha256)![1]);
    return { pair, ref, fingerprint: pairFingerprint(pair), files };
  } catch (e) {
    if (!(e instanceof TransferLabError)) throw e;
    throw new TransferLabError(e.code, e.message, { param: `pairs[${i}]` });
  }
}

/** Runs tasks on a fit pool of `jobs` threads (in this thread for one job); failures are recorded, not thrown. */
async function runHere(tasks: FitTask[], ids: string[], jobs: number, record: (id: string, o: FitOutcome, by: string) => void, failures: Map<string, string>, signal?: AbortSignal, onStart?: (k: number) => void, fitProgress?: FitProgress): Promise<void> {
  const pool = await createFitPool(Math.min(jobs, Math.max(1, tasks.length)));
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      if (signal?.aborted) throw new TransferLabError("ABORTED", "the sweep was aborted", { param: "signal" });
      const k = next++;
      onStart?.(k);
      try {
        const t = tasks[k]!;
        record(ids[k]!, await pool.run(t, signal, fitProgress && ((f, m) => fitProgress(f, `${t.method}${m ? `: ${m}` : ""}`))), "local");
      } catch (e) {
        if (e instanceof TransferLabError && e.code === "ABORTED") throw e;
        failures.set(ids[k]!, e instanceof Error ? e.message : String(e));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: pool.size }, lane));
  } finally {
    await pool.close();
  }
}

/** Scores each evaluation whose tasks all finished and merges the variants of one table. */
function mergeTables(groups: Group[], pairs: DomainPair[], done: Map<string, FitOutcome>, failures: Map<string, string>): SweepTable[] {
  const tables = new Map<string, SweepTable>();
  for (const g of groups) {
    let t = tables.get(g.key);
    if (!t) {
      t = { pair: pairs[g.pairIndex]!.name, estimator: g.settings.estimator, targetLabelsPerClass: g.settings.targetLabelsPerClass, protocol: g.settings.protocol, evaluation: null, failed: [] };
      tables.set(g.key, t);
    }
    const failedId = g.ids.find((id) => failures.has(id));
    if (failedId || g.ids.some((id) => !done.has(id))) {
      t.failed.push({ method: g.variant.label, error: failedId ? failures.get(failedId)! : "not run" });
      continue;
    }
    const r = scoreEvaluation(g.plan, g.ids.map((id) => done.get(id)!));
    // The rows evaluate adds by itself (source-only, target-only, source-only-net) are the same in every evaluation
    // of the table: kept once. The variant's row is named after the variant.
    t.evaluation ??= { ...r, methods: [] };
    for (const m of r.methods) {
      const name = m.name === g.variant.method ? g.variant.label : m.name;
      if (!t.evaluation.methods.some((x) => x.name === name)) t.evaluation.methods.push({ ...m, name });
    }
    t.evaluation.notes = [...new Set([...t.evaluation.notes, ...r.notes])];
  }
  return [...tables.values()];
}

export function formatSweep(tables: SweepTable[]): string {
  return tables.map((t) => [
    t.evaluation ? formatEvaluation(t.evaluation) : `${t.pair}: estimator ${t.estimator}, ${t.targetLabelsPerClass} target labels/class, ${t.protocol}: no complete evaluation\n`,
    ...t.failed.map((f) => `failed (${f.method}): ${f.error}\n`),
  ].join("")).join("\n");
}
