// `transferlab select`: choose a method (and its parameters) without target-test labels. One run:
//   1. hold out 20 % of the source (stratified) — the source-validation rows;
//   2. a logistic-regression domain classifier (training source vs target inputs) gives p_t/p_s at those rows;
//   3. fit every candidate (methods × grid, plus source-only, and target-only when labelled target points exist)
//      on the rest of the source, every target input and the labelled target points; predict the shared probes;
//      a candidate that reads target labels is also refitted once per fold (5-fold, stratified; target-only one
//      point per class out per fold) so each labelled point is predicted by a fit that did not see it;
//   4. score each candidate with the validators (src/selection) and choose by the declared rule + the guard.
// Step 3 is two plans of the protocol runner (./runner.ts), as evaluate and demo use it: the candidates' fits on
// the probes (run, not scored: the probes have no labels), and cv-target as a cross-fitted run whose test set is
// the labelled target points. The cost is evaluate's fits (on 80 % of the source) plus the folds.
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import type { FitProgress, Progress } from "../core/progress.js";
import { TransferLabError } from "../core/errors.js";
import type { LabelledDomain, UnlabelledDomain, Labels } from "../core/domain.js";
import { takeDomainRows } from "../core/domain.js";
import { type Adapter, getMethod, numClassesOf } from "../adapt/index.js";
import { estimatorFactory, type EstimatorName, LogisticRegression } from "../estimators/index.js";
import {
  domainClassifierWeights, mixProbes, scoreCandidate, VALIDATORS, type Probes, type ScoreOrWhyNot,
  type ValidatorName, choose, type Choice, type ScoredCandidate,
} from "../selection/index.js";
import { planProtocol, runPlan, scoreProtocol, singleFitOutcomes, type RunEntry } from "./runner.js";
import { resultHeader, resultId, type RESULT_VERSIONS } from "./schemas.js";

export const SELECT_SCHEMA = resultId("select");
/** Most folds for target-only's cross-validation (one per point of its smallest class, up to this). */
const TARGET_ONLY_FOLDS = 20;

export interface CandidateSpec { method: string; params: Record<string, unknown> }

export interface SelectOptions {
  candidates: CandidateSpec[];
  estimator?: EstimatorName;
  estimatorParams?: Record<string, unknown>;
  seed?: number;
  validators?: readonly ValidatorName[];
  /** The validator that chooses (default: cv-target with labelled target points, else dev; when neither is among
   *  the validators, the first of them). */
  rule?: ValidatorName;
  sourceValFraction?: number;
  folds?: number;
  /** Largest target sample SND uses (it is O(n²)). */
  sndMax?: number;
  jobs?: number;
  memoryBudget?: number;
  signal?: AbortSignal;
  /** Fits done of all, and the fits running now. */
  progress?: Progress;
  /** A long fit's own progress (fraction, "method: message"), also from worker threads. */
  fitProgress?: FitProgress;
  /** Extra target rows every candidate also predicts (evaluate --validators: the test rows). Never scored here. */
  extraX?: Matrix;
}

export interface SelectData { source: LabelledDomain; target: UnlabelledDomain; targetLabelled?: LabelledDomain }

export interface CandidateResult extends ScoredCandidate {
  method: string;
  params: Record<string, unknown>;
  seconds: number;
  notes: string[];
  /** Predictions of opts.extraX. */
  extraPred?: Int32Array;
}

export interface SelectRun {
  schema: typeof SELECT_SCHEMA;
  version: (typeof RESULT_VERSIONS)["select"];
  validators: ValidatorName[];
  split: { sourceTrain: number; sourceVal: number; targetInputs: number; targetLabelled: number; folds: number };
  candidates: CandidateResult[];
  choice: Choice;
  seconds: number;
  notes: string[];
}

/** "coral" or "coral(lambda=0.1)": how candidates are named in tables. */
export function candidateLabel(c: CandidateSpec): string {
  const kv = Object.entries(c.params);
  return kv.length ? `${c.method}(${kv.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(",")})` : c.method;
}

/** methods × grid: each method once with its defaults, or once per combination of its grid values. */
export function expandCandidates(methods: readonly string[], grid: Record<string, Record<string, unknown[]>> = {}, fixed: Record<string, Record<string, unknown>> = {}): CandidateSpec[] {
  for (const m of Object.keys(grid)) {
    if (!methods.includes(m)) throw new TransferLabError("INVALID_PARAMETER", `a grid is given for '${m}', which is not among the methods`, { param: "grid" });
  }
  const out: CandidateSpec[] = [];
  for (const method of methods) {
    let combos: Record<string, unknown>[] = [{ ...fixed[method] }];
    for (const [k, vs] of Object.entries(grid[method] ?? {})) combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [k]: v })));
    for (const params of combos) {
      getMethod(method).parseParams(params); // a bad value fails before any fit
      out.push({ method, params });
    }
  }
  return out;
}

/** Stratified hold-out of `fraction` of each class (at least one row of each class stays for training). */
function stratifiedHoldOut(y: Labels, fraction: number, rng: Rng): { train: Int32Array; val: Int32Array } {
  const byClass = new Map<number, number[]>();
  y.forEach((c, i) => (byClass.get(c) ?? byClass.set(c, []).get(c)!).push(i));
  const val: number[] = [];
  for (const [, rows] of [...byClass].sort((a, b) => a[0] - b[0])) {
    const r = Int32Array.from(rows);
    rng.shuffle(r);
    const take = Math.min(Math.round(rows.length * fraction), rows.length - 1);
    for (let q = 0; q < take; q++) val.push(r[q]!);
  }
  const isVal = new Uint8Array(y.length);
  for (const i of val) isVal[i] = 1;
  return { train: Int32Array.from({ length: y.length }, (_, i) => i).filter((i) => !isVal[i]), val: Int32Array.from(val).sort() };
}

/** Fold of each labelled point: classes dealt round-robin after a shuffle, so every fold has each class. */
function stratifiedFolds(y: Labels, folds: number, rng: Rng): Int32Array {
  const fold = new Int32Array(y.length);
  const byClass = new Map<number, number[]>();
  y.forEach((c, i) => (byClass.get(c) ?? byClass.set(c, []).get(c)!).push(i));
  let next = 0;
  for (const [, rows] of [...byClass].sort((a, b) => a[0] - b[0])) {
    const r = Int32Array.from(rows);
    rng.shuffle(r);
    for (const i of r) fold[i] = next++ % folds;
  }
  return fold;
}

export async function runSelection(data: SelectData, opts: SelectOptions): Promise<SelectRun> {
  const t0 = performance.now();
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed).fork("select");
  const estimator = opts.estimator ?? "svc";
  const estimatorParams = opts.estimatorParams ?? {};
  estimatorFactory(estimator, estimatorParams);
  const { source, target } = data;
  const tl = data.targetLabelled && data.targetLabelled.X.rows > 0 ? data.targetLabelled : undefined;
  // The validators and the rule are settled before any work. The default rule is one of the validators run:
  // cv-target with labelled target points, else dev, else the first asked for.
  const names = (opts.validators ?? VALIDATORS).filter((v) => v !== "cv-target" || tl);
  if (names.length === 0) throw new TransferLabError("INVALID_PARAMETER", "no validator can run: cv-target needs labelled target points", { param: "validators" });
  const rule = opts.rule ?? (tl && names.includes("cv-target") ? "cv-target" : names.includes("dev") ? "dev" : names[0]!);
  if (!names.includes(rule)) throw new TransferLabError("INVALID_PARAMETER", `the rule '${rule}' is not among the validators run (${names.join(", ")})`, { param: "rule" });
  const notes: string[] = [];

  // 1. Source validation rows.
  const { train, val } = stratifiedHoldOut(source.y, opts.sourceValFraction ?? 0.2, rng.fork("source-val"));
  const sourceTrain = takeDomainRows(source, train, `${source.name} (train)`) as LabelledDomain;
  const sourceVal = takeDomainRows(source, val, `${source.name} (validation)`) as LabelledDomain;
  // 2. Importance weights at the validation rows from a domain classifier.
  const dc = new LogisticRegression({ C: 1 });
  const dom = new Int32Array(sourceTrain.X.rows + target.X.rows);
  dom.fill(1, sourceTrain.X.rows);
  dc.fit(Matrix.vstack([sourceTrain.X, target.X]), dom, { numClasses: 2, rng: rng.fork("domain-classifier") });
  const pT = dc.predictProba(sourceVal.X);
  const weights = domainClassifierWeights(Float64Array.from({ length: pT.rows }, (_, i) => pT.data[i * 2 + 1]!), sourceTrain.X.rows, target.X.rows);
  // Shared target probes.
  const nt = target.X.rows;
  const mixPerm = rng.fork("mixval").permutation(nt);
  const mixed = mixProbes(target.X, mixPerm);
  const sndMax = opts.sndMax ?? 1000;
  const sndRows = nt <= sndMax ? Int32Array.from({ length: nt }, (_, i) => i) : rng.fork("snd").permutation(nt).subarray(0, sndMax).sort();
  if (nt > sndMax) notes.push(`snd on a random ${sndMax} of the ${nt} target inputs (it is O(n²))`);
  const numClasses = numClassesOf({ source, target, ...(tl ? { targetLabelled: tl } : {}) });

  // 3. Candidates: the baselines first.
  const specs: (CandidateSpec & { baseline?: "source-only" | "target-only" })[] = [{ method: "source-only", params: {}, baseline: "source-only" }];
  if (tl) specs.push({ method: "target-only", params: {}, baseline: "target-only" });
  for (const c of opts.candidates) {
    if ((c.method === "source-only" || c.method === "target-only") && Object.keys(c.params).length === 0) continue;
    if (getMethod(c.method).needs === "oracle") throw new TransferLabError("INVALID_PARAMETER", "the oracle reads test labels and cannot be a selection candidate", { param: "methods" });
    if (!tl && (getMethod(c.method).needs === "labelled")) { notes.push(`${candidateLabel(c)} skipped: it needs labelled target points`); continue; }
    if (specs.some((p) => candidateLabel(p) === candidateLabel(c))) continue; // the same candidate twice: fitted once
    specs.push(c);
  }
  const folds = tl ? Math.max(2, Math.min(opts.folds ?? 5, ...countsPerClass(tl.y))) : 0;
  const fold = tl ? stratifiedFolds(tl.y, folds, rng.fork("folds")) : new Int32Array(0);
  // Target-only trains on the labelled points alone (cheap fits), so it gets as many folds as its smallest class has
  // points (up to TARGET_ONLY_FOLDS): each fold holds out one point per class, so every fit trains on nearly all
  // of them with the classes still balanced. Leave-one-out would unbalance every fit against the held-out point's
  // class — a pessimistic bias of LOO for classifiers with an intercept (measured in docs/selection.md).
  const targetOnlyFolds = tl ? (() => {
    const count = Math.min(TARGET_ONLY_FOLDS, ...countsPerClass(tl.y));
    return { assign: stratifiedFolds(tl.y, count, rng.fork("folds:target-only")), count };
  })() : { assign: new Int32Array(0), count: 0 };
  const targetOnlyWhyNot = tl && targetOnlyFolds.count < 2 ? "target-only cannot be cross-validated: a class has only one labelled point (each fold would train without it)" : undefined;
  const predictX = Matrix.vstack([target.X, mixed, ...(tl ? [tl.X] : []), ...(opts.extraX ? [opts.extraX] : [])]);
  const entries: RunEntry[] = specs.map((c) => ({ id: candidateLabel(c), method: c.method, params: c.params }));
  const fitData = { source: sourceTrain, target, ...(tl ? { targetLabelled: tl } : {}) };
  const common = { estimator, estimatorParams, seeds: [seed], memoryBudget: opts.memoryBudget };
  // On the protocol runner, two plans. (a) Every candidate fitted once on this split; its "test" rows are the
  // validators' probes (target inputs, MixVal's mixed rows, the labelled points, any extra rows), plus the held-out
  // source rows and target probabilities. Nothing is scored here: the probes have no labels.
  const probesPlan = planProtocol({ ...common, methods: entries, split: () => ({ data: fitData, testX: predictX, probes: { sourceX: sourceVal.X, sourceY: sourceVal.y, probaRows: nt } }) });
  // (b) cv-target: the labelled points are the test set of a cross-fitted protocol — each candidate that reads
  // target labels is refitted once per fold and predicts the fold it did not see (target-only: one point per class
  // out per fold). A candidate blind to target labels needs no refit: (a)'s fit never saw them.
  const readsLabels = (m: Adapter) => m.seesTargetLabels !== false && !(m.name === "target-only" && targetOnlyWhyNot);
  const cvEntries = tl ? entries.filter((e) => readsLabels(getMethod(e.method))) : [];
  const cvPlan = tl && cvEntries.length > 0 ? planProtocol({
    ...common, methods: cvEntries, split: () => ({ data: fitData, testX: tl.X, testLabels: tl.y }),
    crossFit: (m) => {
      const { assign, count } = m.name === "target-only" ? targetOnlyFolds : { assign: fold, count: folds };
      return Array.from({ length: count }, (_, f) => {
        const inIdx: number[] = [], outIdx: number[] = [];
        assign.forEach((g, i) => (g === f ? outIdx : inIdx).push(i));
        return { data: { ...fitData, targetLabelled: takeDomainRows(tl, inIdx) as LabelledDomain }, testIndex: Int32Array.from(outIdx) };
      });
    },
  }) : undefined;
  const total = probesPlan.tasks.length + (cvPlan?.tasks.length ?? 0);
  const run = { jobs: opts.jobs ?? 1, signal: opts.signal, fitProgress: opts.fitProgress };
  const fitted = singleFitOutcomes(probesPlan, await runPlan(probesPlan, { ...run, progress: (d, _, m) => opts.progress?.(d, total, m) }));
  const cv = cvPlan ? scoreProtocol(cvPlan, await runPlan(cvPlan, { ...run, progress: (d, _, m) => opts.progress?.(probesPlan.tasks.length + d, total, m) })) : undefined;
  const outs = entries.map((e) => fitted.get(e.id)![0]!);

  if (outs.some((o) => o.probaCalibratedOnSource)) notes.push(`entropy and snd: the ${estimator} gives no probabilities, so each candidate's are Platt-scaled on the held-out source rows (no refit)`);
  // 4. Score and choose.
  const probes: Probes = { sourceValX: sourceVal.X, sourceValY: sourceVal.y, weights, targetX: target.X, numClasses, sndRows, mixPerm, ...(tl ? { targetLabelledY: tl.y } : {}) };
  const nl = tl?.X.rows ?? 0;
  const candidates: CandidateResult[] = specs.map((c, s) => {
    const o = outs[s]!;
    const cvRun = cv?.methods.find((r) => r.id === entries[s]!.id);
    let cvPred: Int32Array | undefined;
    if (cvRun) cvPred = cvRun.predictions[0]!;
    else if (tl && !(c.method === "target-only" && targetOnlyWhyNot)) cvPred = o.pred.slice(2 * nt, 2 * nt + nl); // blind to target labels: its fit never saw them
    const targetProba = o.proba ? new Matrix(nt, o.proba.cols, o.proba.data.slice(0, nt * o.proba.cols)) : undefined;
    const scores: Partial<Record<ValidatorName, ScoreOrWhyNot>> = scoreCandidate({
      sourceValPred: o.sourcePred!, targetPred: o.pred.subarray(0, nt), mixPred: o.pred.subarray(nt, 2 * nt),
      ...(targetProba ? { targetProba } : {}), ...(cvPred ? { cvPred } : {}),
      ...(c.method === "target-only" && targetOnlyWhyNot ? { cvWhyNot: targetOnlyWhyNot } : {}),
    }, probes, names);
    return {
      label: entries[s]!.id, method: c.method, params: probesPlan.entries[s]!.params, ...(c.baseline ? { baseline: c.baseline } : {}),
      scores, seconds: o.seconds + (cvRun?.secondsPerSeed[0] ?? 0), notes: o.notes,
      ...(opts.extraX ? { extraPred: o.pred.slice(2 * nt + nl) } : {}),
    };
  });
  const choice = choose(candidates, rule);
  return {
    ...resultHeader("select"), validators: [...names],
    split: { sourceTrain: train.length, sourceVal: val.length, targetInputs: nt, targetLabelled: nl, folds },
    candidates, choice, seconds: (performance.now() - t0) / 1000, notes,
  };
}

function countsPerClass(y: Labels): number[] {
  const m = new Map<number, number>();
  for (const c of y) m.set(c, (m.get(c) ?? 0) + 1);
  return [...m.values()];
}

/** The candidate table and the choice's reasons, for the terminal. */
export function formatSelection(r: SelectRun): string {
  const head = ["candidate", ...r.validators, "seconds"];
  const cell = (s: ScoreOrWhyNot | undefined) => (s && "score" in s ? `${s.score.toFixed(3)}${s.se !== null ? `±${s.se.toFixed(3)}` : ""}` : "—");
  const rows = r.candidates.map((c) => [`${c.label}${c.label === r.choice.pick ? " *" : ""}`, ...r.validators.map((v) => cell(c.scores[v])), c.seconds.toFixed(1)]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const fmt = (row: string[]) => row.map((c, j) => c.padEnd(w[j]!)).join("  ").trimEnd();
  const lines = [
    `source ${r.split.sourceTrain} train + ${r.split.sourceVal} validation rows; target ${r.split.targetInputs} inputs, ${r.split.targetLabelled} labelled${r.split.folds ? ` (${r.split.folds}-fold for methods that read them)` : ""}`,
    fmt(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(fmt), "",
    `chosen: ${r.choice.pick}${r.choice.guarded ? ` (guard: ${r.choice.best} was best under ${r.choice.rule})` : ""}`,
    ...r.choice.reasons.map((s) => `  ${s}`),
    ...r.notes.map((n) => `note: ${n}`),
  ];
  for (const c of r.candidates) for (const n of c.notes) lines.push(`note (${c.label}): ${n}`);
  return `${lines.join("\n")}\n`;
}
