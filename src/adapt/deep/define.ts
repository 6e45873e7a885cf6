// The shared base of deep methods (issue 14). A deep method declares its extra modules (e.g. a domain
// discriminator) and the adaptation terms of one training step; the base owns everything else: the backbone
// (CNN for images with a declared shape, else an MLP), the linear head, paired source/target batches in a seeded
// order, the progress p = iteration / iterations, lr annealing lr0·(1 + 10p)^−0.75, the gradient-reversal
// coefficient 2/(1 + e^−10p) − 1, SGD with momentum and weight decay, cross-entropy on the source batch (and on
// the labelled target points when the protocol gives them), divergence detection, evaluation under noGrad,
// progress, abort and the memory budget. A method is one short file plus one line in ../methods.ts.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { TransferLabError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import type { Labels } from "../../core/domain.js";
import {
  Linear, Module, SGD, Tensor, concat, dannCoefficient, gather, noGrad, saveWeightsBase64, loadWeightsBase64, slice, softmax,
  softmaxCrossEntropy, tidy, add, argmaxRows,
} from "../../engine/index.js";
import { checkFitContext, numClassesOf, paramDocsOf, parseWith, requireBudget, throwIfAborted, validateFitData, type Named } from "../base.js";
import type { Adapter, FitContext, FitData, FittedModel, Needs } from "../types.js";
import { buildBackbone, chooseBackbone, type Backbone, type BackboneConfig } from "./backbone.js";

/** The training schedule and backbone every deep method shares (defaults: the reference spec). */
export const deepParams = z.object({
  iterations: z.number().int().min(1).default(1500).describe("training iterations (each: one source and one target batch)"),
  batchSize: z.number().int().min(1).default(64).describe("source and target points per iteration (each side)"),
  lr: z.number().positive().default(0.01).describe("initial SGD learning rate lr0, annealed as lr0/(1+10p)^0.75"),
  momentum: z.number().min(0).max(0.999).default(0.9).describe("SGD momentum"),
  weightDecay: z.number().min(0).default(5e-4).describe("SGD weight decay (L2)"),
  backbone: z.enum(["auto", "mlp", "cnn"]).default("auto").describe("feature extractor: cnn for images with a declared shape, mlp for feature vectors (auto picks)"),
  hidden: z.array(z.number().int().positive()).min(1).default([256, 128]).describe("MLP backbone widths (ReLU after each; the last is the feature size)"),
});
export type DeepParams = z.output<typeof deepParams>;

/** What a method's step sees: features and logits of this iteration's batches, its own modules, the schedule. */
export interface DeepStep {
  /** Features of the source batch (rows of f) and of the unlabelled target batch. */
  fs: Tensor;
  ft: Tensor;
  /** Head outputs (logits) of the same rows. */
  logitsS: Tensor;
  logitsT: Tensor;
  /** The method's modules from `modules()`, by name. */
  modules: Record<string, Module>;
  /** Training progress p ∈ [0, 1) and the gradient-reversal coefficient λ_p = 2/(1+exp(−10p)) − 1. */
  progress: number;
  grl: number;
  iteration: number;
}

export interface DeepSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  reference: string;
  /** The method's own parameters (every field with a default and a one-line description). */
  params: S;
  needs?: Needs;
  /** Extra trainable modules (e.g. a domain discriminator), built once from the feature size and class count. */
  modules?(shape: { featureDim: number; numClasses: number; rng: Rng }, params: z.output<S>): Record<string, Module>;
  /** The adaptation terms of one step, by name ("domain", "mmd", ...); the base adds the classification terms and
   * sums everything. An empty object means no adaptation (source-only-net). */
  stepLoss(step: DeepStep, params: z.output<S>): Record<string, Tensor>;
}

/** The trained network: backbone + head, with its configuration, enough to save, load and predict. */
export class DeepNetwork {
  constructor(
    readonly method: string,
    readonly numClasses: number,
    readonly backbone: Backbone,
    readonly head: Linear,
  ) {}

  /** Class probabilities of rows X (in the units of the training data), computed in chunks under noGrad. */
  predictProba(X: Matrix): Matrix {
    if (X.cols !== this.backbone.config.inputDim) {
      throw new TransferLabError("FEATURE_MISMATCH", `method '${this.method}' was trained on ${this.backbone.config.inputDim} features, got ${X.cols}`);
    }
    this.backbone.module.eval();
    const prepared = this.backbone.prepare(X);
    const P = new Matrix(X.rows, this.numClasses);
    const chunk = 512;
    for (let s = 0; s < X.rows; s += chunk) {
      const e = Math.min(X.rows, s + chunk);
      noGrad(() => tidy(() => {
        const x = new Tensor(prepared.data.subarray(s * X.cols, e * X.cols), [e - s, X.cols]);
        P.data.set(softmax(this.head.forward(this.backbone.module.forward(x))).data, s * this.numClasses);
      }));
    }
    return P;
  }

  predict(X: Matrix): Labels {
    return argmaxRows(this.predictProba(X).data, X.rows, this.numClasses);
  }

  /** The features f of rows X (what the adaptation terms aligned). */
  features(X: Matrix): Matrix {
    this.backbone.module.eval();
    const f = noGrad(() => this.backbone.module.forward(Tensor.fromMatrix(this.backbone.prepare(X))));
    return f.toMatrix().clone();
  }

  /** A state-dict-like snapshot, plain JSON: the configuration and the weights of backbone and head (the TLW1
   * bytes of engine/nn/serialize.ts, base64). */
  exportState(): DeepNetworkState {
    const weights = saveWeightsBase64(new Pair(this.backbone.module, this.head));
    return { format: "transferlab-deep-network", version: 1, method: this.method, numClasses: this.numClasses, backbone: this.backbone.config, weights };
  }

  /** Rebuilds a network saved by exportState (same predictions, bit for bit). */
  static fromState(s: DeepNetworkState): DeepNetwork {
    if (s.format !== "transferlab-deep-network" || s.version !== 1) throw new TransferLabError("DATA_FORMAT", `not a transferlab deep network (format ${String(s.format)} v${String(s.version)})`);
    const rng = new Rng(0); // initial values are overwritten by the saved weights
    const backbone = buildBackbone(s.backbone, rng);
    const head = new Linear(backbone.featureDim, s.numClasses, { rng });
    loadWeightsBase64(new Pair(backbone.module, head), s.weights);
    return new DeepNetwork(s.method, s.numClasses, backbone, head);
  }
}

export interface DeepNetworkState {
  format: "transferlab-deep-network";
  version: 1;
  method: string;
  numClasses: number;
  backbone: BackboneConfig;
  /** saveWeights bytes of backbone ("backbone.*") and head ("head.*"), base64. */
  weights: string;
}

class Pair extends Module {
  constructor(backbone: Module, head: Module) {
    super();
    this.child("backbone", backbone);
    this.child("head", head);
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Where a run diverged: which term turned non-finite (or whether the features died) at which iteration. */
export interface Divergence {
  method: string;
  iteration: number;
  term: string;
  value: number;
}

export function diverged(d: Divergence): TransferLabError {
  const what = d.term === "features" ? "the features collapsed (each is constant over the batch: dead ReLU units)" : `the ${d.term} term became ${d.value}`;
  const err = new TransferLabError("DIVERGED", `method '${d.method}' diverged at iteration ${d.iteration}: ${what}`, {}, "lower lr or the trade-off weight; the run is reported as diverged, not scored");
  return Object.assign(err, { divergence: d });
}

/** The divergence a DIVERGED error carries (also after crossing a worker thread as plain data), else null. */
export function divergenceOf(e: unknown): Divergence | null {
  if (!(e instanceof TransferLabError) || e.code !== "DIVERGED") return null;
  return (e as { divergence?: Divergence }).divergence ?? null;
}

/** An endless stream of index batches: shuffled epochs cut into full batches (the last partial batch of an epoch is
 * dropped, as torch's drop_last); with fewer rows than the batch size, each batch is a fresh shuffle of all rows. */
export class BatchStream {
  private order: Int32Array = new Int32Array(0);
  private pos = 0;
  constructor(private readonly n: number, private readonly size: number, private readonly rng: Rng) {}
  next(): Int32Array {
    const b = Math.min(this.size, this.n);
    if (this.pos + b > this.order.length) {
      this.order = this.rng.permutation(this.n);
      this.pos = 0;
    }
    const out = this.order.subarray(this.pos, this.pos + b);
    this.pos += b;
    return out;
  }
}

/** Rough bytes of one training step (weights, gradients, momentum, activations of the joint batch, im2col). */
function stepBytes(config: BackboneConfig, paramCount: number, batchRows: number): number {
  let perRow: number;
  if (config.kind === "cnn") {
    const [c, h, w] = config.image!;
    perRow = h * w * (c * 9 + 32 * 9 + 32 * 4 + 64 * 4) + 512;
  } else {
    perRow = config.hidden!.reduce((a, b) => a + b, config.inputDim) * 3;
  }
  return 4 * (3 * paramCount + 4 * perRow * batchRows);
}

/** Test seam (the torch trajectory fixture): given initial weights and batch indices instead of drawn ones. */
export interface TrainingSeam {
  /** Overwrite the initial parameters (backbone, head, then the method's modules, in parameters() order). */
  initialize?(parameters: Float32Array[]): void;
  /** This iteration's source and target row indices. */
  batches?(iteration: number): { source: Int32Array; target: Int32Array };
  /** Every term's value at every iteration. */
  onStep?(iteration: number, values: Record<string, number>): void;
}

export interface DeepAdapter<P> extends Adapter<P> {
  /** fit, with the test seam. */
  train(data: FitData, ctx: FitContext, raw: Record<string, unknown>, seam: TrainingSeam): Promise<FittedModel>;
}

/** Builds a deep method from its spec: the base runs the loop described at the top of this file. */
export function defineDeepMethod<S extends z.ZodObject, N extends string>(spec: DeepSpec<S> & { name: N }): Named<DeepAdapter<DeepParams & z.output<S>>, N> {
  const schema = deepParams.extend(spec.params.shape);
  const needs = spec.needs ?? "unlabelled";
  const parseParams = (raw: Record<string, unknown>) => parseWith(schema, raw, spec.name) as DeepParams & z.output<S>;
  return {
    name: spec.name,
    family: "deep",
    description: spec.description,
    reference: spec.reference,
    needs,
    seesTargetLabels: true,
    paramDocs: paramDocsOf(schema, spec.name),
    parseParams,
    fit(data: FitData, ctx: FitContext, raw = {}): Promise<FittedModel> {
      return this.train(data, ctx, raw as Record<string, unknown>, {});
    },
    async train(data: FitData, ctx: FitContext, raw: Record<string, unknown>, seam: TrainingSeam): Promise<FittedModel> {
      const params = parseParams(raw);
      checkFitContext(ctx, spec.name, false);
      validateFitData(data, needs, spec.name);
      const numClasses = numClassesOf(data);
      const present = new Set(data.source.y);
      if (present.size < 2) {
        throw new TransferLabError("TOO_FEW_LABELS", `method '${spec.name}': the source has only class ${[...present][0]}; a network needs at least two classes to learn from`);
      }
      const config = chooseBackbone({ method: spec.name, requested: params.backbone, hidden: params.hidden, source: data.source, target: data.target });
      const init = ctx.rng.fork("init");
      const backbone = buildBackbone(config, init);
      const head = new Linear(backbone.featureDim, numClasses, { rng: init });
      const modules = spec.modules?.({ featureDim: backbone.featureDim, numClasses, rng: init }, params) ?? {};
      const trainable = [...backbone.module.parameters(), ...head.parameters(), ...Object.values(modules).flatMap((m) => m.parameters())];
      const tl = data.targetLabelled && data.targetLabelled.X.rows > 0 ? data.targetLabelled : undefined;
      const bs = Math.min(params.batchSize, data.source.X.rows), bt = Math.min(params.batchSize, data.target.X.rows);
      const bl = tl ? Math.min(params.batchSize, tl.X.rows) : 0;
      requireBudget(ctx, stepBytes(config, trainable.reduce((a, p) => a + p.size, 0), bs + bt + bl), `method '${spec.name}' training step`, "lower batchSize");

      const xs = Tensor.fromMatrix(backbone.prepare(data.source.X));
      const xt = Tensor.fromMatrix(backbone.prepare(data.target.X));
      const xl = tl ? Tensor.fromMatrix(backbone.prepare(tl.X)) : null;
      const batches = ctx.rng.fork("batches");
      const sStream = new BatchStream(data.source.X.rows, params.batchSize, batches.fork("source"));
      const tStream = new BatchStream(data.target.X.rows, params.batchSize, batches.fork("target"));
      const lStream = tl ? new BatchStream(tl.X.rows, params.batchSize, batches.fork("target-labelled")) : null;
      const opt = new SGD(trainable, { lr: params.lr, momentum: params.momentum, weightDecay: params.weightDecay });
      for (const m of [backbone.module, head, ...Object.values(modules)]) m.train();
      seam.initialize?.(trainable.map((p) => p.data));

      const T = params.iterations;
      const every = Math.max(1, Math.floor(T / 100));
      const trace: { iteration: number; terms: Record<string, number> }[] = [];
      let window: Record<string, number> = {};
      for (let it = 0; it < T; it++) {
        throwIfAborted(ctx.signal);
        const p = it / T;
        opt.setLrFactor(Math.pow(1 + 10 * p, -0.75));
        const given = seam.batches?.(it);
        const is = given?.source ?? sStream.next(), itg = given?.target ?? tStream.next(), il = lStream?.next();
        const ys = Int32Array.from(is, (i) => data.source.y[i]!);
        const yl = il ? Int32Array.from(il, (i) => tl!.y[i]!) : null;
        const r = tidy(() => {
          opt.zeroGrad();
          const parts = [gather(xs, is), gather(xt, itg)];
          if (xl && il) parts.push(gather(xl, il));
          const f = backbone.module.forward(concat(parts, 0));
          if (collapsed(f)) return { term: "features", value: 0, values: {} };
          const logits = head.forward(f);
          const ns = is.length, nt = itg.length;
          const terms: [string, Tensor][] = [["classification", softmaxCrossEntropy(slice(logits, 0, 0, ns), ys)]];
          if (yl) terms.push(["target-classification", softmaxCrossEntropy(slice(logits, 0, ns + nt, logits.shape[0]!), yl)]);
          const extra = spec.stepLoss({
            fs: slice(f, 0, 0, ns), ft: slice(f, 0, ns, ns + nt), logitsS: slice(logits, 0, 0, ns), logitsT: slice(logits, 0, ns, ns + nt),
            modules, progress: p, grl: dannCoefficient(p), iteration: it,
          }, params);
          terms.push(...Object.entries(extra));
          const values: Record<string, number> = {};
          for (const [name, t] of terms) {
            const v = t.item();
            values[name] = v;
            if (!Number.isFinite(v)) return { term: name, value: v, values };
          }
          let total = terms[0]![1];
          for (let k = 1; k < terms.length; k++) total = add(total, terms[k]![1]);
          total.backward();
          opt.step();
          return { term: null, value: 0, values };
        });
        if (r.term !== null) throw diverged({ method: spec.name, iteration: it + 1, term: r.term, value: r.value });
        seam.onStep?.(it, r.values);
        for (const [k, v] of Object.entries(r.values)) window[k] = (window[k] ?? 0) + v / every;
        if ((it + 1) % every === 0 || it + 1 === T) {
          trace.push({ iteration: it + 1, terms: window });
          window = {};
          ctx.progress?.((it + 1) / T, `${spec.name} training`);
        }
      }

      return fittedNetwork(new DeepNetwork(spec.name, numClasses, backbone, head), { lossTrace: trace, iterations: T });
    },
    restore: (state) => fittedNetwork(DeepNetwork.fromState(state as DeepNetworkState), {}),
  };
}

/** The fitted model of a trained (or restored) network; save() gives the { kind: "method" } state restore reads. */
export function fittedNetwork(network: DeepNetwork, details: Record<string, unknown>): FittedModel {
  const notes = [`predicts with its own ${network.backbone.config.kind.toUpperCase()} network head; the estimator does not apply`];
  return {
    predict: (X) => network.predict(X),
    predictProba: (X) => network.predictProba(X),
    notes,
    details: { ...details, network, backbone: network.backbone.config.kind },
    save: () => ({ kind: "method", method: network.method, notes: [...notes], state: network.exportState() }),
  };
}

/** Dead or collapsed features: every feature takes one value over the whole joint batch (all ReLUs off, or a
 * representation that no longer depends on the input), so every prediction is the same class. */
export function collapsed(f: Tensor): boolean {
  const a = f.data, d = f.shape[1]!;
  for (let i = d; i < a.length; i++) if (a[i] !== a[i % d]) return false;
  return true;
}
