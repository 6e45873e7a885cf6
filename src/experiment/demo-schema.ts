// results.json of `transferlab demo`, versioned. Accuracies are percentages (0–100) everywhere.
// Its header is `schema: "transferlab/demo"` plus `version` (./schemas.ts); bump RESULT_VERSIONS.demo when a field
// changes meaning or disappears; adding optional fields keeps it.
import { z } from "zod";
import { SIGNIFICANCE_VERDICTS } from "./verdict.js";
import { resultId, RESULT_VERSIONS } from "./schemas.js";

export const DEMO_RESULTS_SCHEMA_ID = resultId("demo");
export const DEMO_RESULTS_VERSION = RESULT_VERSIONS.demo;

export const METHOD_IDS = ["scratch", "direct", "mmd"] as const;
export type MethodId = (typeof METHOD_IDS)[number];

const pct = z.number().min(0).max(100);
const perMethod = <T extends z.ZodType>(t: T) => z.object({ scratch: t, direct: t, mmd: t });
const confusion = z.array(z.array(z.number().int().min(0)));

export const summarySchema = z.object({
  n: z.number().int().positive(),
  mean: pct,
  sd: z.number().min(0),
  /** Student's t over seeds, clipped to [0, 100] (an accuracy's range); [mean, mean] with one seed. */
  ci95: z.tuple([pct, pct]),
  ciMethod: z.string(),
});

export const comparisonSchema = z.object({
  method: z.enum(METHOD_IDS),
  baseline: z.enum(METHOD_IDS),
  wins: z.number().int().min(0),
  ties: z.number().int().min(0),
  losses: z.number().int().min(0),
  /** Mean of method − baseline, in percentage points. */
  meanDiff: z.number(),
  /** Null with one seed: there is no test (v1 wrote p = 1). */
  pValue: z.number().min(0).max(1).nullable(),
  test: z.enum(["paired t-test", "none (one seed)"]),
});

export const demoSettingsSchema = z.object({
  protocol: z.enum(["separate-unlabelled", "transductive"]),
  protocolText: z.string(),
  dataGenerator: z.enum(["transferlab", "numpy-legacy"]),
  rotationDeg: z.number(),
  sourceN: z.number().int().positive(),
  sourceMeans: z.array(z.tuple([z.number(), z.number()])),
  sourceSigma: z.number().positive(),
  targetMeans: z.array(z.tuple([z.number(), z.number()])),
  targetSigma: z.number().positive(),
  targetLabelledN: z.number().int().positive(),
  targetTestN: z.number().int().positive(),
  /** 0 in the transductive protocol (the test inputs are the unlabelled sample). */
  targetUnlabelledN: z.number().int().min(0),
  svm: z.object({ kernel: z.literal("rbf"), C: z.number(), gamma: z.literal("auto"), gammaValue: z.number() }),
  mmd: z.object({
    hidden: z.array(z.number().int()),
    lambda: z.number(),
    mmdGamma: z.number(),
    estimator: z.literal("biased"),
    epochs: z.number().int(),
    batchSize: z.number().int(),
    lr: z.number(),
    optimizer: z.literal("adam"),
    fineTuneSteps: z.number().int(),
  }),
  labelGrid: z.array(z.number().int().positive()),
});

export const seedResultSchema = z.object({
  seed: z.number().int(),
  accuracy: perMethod(pct),
  confusion: perMethod(confusion),
  mmdTraining: z.object({
    /** null when no epoch ran (--epochs 0). */
    epochLossFirst: z.number().nullable(),
    epochLossLast: z.number().nullable(),
    /** Biased MMD² between the features of every 5th source row and of the unlabelled target sample,
     *  before and after pretraining (the training objective's term, γ 1). */
    featureMmd2Before: z.number(),
    featureMmd2After: z.number(),
    seconds: z.number().min(0),
  }),
  labelEfficiency: z.array(z.object({ n: z.number().int().positive(), accuracy: perMethod(pct) })),
});

export const labelCurvePointSchema = z.object({ method: z.enum(METHOD_IDS), n: z.number().int().positive(), summary: summarySchema });

export const demoResultsSchema = z.object({
  schema: z.literal(DEMO_RESULTS_SCHEMA_ID),
  version: z.literal(DEMO_RESULTS_VERSION),
  transferlab: z.string(),
  createdAt: z.string(),
  settings: demoSettingsSchema,
  seeds: z.array(z.number().int()).min(1),
  methods: z.array(z.object({ id: z.enum(METHOD_IDS), name: z.string(), role: z.enum(["baseline", "method"]), description: z.string() })),
  perSeed: z.array(seedResultSchema).min(1),
  summary: perMethod(summarySchema),
  comparisons: z.array(comparisonSchema),
  verdict: z.object({
    label: z.enum(SIGNIFICANCE_VERDICTS),
    line: z.string(),
  }),
  labelEfficiency: z.object({
    grid: z.array(z.number().int().positive()),
    curves: z.array(labelCurvePointSchema),
    /** Mean from-scratch accuracy with all target labels (the bar to match). */
    scratchAtMax: z.number(),
    /** Fewest labels (on the grid) with which MMD transfer's mean accuracy reaches scratchAtMax; null if none. */
    mmdLabelsToMatch: z.number().int().positive().nullable(),
    /** Fewest labels with which from-scratch's mean reaches MMD transfer's mean at the smallest grid size; null if none. */
    scratchLabelsToMatchMmdAtMin: z.number().int().positive().nullable().optional(),
    line: z.string(),
  }),
  timings: z.object({
    totalSeconds: z.number().min(0),
    trainingSeconds: z.number().min(0),
    /** Figures, t-SNE and report.html (absent with --no-plots). */
    figuresSeconds: z.number().min(0).optional(),
  }),
  /** The t-SNE map of the learned features (first seed), when figures were made. */
  featureMap: z.object({
    seed: z.number().int(),
    points: z.number().int().positive(),
    trustworthiness: z.number().min(0).max(1),
    kl: z.number(),
    seconds: z.number().min(0),
  }).optional(),
  files: z.array(z.string()),
});

export type DemoResults = z.output<typeof demoResultsSchema>;
export type DemoSettings = z.output<typeof demoSettingsSchema>;
export type SeedResult = z.output<typeof seedResultSchema>;
