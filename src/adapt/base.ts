// The shared base behind every method (DESIGN.md "One contract for every method"): a method states only what
// its family needs — an instance method computes source weights, a feature method learns a map, a baseline
// picks its training set — and the base validates the data, trains the final estimator, applies the map at
// prediction time and reports notes. A new method is one file using one of the define* helpers below plus one
// line in ./methods.ts; the conformance suite (test/adapt/conformance.test.ts) then covers it automatically.
import { z } from "zod";
import { Matrix } from "../core/matrix.js";
import type { Labels, LabelledDomain, Domain } from "../core/domain.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertFinite, assertSameFeatures } from "../core/validate.js";
import { bytesSchema, checkDomainArg, describe, fnSchema, rejectPrototypeKeys, rngSchema, signalSchema } from "../core/args.js";
import type { Estimator } from "../estimators/index.js";
import type { Adapter, Family, FitContext, FitData, FitDetails, FittedModel, Needs, ParamDoc } from "./types.js";
import { identityMap, type TargetMap } from "./target-map.js";
import { checkedMap, constantPredictor, savedState } from "./model-state.js";

export {
  DEFAULT_MEMORY_BUDGET, memoryBudget, denseBytes, fitsBudget, requireBudget, formatBytes,
} from "../core/budget.js";

// ---------------------------------------------------------------------------------------------------------
// What each family returns to the base
// ---------------------------------------------------------------------------------------------------------

/** The training set the base fits the final estimator on, and how target inputs reach its feature space. */
export interface TrainingPlan {
  X: Matrix;
  y: Labels;
  /** Per-row weights (non-negative, finite, not all zero); the base rescales them to mean 1. */
  sampleWeight?: Float64Array | Float32Array;
  /** Maps target-domain inputs into the space of X at prediction time; identity when absent. A map without
   * `state` works but cannot be saved (see ./target-map.ts). */
  mapTarget?: TargetMap;
  /** Maps new source-domain inputs into the space of X (held-out source rows, for source validation);
   * identity when absent. */
  mapSource?: (X: Matrix) => Matrix;
  notes?: string[];
  details?: FitDetails;
}

/** What an instance method returns: one weight per source row (in source order). */
export type InstanceWeights = Float64Array | { weights: Float64Array; notes?: string[]; details?: FitDetails };

/** What a feature or OT method returns: the source rows in the learned space and the target map. */
export interface LearnedMap {
  /** Source rows mapped into the learned space, same order as data.source (OT: transported source points). */
  mappedSource: Matrix;
  /** Target-domain inputs into the same space (identity for OT, which moves the source onto the target); build
   * it with ./target-map.ts (identityMap, linearMap, savableMap) so the fitted model can be saved. */
  mapTarget: TargetMap;
  /** New source-domain inputs into the same space (CORAL: the source map; OT: the displacement of the nearest
   * training point); identity when absent. Used to validate on held-out source rows. */
  mapSource?: (X: Matrix) => Matrix;
  /** Also train on the few labelled target points (mapped by mapTarget). Default false: the unsupervised
   * protocol, whose reference numbers train on the (mapped) source only. Feature augmentation sets true. */
  includeTargetLabelled?: boolean;
  notes?: string[];
  details?: FitDetails;
}

type MaybePromise<T> = T | Promise<T>;

interface CommonSpec<S extends z.ZodObject> {
  /** Registry key, kebab-case (e.g. "coral", "ot-sinkhorn"). */
  name: string;
  description: string;
  /** The paper the method follows (authors, title, venue, year). */
  reference: string;
  /** Parameters: a zod object whose every field has a `.default(...)` and a `.describe("one line")`. */
  params: S;
  /** Which target data the method needs (see Needs). Defaults per helper. */
  needs?: Needs;
  /** May the method read `targetLabelled`? Default: true only when `needs` is "labelled" or "oracle" (and for
   * defineMethod). When false the base strips targetLabelled from the data before the method sees it. */
  seesTargetLabels?: boolean;
}

export interface MethodSpec<S extends z.ZodObject> extends CommonSpec<S> {
  family: Family;
  needs: Needs;
  /** Builds the training plan; the base trains the estimator on it. */
  plan(data: FitData, params: z.output<S>, ctx: FitContext): MaybePromise<TrainingPlan>;
}

export interface InstanceSpec<S extends z.ZodObject> extends CommonSpec<S> {
  /** Source weights (length = source rows). Must not train the final estimator. */
  weights(data: FitData, params: z.output<S>, ctx: FitContext): MaybePromise<InstanceWeights>;
}

export interface FeatureSpec<S extends z.ZodObject> extends CommonSpec<S> {
  /** "feature" (default) or "ot". */
  family?: "feature" | "ot";
  fitMap(data: FitData, params: z.output<S>, ctx: FitContext): MaybePromise<LearnedMap>;
}

export interface BaselineSpec<S extends z.ZodObject> extends CommonSpec<S> {
  needs: Needs;
  /** The training set (inputs in the original space; no target map). */
  trainingSet(data: FitData, params: z.output<S>, ctx: FitContext): MaybePromise<{ X: Matrix; y: Labels; notes?: string[] }>;
}

// ---------------------------------------------------------------------------------------------------------
// define* helpers
// ---------------------------------------------------------------------------------------------------------

/** An adapter whose name has its literal type, so the registry can type method names as a union (MethodName). */
export type Named<A extends Adapter<any>, N extends string> = A & { readonly name: N };

/** The general builder every family helper uses; use it directly for methods that fit no family (self-training). */
export function defineMethod<S extends z.ZodObject, N extends string>(spec: MethodSpec<S> & { name: N }): Named<Adapter<z.output<S>>, N> {
  if (!/^[a-z][a-z0-9-]*$/.test(spec.name)) throw new TransferLabError("INTERNAL", `method name '${spec.name}' must be kebab-case`);
  const paramDocs = paramDocsOf(spec.params, spec.name);
  const parseParams = (raw: Record<string, unknown>): z.output<S> => parseWith(spec.params, raw, spec.name);
  const seesTargetLabels = spec.seesTargetLabels ?? true;
  return {
    name: spec.name,
    family: spec.family,
    description: spec.description,
    reference: spec.reference,
    needs: spec.needs,
    seesTargetLabels,
    paramDocs,
    parseParams,
    async fit(data, ctx, raw = {}) {
      checkFitContext(ctx, spec.name);
      const params = parseParams(raw as Record<string, unknown>);
      validateFitData(data, spec.needs, spec.name);
      throwIfAborted(ctx.signal);
      // A method that does not use target labels never receives them (what it cannot read, it cannot leak).
      const seen: FitData = seesTargetLabels ? data : { source: data.source, target: data.target };
      const plan = await spec.plan(seen, params, ctx);
      throwIfAborted(ctx.signal);
      return trainFinal(plan, numClassesOf(data), ctx, spec.name, data.source.X.cols);
    },
  };
}

export function defineInstanceMethod<S extends z.ZodObject, N extends string>(spec: InstanceSpec<S> & { name: N }): Named<Adapter<z.output<S>>, N> {
  return defineMethod({
    ...spec,
    family: "instance",
    needs: spec.needs ?? "unlabelled",
    seesTargetLabels: spec.seesTargetLabels ?? labelsNeeded(spec.needs ?? "unlabelled"),
    async plan(data, params, ctx) {
      const out = await spec.weights(data, params, ctx);
      const r = out instanceof Float64Array ? { weights: out } : out;
      checkWeights(r.weights, data.source.X.rows, spec.name);
      return {
        X: data.source.X,
        y: data.source.y,
        sampleWeight: r.weights,
        notes: r.notes,
        details: { ...r.details, weights: r.weights },
      };
    },
  });
}

export function defineFeatureMethod<S extends z.ZodObject, N extends string>(spec: FeatureSpec<S> & { name: N }): Named<Adapter<z.output<S>>, N> {
  return defineMethod({
    ...spec,
    family: spec.family ?? "feature",
    needs: spec.needs ?? "unlabelled",
    seesTargetLabels: spec.seesTargetLabels ?? labelsNeeded(spec.needs ?? "unlabelled"),
    async plan(data, params, ctx) {
      const map = await spec.fitMap(data, params, ctx);
      const src = map.mappedSource;
      if (src.rows !== data.source.X.rows) {
        throw new TransferLabError("INTERNAL", `method '${spec.name}' mapped ${src.rows} source rows, expected ${data.source.X.rows}`);
      }
      assertFinite(src, `method '${spec.name}' mapped source`);
      let X = src;
      let y = data.source.y;
      const tl = data.targetLabelled;
      if (map.includeTargetLabelled && tl && tl.X.rows > 0) {
        const mt = map.mapTarget(tl.X);
        X = Matrix.vstack([src, mt]);
        y = concatLabels(y, tl.y);
      }
      return {
        X,
        y,
        mapTarget: map.mapTarget,
        mapSource: map.mapSource,
        notes: map.notes,
        details: { ...map.details, mappedSource: src },
      };
    },
  });
}

export function defineBaseline<S extends z.ZodObject, N extends string>(spec: BaselineSpec<S> & { name: N }): Named<Adapter<z.output<S>>, N> {
  return defineMethod({
    ...spec,
    family: "baseline",
    seesTargetLabels: spec.seesTargetLabels ?? labelsNeeded(spec.needs),
    async plan(data, params, ctx) {
      const t = await spec.trainingSet(data, params, ctx);
      return { X: t.X, y: t.y, notes: t.notes };
    },
  });
}

function labelsNeeded(needs: Needs): boolean {
  return needs === "labelled" || needs === "oracle";
}

// ---------------------------------------------------------------------------------------------------------
// Training the final estimator
// ---------------------------------------------------------------------------------------------------------

/** Classes = max label + 1 over the source and the labelled target (and the source's class names). */
export function numClassesOf(data: FitData): number {
  let k = data.source.classNames?.length ?? 0;
  for (const v of data.source.y) if (v + 1 > k) k = v + 1;
  if (data.targetLabelled) for (const v of data.targetLabelled.y) if (v + 1 > k) k = v + 1;
  return k;
}

/** Trains the final estimator on a plan and wraps prediction through the plan's target map. */
export async function trainFinal(plan: TrainingPlan, k: number, ctx: FitContext, method: string, inputs?: number): Promise<FittedModel> {
  const { X, y } = plan;
  if (X.rows !== y.length) throw new TransferLabError("INTERNAL", `method '${method}' planned ${X.rows} rows but ${y.length} labels`);
  if (X.rows === 0) throw new TransferLabError("TOO_FEW_LABELS", `method '${method}' has no labelled rows to train on`, { param: "data.source" });
  assertFinite(X, `method '${method}' training features`);
  const notes = [...(plan.notes ?? [])];
  const details: FitDetails = { ...(plan.details ?? {}) };
  const map = plan.mapTarget ?? identityMap();
  const dim = X.cols;
  const toFeatures = checkedMap(map, dim, method, inputs);
  const toSourceFeatures = checkedMap(plan.mapSource ?? identityMap(), dim, method, inputs);

  let w: Float32Array | undefined;
  if (plan.sampleWeight) w = normalisedWeights(plan.sampleWeight, X.rows, method);

  // Only one class to learn from (e.g. the few target labels all share a class): predict it, with certainty.
  const present = distinct(y, w);
  if (present.length === 1) {
    const c = present[0]!;
    notes.push(`only class ${c} present in the training labels: constant prediction`);
    return {
      notes,
      details,
      save: () => savedState({ kind: "constant", numClasses: k, cls: c, features: dim, inputs }, map, method, notes),
      ...constantPredictor(c, k, toFeatures),
      predictSource: (Xs) => new Int32Array(Xs.rows).fill(c),
    };
  }

  const est: Estimator = ctx.estimator();
  if (w && !est.supportsSampleWeight && !isUniform(w)) {
    throw new TransferLabError("UNSUPPORTED", `estimator '${est.name}' cannot use the sample weights method '${method}' computed`, { param: "estimator" }, "choose an estimator that supports sample weights (svc, logreg, knn, mlp)");
  }
  await est.fit(X, y, { sampleWeight: w, numClasses: k, rng: ctx.rng.fork(`estimator:${method}`), signal: ctx.signal, memoryBudget: ctx.memoryBudget });
  details.estimator = est;
  return {
    notes,
    details,
    save: () => savedState({ kind: "estimator", numClasses: k, features: dim, inputs, estimator: est.save() }, map, method, notes),
    predict: (Xt) => est.predict(toFeatures(Xt)),
    predictProba: (Xt) => est.predictProba(toFeatures(Xt)),
    predictSource: (Xs) => est.predict(toSourceFeatures(Xs)),
    ...(est.calibrated ? {
      calibrateOnSource: (Xs: Matrix, ys: Labels) => {
        const c = est.calibrated!(toSourceFeatures(Xs), ys);
        return (Xt: Matrix) => c.predictProba(toFeatures(Xt));
      },
    } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------

/** The context a library caller passes to Adapter.fit: an Rng and an estimator factory are required. */
export function checkFitContext(ctx: unknown, method: string, needsEstimator = true): asserts ctx is FitContext {
  const parse = (needsEstimator ? fitContextSchema : fitContextSchema.partial({ estimator: true })).safeParse(ctx);
  if (parse.success) return;
  const issue = parse.error.issues[0]!;
  const param = issue.path.map(String).join(".") || "ctx";
  throw new TransferLabError("INVALID_PARAMETER", `method '${method}': the fit context's ${param} ${issue.message.replace(/^Invalid input: /, "")}`, { param: `ctx.${param}` }, "fit(data, { rng: new Rng(seed), estimator: () => new SVC() })");
}

const fitContextSchema = z.object({
  rng: rngSchema,
  estimator: fnSchema<() => Estimator>(),
  probabilisticEstimator: fnSchema<() => Estimator>().optional(),
  progress: fnSchema<(fraction: number, message?: string) => void>().optional(),
  signal: signalSchema.optional(),
  memoryBudget: bytesSchema.optional(),
});

/** The checks every method gets before it runs: typed errors for the usual ways data goes wrong. */
export function validateFitData(data: FitData, needs: Needs, method: string): void {
  if (data === null || typeof data !== "object") throw new TransferLabError("INVALID_PARAMETER", `method '${method}' needs data { source, target, targetLabelled? }, got ${describe(data)}`, { param: "data" });
  const { source, target, targetLabelled } = data;
  if (!source) throw new TransferLabError("MISSING_LABELS", `method '${method}' needs a labelled source domain`, { param: "data.source" });
  checkDomainArg(source, "source", "required");
  if (!target) throw new TransferLabError("EMPTY_DOMAIN", `method '${method}' needs target inputs`, { param: "data.target" });
  checkDomainArg(target, "target", "optional");
  if (targetLabelled !== undefined) checkDomainArg(targetLabelled, "targetLabelled", "required");
  checkDomain(source, "source");
  checkLabels(source as LabelledDomain, "source");
  // The methods never see target labels through `target`: a labelled target here means test labels leaked.
  if ((target as Domain).y !== undefined) {
    throw new TransferLabError("TEST_LABEL_LEAK", `target domain '${target.name}' passed to '${method}' carries labels`, {}, "pass target inputs without labels (withoutLabels); labelled target points go in targetLabelled");
  }
  checkDomain(target, "target");
  assertSameFeatures(source, target);
  if (targetLabelled) {
    if (targetLabelled.y === undefined) throw new TransferLabError("MISSING_LABELS", `targetLabelled '${targetLabelled.name}' has no labels`);
    if (targetLabelled.X.rows > 0) {
      assertFinite(targetLabelled.X, `domain '${targetLabelled.name}'`);
      assertSameFeatures(source, targetLabelled);
    }
    checkLabels(targetLabelled, "targetLabelled");
  }
  if ((needs === "labelled" || needs === "oracle") && (!targetLabelled || targetLabelled.X.rows === 0)) {
    throw new TransferLabError("TOO_FEW_LABELS", `method '${method}' needs labelled target points, none were given`, { param: "data.targetLabelled" }, "give target labels (e.g. --target-labels-per-class K with K ≥ 1)");
  }
}

function checkDomain(d: Domain, role: string): void {
  if (d.X.rows === 0) throw new TransferLabError("EMPTY_DOMAIN", `${role} domain '${d.name}' has no rows`, { param: `data.${role}` });
  if (d.X.cols === 0) throw new TransferLabError("EMPTY_DOMAIN", `${role} domain '${d.name}' has no features`, { param: `data.${role}` });
  assertFinite(d.X, `${role} domain '${d.name}'`);
}

function checkLabels(d: LabelledDomain, role: string): void {
  if (d.y.length !== d.X.rows) throw new TransferLabError("SHAPE_MISMATCH", `${role} domain '${d.name}' has ${d.X.rows} rows but ${d.y.length} labels`);
  for (let i = 0; i < d.y.length; i++) {
    const v = d.y[i]!;
    if (!(v >= 0)) throw new TransferLabError("LABEL_MISMATCH", `${role} domain '${d.name}' has label ${v} at row ${i + 1}; labels are class indices 0..k-1`, { row: i + 1 });
  }
}


function checkWeights(w: Float64Array, n: number, method: string): void {
  if (!(w instanceof Float64Array) || w.length !== n) {
    throw new TransferLabError("INTERNAL", `method '${method}' returned ${w?.length} weights for ${n} source rows`);
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v) || v < 0) throw new TransferLabError("INTERNAL", `method '${method}' returned weight ${v} for source row ${i + 1}`);
    sum += v;
  }
  if (!(sum > 0)) throw new TransferLabError("INTERNAL", `method '${method}' gave every source row weight 0`);
}

/** Weights rescaled to mean 1, so an estimator's regularisation means the same as without weights. */
function normalisedWeights(w: Float64Array | Float32Array, n: number, method: string): Float32Array {
  if (w.length !== n) throw new TransferLabError("INTERNAL", `method '${method}' gave ${w.length} weights for ${n} rows`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i]!;
  if (!(sum > 0) || !Number.isFinite(sum)) throw new TransferLabError("INTERNAL", `method '${method}' gave weights summing to ${sum}`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (w[i]! * n) / sum;
  return out;
}

function isUniform(w: Float32Array): boolean {
  for (let i = 1; i < w.length; i++) if (w[i] !== w[0]) return false;
  return true;
}

/** Classes with at least one row of positive weight, ascending. */
function distinct(y: Labels, w?: Float32Array): number[] {
  const s = new Set<number>();
  for (let i = 0; i < y.length; i++) if (!w || w[i]! > 0) s.add(y[i]!);
  return [...s].sort((a, b) => a - b);
}

export function concatLabels(a: Labels, b: Labels): Labels {
  const out = new Int32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Parameters (zod) → docs and validation
// ---------------------------------------------------------------------------------------------------------

export function paramDocsOf(schema: z.ZodObject, method: string): ParamDoc[] {
  const docs: ParamDoc[] = [];
  for (const [name, field] of Object.entries(schema.shape)) {
    const f = field as z.ZodType;
    const r = f.safeParse(undefined);
    if (!r.success) throw new TransferLabError("INTERNAL", `method '${method}': parameter '${name}' needs a default`);
    docs.push({ name, default: r.data, doc: f.description ?? "" });
  }
  return docs;
}

export function parseWith<S extends z.ZodObject>(schema: S, raw: Record<string, unknown>, method: string): z.output<S> {
  rejectPrototypeKeys(raw, `method '${method}'`);
  const r = schema.strict().safeParse(raw ?? {});
  if (r.success) return r.data as z.output<S>;
  const issue = r.error.issues[0]!;
  const known = Object.keys(schema.shape);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    throw invalidParam(key, `method '${method}' has no parameter '${key}'`, known.length ? `its parameters: ${known.join(", ")}` : "it takes no parameters");
  }
  const param = issue.path.map(String).join(".") || "(params)";
  throw invalidParam(param, `method '${method}': ${issue.message}`, `got ${JSON.stringify((raw as Record<string, unknown>)[issue.path[0] as string])}`);
}

// ---------------------------------------------------------------------------------------------------------
// Memory budget (core/budget.ts, shared with metrics and experiment) and abort, for O(n²) methods
// ---------------------------------------------------------------------------------------------------------

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TransferLabError("ABORTED", "fit was aborted", { param: "signal" });
}
