// One unit of `transferlab evaluate`: fit one method on one seed's FitData and predict a given set of target
// inputs. Runs the same way in this thread or in a worker thread (fit-worker.ts), so the numbers do not depend
// on where it ran. A task carries the test inputs but never the test labels: those stay with the caller.
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { TransferLabError, type ErrorCode, type ErrorLocation } from "../core/errors.js";
import type { Domain, Labels } from "../core/domain.js";
import { type Divergence, type FitData, divergenceOf, getMethod } from "../adapt/index.js";
import { estimatorFactory, type EstimatorName } from "../estimators/index.js";

export interface FitTask {
  method: string;
  /** The method's parsed parameters. */
  params: Record<string, unknown>;
  estimator: EstimatorName;
  estimatorParams: Record<string, unknown>;
  /** The method's random stream is new Rng(rngSeed).fork(`method:<name>`). */
  rngSeed: number;
  memoryBudget?: number;
  data: FitData;
  /** Target inputs to predict. */
  predictX: Matrix;
  /** Also the class probabilities of predictX's first `probaRows` rows (selection's entropy/SND: the target
   * inputs, not its other probes); skipped when the estimator has none and cannot be calibrated. */
  probaRows?: number;
  /** Held-out source inputs to predict through the method's source map (selection's source validation). */
  predictSourceX?: Matrix;
  /** Their labels: when probaRows is set and the estimator gives no probabilities (SVC without Platt scaling),
   * the probabilities are calibrated on these held-out source rows instead (FittedModel.calibrateOnSource). */
  predictSourceY?: Labels;
  /** Return a diverged fit as an outcome with `diverged` set instead of failing with its DIVERGED error. */
  keepDiverged?: boolean;
}

export interface FitOutcome {
  pred: Int32Array;
  /** predictX's probabilities (rows × cols), when asked for and available. */
  proba?: { cols: number; data: Float32Array };
  /** The probabilities were Platt-scaled on the held-out source rows (FitTask.predictSourceY). */
  probaCalibratedOnSource?: boolean;
  sourcePred?: Int32Array;
  notes: string[];
  /** False when the method's solver stopped at its iteration cap (FitDetails.converged). */
  converged: boolean;
  /** Parameter transfer: accuracy (%) on the held-out source rows before and after fine-tuning (forgetting). */
  sourceAccuracy?: { before: number | null; after: number | null };
  seconds: number;
  /** Set when the fit diverged (a deep method's loss turned non-finite or its features collapsed) and the task kept it
   * (keepDiverged): then there are no predictions (pred is empty); the caller reports a diverged run, never an accuracy. */
  diverged?: Divergence;
}

export async function runFitTask(task: FitTask, signal?: AbortSignal, progress?: (fraction: number, message?: string) => void): Promise<FitOutcome> {
  const m = getMethod(task.method);
  const factory = estimatorFactory(task.estimator, task.estimatorParams);
  // Methods that rank by confidence need probabilities; SVC gives them through Platt scaling.
  const probFactory = task.estimator === "svc" ? estimatorFactory("svc", { ...task.estimatorParams, probability: true }) : factory;
  const t0 = performance.now();
  let fit;
  try {
    fit = await m.fit(task.data, {
      rng: new Rng(task.rngSeed).fork(`method:${task.method}`),
      sharedSeed: task.rngSeed,
      estimator: factory,
      probabilisticEstimator: probFactory,
      memoryBudget: task.memoryBudget,
      signal,
      ...(progress ? { progress } : {}),
    }, task.params);
  } catch (e) {
    const diverged = divergenceOf(e);
    if (diverged === null || !task.keepDiverged) throw e;
    return { pred: new Int32Array(0), notes: [], converged: true, seconds: (performance.now() - t0) / 1000, diverged };
  }
  const pred = Int32Array.from(fit.predict(task.predictX));
  let proba: FitOutcome["proba"];
  const sx = task.predictSourceX, sy = task.predictSourceY;
  let calibrated = false;
  if (task.probaRows) {
    const X = task.predictX.rows === task.probaRows ? task.predictX : task.predictX.sliceRows(0, task.probaRows);
    try {
      const P = fit.predictProba(X);
      proba = { cols: P.cols, data: P.data };
    } catch (e) {
      if (!(e instanceof TransferLabError && e.code === "UNSUPPORTED")) throw e;
      if (fit.calibrateOnSource && sx && sy) {
        const P = fit.calibrateOnSource(sx, sy)(X);
        proba = { cols: P.cols, data: P.data };
        calibrated = true;
      }
    }
  }
  const sourcePred = sx ? Int32Array.from(fit.predictSource ? fit.predictSource(sx) : fit.predict(sx)) : undefined;
  const sourceAccuracy = fit.details.sourceAccuracy as FitOutcome["sourceAccuracy"] | undefined;
  return {
    pred, ...(proba ? { proba } : {}), ...(sourcePred ? { sourcePred } : {}), ...(sourceAccuracy ? { sourceAccuracy } : {}),
    notes: [...fit.notes], ...(calibrated ? { probaCalibratedOnSource: true } : {}), converged: fit.details.converged !== false,
    seconds: (performance.now() - t0) / 1000,
  };
}

// ---- crossing a thread boundary: structured clone keeps typed arrays but not classes -------------------------
interface WireMatrix { rows: number; cols: number; data: Float32Array }
type WireDomain = Omit<Domain, "X"> & { X: WireMatrix };
export interface WireTask extends Omit<FitTask, "data" | "predictX" | "predictSourceX"> {
  data: { source: WireDomain; target: WireDomain; targetLabelled?: WireDomain };
  predictX: WireMatrix;
  predictSourceX?: WireMatrix;
}

const wireMatrix = (X: Matrix): WireMatrix => ({ rows: X.rows, cols: X.cols, data: X.data });
const wireDomain = (d: Domain): WireDomain => ({ ...d, X: wireMatrix(d.X) });
const fromWireMatrix = (w: WireMatrix): Matrix => new Matrix(w.rows, w.cols, w.data);
const fromWireDomain = (w: WireDomain) => ({ ...w, X: fromWireMatrix(w.X) });

export function toWire(t: FitTask): WireTask {
  const { source, target, targetLabelled } = t.data;
  return {
    ...t,
    data: { source: wireDomain(source), target: wireDomain(target), ...(targetLabelled ? { targetLabelled: wireDomain(targetLabelled) } : {}) },
    predictX: wireMatrix(t.predictX),
    ...(t.predictSourceX ? { predictSourceX: wireMatrix(t.predictSourceX) } : {}),
  };
}

export function fromWire(w: WireTask): FitTask {
  const { source, target, targetLabelled } = w.data;
  const { predictSourceX, ...rest } = w;
  return {
    ...rest,
    data: {
      source: fromWireDomain(source) as FitData["source"],
      target: fromWireDomain(target) as FitData["target"],
      ...(targetLabelled ? { targetLabelled: fromWireDomain(targetLabelled) as FitData["source"] } : {}),
    },
    predictX: fromWireMatrix(w.predictX),
    ...(predictSourceX ? { predictSourceX: fromWireMatrix(predictSourceX) } : {}),
  };
}

export interface WireError { code?: ErrorCode; message: string; where?: ErrorLocation; hint?: string; stack?: string }

export function errorToWire(e: unknown): WireError {
  if (e instanceof TransferLabError) return { code: e.code, message: e.message, where: e.where, hint: e.hint };
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: err.message, stack: err.stack };
}

/** The error a task raised, as the caller would have seen it had the task run in its own thread. */
export function errorFromWire(w: WireError): Error {
  if (w.code) return TransferLabError.revive(w.code, w.message, w.where ?? {}, w.hint);
  const e = new Error(w.message);
  if (w.stack) e.stack = w.stack;
  return e;
}
