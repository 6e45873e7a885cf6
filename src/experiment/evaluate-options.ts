// evaluate's boundary: its options parsed strictly (the CLI's defaults, EVALUATE_DEFAULTS, fill what is absent),
// the pair checked (labels, classes the source lacks, enough test points per class), and the memory the plan
// would hold estimated — all before any fit. planEvaluation (and so evaluate, sweep) calls these first.
import type { FitProgress, Progress } from "../core/progress.js";
import { z } from "zod";
import { TransferLabError } from "../core/errors.js";
import { bytesSchema, checkDomainArg, checkLabelsBelow, parseArgs, paramRecord, positiveInt, fnSchema, seedSchema, signalSchema, SEED_LIMIT } from "../core/args.js";
import { memoryBudget, requireBudget } from "../core/budget.js";
import type { LabelledDomain } from "../core/domain.js";
import { VALIDATORS } from "../selection/index.js";

/** Fewer test points than this in a target class is an error unless `minTestPerClass` says otherwise: an accuracy
 *  over 2 test points per class is noise (issue 13: K = 150 on 100-point classes left 2). */
export const MIN_TEST_PER_CLASS = 5;

const nonNegInt = z.number().int("must be an integer").nonnegative();

export const evaluateOptionsSchema = z.strictObject({
  methods: z.array(z.string()).optional(),
  methodParams: z.record(z.string(), paramRecord).optional(),
  estimator: z.string().optional(),
  estimatorParams: paramRecord.optional(),
  targetLabelsPerClass: nonNegInt.optional(),
  seeds: positiveInt.optional(),
  firstSeed: seedSchema.optional(),
  scale: z.enum(["auto", "global", "standard", "none"]).optional(),
  protocol: z.enum(["transductive", "inductive"]).optional(),
  memoryBudget: bytesSchema.optional(),
  jobs: positiveInt.max(256).optional(),
  margin: z.number().nonnegative().finite().optional(),
  alpha: z.number().gt(0).lt(1).optional(),
  progress: fnSchema<Progress>().optional(),
  /** Called with the running fit's fraction and message (long steps: KMM, JDA, Sinkhorn, Lp-L1, self-training). */
  fitProgress: fnSchema<FitProgress>().optional(),
  signal: signalSchema.optional(),
  validators: z.array(z.enum(VALIDATORS)).optional(),
  grid: z.record(z.string(), z.record(z.string(), z.array(z.unknown()))).optional(),
  rule: z.enum(VALIDATORS).optional(),
  minTestPerClass: nonNegInt.optional(),
});

export function parseEvaluateOptions(options: unknown): z.output<typeof evaluateOptionsSchema> {
  const o = parseArgs(evaluateOptionsSchema, options ?? {}, "evaluate");
  if (o.seeds !== undefined && (o.firstSeed ?? 0) + o.seeds > SEED_LIMIT) {
    throw new TransferLabError("INVALID_PARAMETER", `evaluate: seeds ${o.firstSeed ?? 0} … ${(o.firstSeed ?? 0) + o.seeds - 1} go past 2^32 − 1, the largest seed`, { param: "seeds" });
  }
  return o;
}

/** The pair: labelled domains with the same features; every target class present in the source. */
export function checkEvaluatePair(pair: unknown): asserts pair is { source: LabelledDomain; target: LabelledDomain } {
  if (pair === null || typeof pair !== "object") throw new TransferLabError("INVALID_PARAMETER", `evaluate needs a pair { source, target }, got ${pair === null ? "null" : typeof pair}`, { param: "pair" });
  const { source, target } = pair as Record<string, unknown>;
  checkDomainArg(source, "source", "required");
  checkDomainArg(target, "target", "required");
  const s = source as LabelledDomain, t = target as LabelledDomain;
  if (s.X.rows === 0 || t.X.rows === 0) throw new TransferLabError("EMPTY_DOMAIN", `evaluate needs rows in both domains, got ${s.X.rows} source and ${t.X.rows} target rows`, { param: s.X.rows === 0 ? "source" : "target" });
  const sourceCounts = classCounts(s.y);
  const k = sourceCounts.length;
  checkLabelsBelow(t.y, k, "target", `the source's classes are 0…${k - 1}`);
  for (let i = 0; i < t.y.length; i++) {
    const c = t.y[i]!;
    if (sourceCounts[c] === 0) {
      throw new TransferLabError("LABEL_MISMATCH", `target has class ${s.classNames?.[c] ?? c} at row ${i + 1}, which the source lacks (no source row has it)`, { row: i + 1, param: "target.y" }, "a source model can never predict it; drop those target rows or add source rows of that class");
    }
  }
}

/** Refuses a K that leaves fewer than `min` test points in a target class (the draw would silently cap K). */
export function checkTestPointsPerClass(target: LabelledDomain, K: number, protocol: "transductive" | "inductive", min: number): void {
  if (K === 0 || min === 0) return;
  const counts = classCounts(target.y);
  for (let c = 0; c < counts.length; c++) {
    const n = counts[c]!;
    if (n === 0) continue;
    const rest = n - Math.min(K, n - 1);
    const test = protocol === "inductive" ? Math.floor(rest / 2) : rest;
    if (test < min) {
      const name = target.classNames?.[c] ?? String(c);
      throw new TransferLabError("TOO_FEW_LABELS", `${K} target labels per class leave ${test} test point${test === 1 ? "" : "s"} in class ${name} (${n} rows${K >= n ? `; K would be capped at ${n - 1}` : ""}), fewer than the minimum of ${min}`, { param: "targetLabelsPerClass" },
        `use at most ${Math.max(0, protocol === "inductive" ? n - 2 * min : n - min)} target labels per class (library: minTestPerClass accepts fewer test points explicitly)`);
    }
  }
}

/** Bytes the plan holds before any fit: per seed the unlabelled target, the test inputs and the oracle pool copies. */
export function checkPlanMemory(target: LabelledDomain, seeds: number, ctx: { memoryBudget?: number }): void {
  const perSeed = 3 * target.X.rows * target.X.cols * 4 + 3 * target.X.rows * 4;
  requireBudget(ctx, seeds * perSeed, `planning ${seeds} seeds (per seed ≈ 3 copies of the ${target.X.rows}×${target.X.cols} target)`, `use fewer seeds; the budget is ${memoryBudget(ctx)} bytes`);
}

/** Rows per class 0…max label (labels are checked below MAX_CLASSES by checkDomainArg, so this stays small). */
function classCounts(y: Int32Array): Int32Array {
  let k = 0;
  for (const v of y) if (v + 1 > k) k = v + 1;
  const counts = new Int32Array(k);
  for (const v of y) counts[v]!++;
  return counts;
}
