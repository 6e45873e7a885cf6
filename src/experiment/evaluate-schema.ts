// results.json of `transferlab evaluate --out DIR`: the EvaluateResult, checked against this schema before it is
// written (a result that does not match is a bug, never a file). Its header is `schema: "transferlab/evaluate"`
// plus `version` (./schemas.ts); bump RESULT_VERSIONS.evaluate when a field changes meaning or disappears. Objects
// are loose: a field added later passes through, so adding one needs no bump.
import { z } from "zod";
import { resultHeaderShape } from "./schemas.js";
import { TRANSFER_VERDICTS } from "./verdict.js";

const pct = z.number().min(0).max(100);
const interval = z.tuple([z.number(), z.number()]);
const verdict = z.enum(Object.values(TRANSFER_VERDICTS));
const rowVerdict = z.union([verdict, z.enum(["baseline", "oracle", "diverged"])]);

const comparison = z.looseObject({
  baseline: z.string(),
  verdict,
  test: z.enum(["McNemar mid-p", "paired bootstrap", "no test"]),
  testReason: z.string(),
  meanDiff: z.number(),
  ci95: interval.nullable(),
  pValue: z.number().min(0).max(1).nullable(),
  wins: z.number().int().min(0),
  ties: z.number().int().min(0),
  losses: z.number().int().min(0),
});

const method = z.looseObject({
  name: z.string(),
  family: z.string(),
  oracle: z.boolean(),
  params: z.record(z.string(), z.unknown()),
  /** Null for a method whose fit diverged (then `diverged` lists the seeds): never scored. */
  accuracy: z.looseObject({ n: z.number().int().positive(), mean: pct, sd: z.number().min(0), ci95: z.tuple([pct, pct]), perSeed: z.array(pct), ciMethod: z.string() }).nullable(),
  diverged: z.array(z.looseObject({ seed: z.number().int(), iteration: z.number().int().positive(), term: z.string().min(1), value: z.string() })).default([]),
  degenerate: z.looseObject({ kind: z.string(), class: z.number().int(), message: z.string() }).nullable(),
  vsSourceOnly: comparison.nullable(),
  vsTargetOnly: comparison.nullable(),
  verdict: rowVerdict,
  notes: z.array(z.string()),
  unconvergedFits: z.number().int().min(0),
  secondsPerSeed: z.array(z.number().min(0)),
  /** Parameter transfer: mean source accuracy on held-out source rows before/after fine-tuning, and per seed. */
  sourceAccuracy: z.looseObject({ before: pct.nullable(), after: pct.nullable(), perSeed: z.array(z.looseObject({ before: pct.nullable(), after: pct.nullable() }).nullable()) }).optional(),
});

const domain = z.looseObject({ name: z.string(), rows: z.number().int().min(0), features: z.number().int().positive() });

export const evaluateResultsSchema = z.looseObject({
  ...resultHeaderShape("evaluate"),
  source: domain,
  target: domain,
  protocol: z.enum(["transductive", "inductive"]),
  estimator: z.string(),
  scale: z.looseObject({ rule: z.enum(["global", "standard", "none"]) }),
  targetLabelsPerClass: z.number().int().min(0),
  seeds: z.array(z.number().int()).min(1),
  split: z.looseObject({ labelled: z.number().int().min(0), unlabelled: z.number().int().min(0), test: z.number().int().min(0) }),
  margin: z.number().min(0),
  alpha: z.number().gt(0).lt(1),
  methods: z.array(method).min(1),
  /** evaluate --validators (src/experiment/select-benchmark.ts SelectionSummary). */
  selection: z.looseObject({
    validators: z.record(z.string(), z.looseObject({ spearman: z.number().min(-1).max(1).nullable(), regret: z.number().min(0), pick: z.string() })),
    guard: z.looseObject({ pick: z.string(), accuracy: pct, regret: z.number().min(0) }),
  }).optional(),
  notes: z.array(z.string()),
});
