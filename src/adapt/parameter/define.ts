// The shared base of parameter transfer (issue 15): pretrain a network on the source (./pretrain.ts: once per seed,
// cached), then fine-tune it on the few labelled target points. A strategy implements one hook, `plan`, which says
// how fine-tuning treats the pretrained network: each block's learning-rate factor over training (0 = frozen), an
// optional weight-decay override and penalty terms added to the target cross-entropy. The base owns the rest:
// blocks (each backbone layer, then the head), SGD with momentum, lr annealing lr0·(1+10p)^−0.75, target batches
// in a seeded order, divergence detection, the source accuracy before/after (forgetting), progress, abort.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import type { Labels } from "../../core/domain.js";
import { SGD, Tensor, add, gather, noGrad, softmaxCrossEntropy, tidy, type Parameter } from "../../engine/index.js";
import { numClassesOf, paramDocsOf, parseWith, throwIfAborted, validateFitData, type Named } from "../base.js";
import type { Adapter, FitContext, FitData, FittedModel } from "../types.js";
import { BatchStream, DeepNetwork, collapsed, deepParams, diverged, fittedNetwork, type DeepNetworkState } from "../deep/define.js";
import { heldOutAccuracy, pretrainedNetwork } from "./pretrain.js";

/** What every strategy shares: pretraining and the fine-tuning schedule. */
export const parameterParams = z.object({
  pretrain: z.enum(["source", "mmd"]).default("source").describe("pretraining: cross-entropy on the source, or plus λ·MMD² to the unlabelled target (the tutorial's recipe, with DAN's multi-kernel MMD)"),
  mmdWeight: z.number().min(0).default(0.5).describe("weight λ of the MMD² term when pretrain is mmd (the tutorial's 0.5; ramped up as DeepDA's code does)"),
  pretrainIterations: z.number().int().min(1).default(1500).describe("pretraining iterations (the deep methods' loop and schedule)"),
  pretrained: z.string().default("").describe("a saved network to fine-tune instead of pretraining (a model file of a deep method, e.g. transferlab fit --method source-only-net)"),
  sourceHoldout: z.number().min(0).max(0.9).default(0.2).describe("fraction of source rows per class held out of pretraining to measure forgetting"),
  iterations: z.number().int().min(1).default(300).describe("fine-tuning iterations, each one batch of labelled target points"),
  batchSize: z.number().int().min(1).default(32).describe("labelled target points per fine-tuning iteration"),
  lr: z.number().positive().default(0.01).describe("fine-tuning lr0 (the head's), annealed as lr0/(1+10p)^0.75"),
  weightDecay: z.number().min(0).default(5e-4).describe("SGD weight decay (L2) while fine-tuning"),
}).extend(deepParams.pick({ momentum: true, backbone: true, hidden: true }).shape); // the deep base's network and SGD
export type ParameterParams = z.output<typeof parameterParams>;

/** One unit that is frozen, unfrozen or given a learning rate together: a backbone layer, or the head. */
export interface Block {
  name: string;
  params: Parameter[];
}

/** What a strategy's plan sees. */
export interface FineTuneSetup {
  /** The pretrained network, fine-tuned in place. */
  network: DeepNetwork;
  /** Bottom to top; the last block is the head. */
  blocks: Block[];
  /** The pretrained values θ* of every block's parameters (copies, same order as blocks' params). */
  anchor: Float32Array[][];
  /** The source rows the network was pretrained on, in the network's input units, with their labels. */
  source: { X: Matrix; y: Labels };
  /** The labelled target points, in the network's input units. */
  target: { X: Matrix; y: Labels };
  rng: Rng;
}

/** One fine-tuning step as a penalty sees it. */
export interface FineTuneStep {
  /** Head outputs of this batch of labelled target points. */
  logits: Tensor;
  /** Their row indices in setup.target. */
  rows: Int32Array;
  progress: number;
}

export interface FineTunePlan {
  /** Learning-rate factor of each block (bottom to top, head last) at progress p ∈ [0, 1); 0 freezes the block. */
  lrFactors(progress: number): number[];
  /** Replaces the SGD weight decay (L2-SP replaces it by its own penalty). */
  weightDecay?: number;
  /** Terms added to the target cross-entropy, by name. */
  penalty?(step: FineTuneStep): Record<string, Tensor>;
  notes?: string[];
  details?: Record<string, unknown>;
}

export interface ParameterSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  reference: string;
  params: S;
  /** The one hook: how fine-tuning treats the pretrained network. */
  plan(setup: FineTuneSetup, params: ParameterParams & z.output<S>): FineTunePlan;
}

/** Test seam: every term at every step, and the parameters after each step (for schedules and frozen blocks). */
export interface FineTuneSeam {
  onStep?(iteration: number, values: Record<string, number>, setup: FineTuneSetup): void;
}

export interface ParameterAdapter<P> extends Adapter<P> {
  train(data: FitData, ctx: FitContext, raw: Record<string, unknown>, seam: FineTuneSeam): Promise<FittedModel>;
}

/** The network's blocks: parameters grouped by layer (torch-style name without its last part), then the head. */
export function blocksOf(network: DeepNetwork): Block[] {
  const blocks: Block[] = [];
  for (const [name, p] of network.backbone.module.namedParameters()) {
    const layer = name.slice(0, name.lastIndexOf("."));
    if (blocks.at(-1)?.name !== layer) blocks.push({ name: layer, params: [] });
    blocks.at(-1)!.params.push(p);
  }
  blocks.push({ name: "head", params: network.head.parameters() });
  return blocks;
}

/** Fine-tuning results the evaluate table shows: forgetting and the time of each phase. */
export interface ParameterDetails {
  sourceAccuracy: { before: number | null; after: number | null };
  pretrainSeconds: number;
  /** Wall and process CPU seconds of the fine-tuning phase (the plan's setup — Fisher, teacher — included); CPU is
   * NaN where the platform does not report it (browsers). */
  finetuneSeconds: number;
  finetuneCpuSeconds: number;
  pretrainCached: boolean;
}

export function defineParameterMethod<S extends z.ZodObject, N extends string>(spec: ParameterSpec<S> & { name: N }): Named<ParameterAdapter<ParameterParams & z.output<S>>, N> {
  const schema = parameterParams.extend(spec.params.shape);
  const parseParams = (raw: Record<string, unknown>) => parseWith(schema, raw, spec.name) as ParameterParams & z.output<S>;
  return {
    name: spec.name,
    family: "parameter",
    description: spec.description,
    reference: spec.reference,
    needs: "labelled",
    seesTargetLabels: true,
    paramDocs: paramDocsOf(schema, spec.name),
    parseParams,
    fit(data: FitData, ctx: FitContext, raw = {}): Promise<FittedModel> {
      return this.train(data, ctx, raw as Record<string, unknown>, {});
    },
    async train(data: FitData, ctx: FitContext, raw: Record<string, unknown>, seam: FineTuneSeam): Promise<FittedModel> {
      const params = parseParams(raw);
      validateFitData(data, "labelled", spec.name);
      const tl = data.targetLabelled!;
      const numClasses = numClassesOf(data);
      const pre = await pretrainedNetwork(spec.name, data, numClasses, params, ctx);
      const t0 = performance.now(), c0 = cpuSeconds();
      const network = new DeepNetwork(spec.name, numClasses, pre.network.backbone, pre.network.head);
      const blocks = blocksOf(network);
      const src = data.source;
      const setup: FineTuneSetup = {
        network, blocks,
        anchor: blocks.map((b) => b.params.map((p) => p.data.slice())),
        source: { X: network.backbone.prepare(src.X.takeRows(pre.split.train)), y: Int32Array.from(pre.split.train, (i) => src.y[i]!) },
        target: { X: network.backbone.prepare(tl.X), y: tl.y },
        rng: ctx.rng.fork("strategy"),
      };
      const plan = spec.plan(setup, params);
      fineTune(spec.name, setup, plan, params, ctx, seam);
      const finetuneSeconds = (performance.now() - t0) / 1000, finetuneCpuSeconds = cpuSeconds() - c0;
      const details: ParameterDetails = {
        sourceAccuracy: { before: pre.sourceBefore, after: heldOutAccuracy(network, src, pre.split) },
        pretrainSeconds: pre.seconds, finetuneSeconds, finetuneCpuSeconds, pretrainCached: pre.cached,
      };
      const fitted = fittedNetwork(network, { ...plan.details, ...details });
      fitted.notes.push(...pre.notes, ...(plan.notes ?? []));
      return fitted;
    },
    restore: (state) => fittedNetwork(DeepNetwork.fromState(state as DeepNetworkState), {}),
  };
}

/** CPU seconds (user + system) of this process, where the platform reports them (Node); NaN elsewhere. */
function cpuSeconds(): number {
  const u = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return u ? (u.user + u.system) / 1e6 : NaN;
}

/** The fine-tuning loop: SGD over target batches, one learning rate per block, the plan's penalties. */
function fineTune(method: string, setup: FineTuneSetup, plan: FineTunePlan, params: ParameterParams, ctx: FitContext, seam: FineTuneSeam): void {
  const { network, blocks, target } = setup;
  const opt = new SGD(blocks.map((b) => ({ name: b.name, params: b.params })), { lr: params.lr, momentum: params.momentum, weightDecay: plan.weightDecay ?? params.weightDecay });
  const x = Tensor.fromMatrix(target.X);
  const stream = new BatchStream(target.X.rows, params.batchSize, setup.rng.fork("batches"));
  network.backbone.module.train();
  network.head.train();
  const T = params.iterations;
  const every = Math.max(1, Math.floor(T / 100));
  let frozenFeatures: Tensor | null = null;
  try {
    for (let it = 0; it < T; it++) {
      throwIfAborted(ctx.signal);
      const p = it / T;
      const anneal = Math.pow(1 + 10 * p, -0.75);
      const factors = plan.lrFactors(p);
      blocks.forEach((b, i) => {
        const f = factors[i] ?? 0;
        for (const q of b.params) q.requiresGrad = f > 0;
        opt.setLr(params.lr * anneal * f, b.name);
      });
      const rows = stream.next();
      const y = Int32Array.from(rows, (i) => target.y[i]!);
      // A fully frozen backbone gives every row the same features at every step: compute them once.
      const backboneFrozen = factors.slice(0, -1).every((f) => !(f > 0));
      if (!backboneFrozen) frozenFeatures = null; // the backbone moves: features computed earlier go stale
      else if (!frozenFeatures) frozenFeatures = noGrad(() => network.backbone.module.forward(x));
      const r = tidy(() => {
        opt.zeroGrad();
        const f = backboneFrozen ? gather(frozenFeatures!, rows) : network.backbone.module.forward(gather(x, rows));
        if (rows.length > 1 && collapsed(f)) return { term: "features", value: 0, values: {} };
        const logits = network.head.forward(f);
        const terms: [string, Tensor][] = [["target-classification", softmaxCrossEntropy(logits, y)], ...Object.entries(plan.penalty?.({ logits, rows, progress: p }) ?? {})];
        const values: Record<string, number> = {};
        for (const [name, t] of terms) {
          values[name] = t.item();
          if (!Number.isFinite(values[name])) return { term: name, value: values[name]!, values };
        }
        let total = terms[0]![1];
        for (let k = 1; k < terms.length; k++) total = add(total, terms[k]![1]);
        total.backward();
        opt.step();
        return { term: null, value: 0, values };
      });
      if (r.term !== null) throw diverged({ method, iteration: it + 1, term: r.term, value: r.value });
      seam.onStep?.(it, r.values, setup);
      if ((it + 1) % every === 0 || it + 1 === T) ctx.progress?.(0.8 + (0.2 * (it + 1)) / T, `${method} fine-tuning`);
    }
  } finally {
    for (const b of blocks) for (const q of b.params) q.requiresGrad = true;
  }
}
