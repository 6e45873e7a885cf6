// A sweep task is one of evaluate's fit tasks (fit-task.ts) named by what determines it, so that any process —
// this one, or a queue worker on another machine — can rebuild it, and identified by a hash of those inputs:
//  - the pair, by dataset name or generator spec + seed, or by the content hash of its files;
//  - the pair's data fingerprint (a hash of the loaded matrices and labels: a worker holding other data refuses);
//  - the evaluation settings (scale, protocol, labels per class, estimator) and the method, parameters and seed.
// A task is rebuilt by planning a one-seed evaluation of its method (planEvaluation): a task's inputs depend only
// on its method and seed, so it is the very task the sweep's full plan holds.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { LabelledDomain } from "../../core/domain.js";
import { TransferLabError } from "../../core/errors.js";
import { resolveDomainPair, type DomainPair, type Protocol, type Scale } from "../../data/index.js";
import type { FitTask } from "../fit-task.js";
import { planEvaluation } from "../evaluate.js";
import type { EstimatorName } from "../../estimators/index.js";
import type { MethodName } from "../../adapt/index.js";
import type { PairEntry } from "./spec.js";

/** Bumped when a change to the code alters a task's result for the same inputs (journals then start afresh). */
export const TASK_VERSION = "transferlab.sweep-task/1";

/** A file by its content: the hash, and its base name (the loader reads the format from the extension). */
export interface Blob { sha256: string; name: string }

/** Where a worker finds a pair: a name or spec it can resolve itself, or files it fetches by content hash. */
export type PairRef =
  | { kind: "named"; spec: string; seed: number }
  | { kind: "files"; source: Blob; target: Blob; label?: string | number };

/** The evaluation settings a task shares with its group (evaluate's options without methods and seeds). */
export interface TaskSettings {
  estimator: EstimatorName;
  estimatorParams: Record<string, unknown>;
  targetLabelsPerClass: number;
  scale: Scale;
  protocol: Protocol;
  memoryBudget?: number;
}

/** Everything a worker needs to rebuild and check one task. */
export interface TaskRef {
  id: string;
  pair: PairRef;
  fingerprint: string;
  settings: TaskSettings;
  method: string;
  /** The method's raw parameters as the spec gave them. */
  params: Record<string, unknown>;
  /** The task's seed: its random stream (and, for a per-seed task, its split). */
  seed: number;
  /** Which of the method's tasks on that seed (the transductive oracle is cross-fitted: two folds, two tasks). */
  part: number;
}

export const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

export function pairRefOf(entry: PairEntry): PairRef {
  if (entry.kind === "named") return entry;
  const blob = (f: string): Blob => ({ sha256: sha256(readFileSync(f)), name: basename(f) });
  return { kind: "files", source: blob(entry.source), target: blob(entry.target), ...(entry.label !== undefined ? { label: entry.label } : {}) };
}

/** Loads a pair unscaled (evaluate scales it); `fileOf` gives the local path of a blob. */
export async function loadPair(ref: PairRef, fileOf: (b: Blob) => string | Promise<string>): Promise<DomainPair> {
  if (ref.kind === "named") return resolveDomainPair(ref.spec, { scaling: "none", seed: ref.seed });
  const [source, target] = await Promise.all([fileOf(ref.source), fileOf(ref.target)]);
  return resolveDomainPair({ source, target, ...(ref.label !== undefined ? { label: ref.label } : {}) }, { scaling: "none" });
}

/** A hash of the pair's numbers: shapes, features and labels of both domains. */
export function pairFingerprint(pair: { source: LabelledDomain; target: LabelledDomain }): string {
  const h = createHash("sha256");
  for (const d of [pair.source, pair.target]) {
    h.update(`${d.X.rows}x${d.X.cols};`);
    h.update(new Uint8Array(d.X.data.buffer, d.X.data.byteOffset, d.X.data.byteLength));
    h.update(new Uint8Array(d.y.buffer, d.y.byteOffset, d.y.byteLength));
  }
  return h.digest("hex");
}

/** JSON with object keys sorted at every level, so equal inputs hash equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** The task's id: a hash of its inputs (the method's parameters as parsed, defaults filled in). */
export function taskId(fingerprint: string, settings: TaskSettings, task: FitTask, part: number): string {
  return sha256(canonical({
    v: TASK_VERSION, fingerprint, scale: settings.scale, protocol: settings.protocol, k: settings.targetLabelsPerClass,
    estimator: task.estimator, estimatorParams: task.estimatorParams, memoryBudget: task.memoryBudget,
    method: task.method, params: task.params, seed: task.rngSeed, part,
  })).slice(0, 32);
}

/** Each task's part: its rank among the plan's tasks of the same method and seed (almost always 0). */
export function taskParts(tasks: readonly FitTask[]): number[] {
  const seen = new Map<string, number>();
  return tasks.map((t) => {
    const key = `${t.method}|${t.rngSeed}`;
    const part = seen.get(key) ?? 0;
    seen.set(key, part + 1);
    return part;
  });
}

/** Rebuilds a task from its reference on a loaded pair, checking that the data and the id match. */
export function materialize(ref: TaskRef, pair: DomainPair, fingerprint = pairFingerprint(pair)): FitTask {
  if (fingerprint !== ref.fingerprint) {
    throw new TransferLabError("DATA_FORMAT", `task ${ref.id}: the pair '${pair.name}' loaded here has other data than the sweep's (fingerprint ${fingerprint.slice(0, 12)} ≠ ${ref.fingerprint.slice(0, 12)})`, {}, "use the same transferlab version and data files on every machine");
  }
  const method = ref.method as MethodName;
  const plan = planEvaluation(pair, { ...ref.settings, methods: [method], methodParams: { [method]: ref.params }, seeds: 1, firstSeed: ref.seed });
  const parts = taskParts(plan.tasks);
  const k = plan.tasks.findIndex((t, i) => t.method === ref.method && t.rngSeed === ref.seed && parts[i] === ref.part);
  const task = plan.tasks[k];
  const id = task ? taskId(fingerprint, ref.settings, task, ref.part) : "nothing";
  if (id !== ref.id) throw new TransferLabError("INTERNAL", `task ${ref.id} rebuilt here as ${id}`, {}, "use the same transferlab version on every machine");
  return task!;
}
