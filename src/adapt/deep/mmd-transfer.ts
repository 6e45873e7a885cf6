// MMD feature transfer, as in the classic tutorial: an MLP feature extractor (2→32→16, ReLU) and a linear head,
// trained on shuffled source mini-batches with cross-entropy + λ·MMD² (RBF kernel, biased estimator) between
// the batch's features and the features of the unlabelled target sample, then fine-tuned with full-batch
// steps on the few labelled target points, reusing the same Adam optimizer (its moments carry over).
// Long & al., "Learning Transferable Features with Deep Adaptation Networks", ICML 2015 (MMD on features);
// the tutorial's single-kernel, single-layer variant.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import type { Labels, LabelledDomain } from "../../core/domain.js";
import { Tensor, tidy, noGrad, softmaxCrossEntropy, softmax, mmd2, mlp, Linear, Adam, gather, Sequential, saveWeightsBase64, loadWeightsBase64, type AdamStateSnapshot } from "../../engine/index.js";
import { TransferLabError } from "../../core/errors.js";
import { validateFitData, numClassesOf, throwIfAborted, paramDocsOf, parseWith, type Named } from "../base.js";
import type { Adapter, FitContext, FitData, FittedModel } from "../types.js";

export const mmdTransferParams = z.object({
  hidden: z.array(z.number().int().positive()).min(1).default([32, 16]).describe("feature extractor widths (ReLU after each)"),
  lambda: z.number().min(0).default(0.5).describe("weight of the MMD² term"),
  mmdGamma: z.number().positive().default(1).describe("RBF kernel γ of the MMD (exp(−γ‖a−b‖²))"),
  epochs: z.number().int().min(0).default(100).describe("passes over the source"),
  batchSize: z.number().int().positive().default(32).describe("source points per step (last batch smaller)"),
  lr: z.number().positive().default(1e-3).describe("Adam learning rate"),
  fineTuneSteps: z.number().int().min(0).default(50).describe("full-batch steps on the labelled target points"),
});
export type MmdTransferParams = z.output<typeof mmdTransferParams>;
export const MMD_TRANSFER_DEFAULTS: MmdTransferParams = mmdTransferParams.parse({});

export interface PretrainHooks {
  /** Called after each epoch with the epoch's mean loss (the tutorial's logged value). */
  onEpoch?: (epoch: number, meanLoss: number) => void;
  signal?: AbortSignal;
}

export interface MmdNetworkState {
  inputDim: number;
  numClasses: number;
  params: MmdTransferParams;
  weights: string;
}

/** Parameters and optimizer moments at one moment, to fine-tune several times from the same start. */
export interface MmdNetworkSnapshot {
  params: Float32Array[];
  optimizer: AdamStateSnapshot;
}

export class MmdTransferNetwork {
  readonly params: MmdTransferParams;
  readonly numClasses: number;
  private readonly features: ReturnType<typeof mlp>;
  private readonly head: Linear;
  private readonly opt: Adam;
  private readonly batchRng: Rng;

  constructor(readonly inputDim: number, numClasses: number, params: Partial<MmdTransferParams>, rng: Rng) {
    this.params = mmdTransferParams.parse(params);
    this.numClasses = numClasses;
    const init = rng.fork("init");
    this.features = mlp([inputDim, ...this.params.hidden], { activation: "relu", finalActivation: true, rng: init });
    this.head = new Linear(this.params.hidden[this.params.hidden.length - 1]!, numClasses, { rng: init });
    this.opt = new Adam([...this.features.parameters(), ...this.head.parameters()], { lr: this.params.lr });
    this.batchRng = rng.fork("batches");
  }

  /** CE on source batches + λ·MMD²(batch features, all target features), `epochs` passes. Returns epoch mean losses. */
  pretrain(source: LabelledDomain, targetX: Matrix, hooks: PretrainHooks = {}): number[] {
    const { epochs, batchSize, lambda, mmdGamma } = this.params;
    const xs = Tensor.fromMatrix(source.X);
    const xt = Tensor.fromMatrix(targetX);
    const n = source.X.rows;
    const losses: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      throwIfAborted(hooks.signal);
      const order = this.batchRng.permutation(n);
      let total = 0, batches = 0;
      for (let start = 0; start < n; start += batchSize) {
        const idx = order.subarray(start, Math.min(n, start + batchSize));
        const yb = Int32Array.from(idx, (i) => source.y[i]!);
        total += tidy(() => {
          this.opt.zeroGrad();
          const fs = this.features.forward(gather(xs, idx));
          const ce = softmaxCrossEntropy(this.head.forward(fs), yb);
          const loss = lambda > 0 ? ce.add(mmd2(fs, this.features.forward(xt), { gamma: mmdGamma, estimator: "biased" }).mul(lambda)) : ce;
          loss.backward();
          this.opt.step();
          return loss.item();
        });
        batches++;
      }
      losses.push(total / batches);
      hooks.onEpoch?.(epoch, total / batches);
    }
    return losses;
  }

  /** Full-batch cross-entropy steps on labelled target points, with the same optimizer. Returns the losses. */
  fineTune(X: Matrix, y: Labels, steps = this.params.fineTuneSteps): number[] {
    if (X.rows === 0) return [];
    const x = Tensor.fromMatrix(X);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      losses.push(
        tidy(() => {
          this.opt.zeroGrad();
          const loss = softmaxCrossEntropy(this.head.forward(this.features.forward(x)), y);
          loss.backward();
          this.opt.step();
          return loss.item();
        }),
      );
    }
    return losses;
  }

  /** Configuration and weights as plain JSON (TLW1 bytes of engine/nn/serialize.ts, base64), for FittedModel.save. */
  exportState(): MmdNetworkState {
    return { inputDim: this.inputDim, numClasses: this.numClasses, params: this.params, weights: saveWeightsBase64(new Sequential([this.features, this.head])) };
  }

  static fromState(s: MmdNetworkState): MmdTransferNetwork {
    const net = new MmdTransferNetwork(s.inputDim, s.numClasses, s.params, new Rng(0)); // weights overwritten below
    loadWeightsBase64(new Sequential([net.features, net.head]), s.weights);
    return net;
  }

  snapshot(): MmdNetworkSnapshot {
    return { params: this.allParams().map((p) => p.data.slice()), optimizer: this.opt.exportState() };
  }

  restore(s: MmdNetworkSnapshot): void {
    this.allParams().forEach((p, i) => p.data.set(s.params[i]!));
    this.opt.importState(s.optimizer);
  }

  private allParams() {
    return [...this.features.parameters(), ...this.head.parameters()];
  }

  /** The learned features (the extractor's output) of X. */
  featuresOf(X: Matrix): Matrix {
    return noGrad(() => this.features.forward(Tensor.fromMatrix(X))).toMatrix().clone();
  }

  predictProba(X: Matrix): Matrix {
    if (X.cols !== this.inputDim) throw new TransferLabError("FEATURE_MISMATCH", `method 'mmd-transfer' was trained on ${this.inputDim} features, got ${X.cols}`);
    return noGrad(() => softmax(this.head.forward(this.features.forward(Tensor.fromMatrix(X))))).toMatrix().clone();
  }

  predict(X: Matrix): Labels {
    const P = this.predictProba(X);
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let k = 1; k < P.cols; k++) if (P.get(i, k) > P.get(i, best)) best = k;
      out[i] = best;
    }
    return out;
  }

  /** Biased MMD² (the training objective's term) between the learned features of A and B. */
  featureMmd2(A: Matrix, B: Matrix): number {
    return noGrad(() => mmd2(this.features.forward(Tensor.fromMatrix(A)), this.features.forward(Tensor.fromMatrix(B)), { gamma: this.params.mmdGamma, estimator: "biased" }).item());
  }
}

/** The method behind the Adapter contract: pretrain on source + unlabelled target, fine-tune on targetLabelled when given. */
export const mmdTransfer: Named<Adapter<MmdTransferParams>, "mmd-transfer"> = {
  name: "mmd-transfer",
  family: "deep",
  description: "MLP features aligned by λ·MMD² between source batches and the unlabelled target, then fine-tuned on the target labels",
  reference: "Long, Cao, Wang & Jordan, Learning Transferable Features with Deep Adaptation Networks, ICML 2015 (single-kernel variant of the classic tutorial)",
  needs: "unlabelled",
  paramDocs: paramDocsOf(mmdTransferParams, "mmd-transfer"),
  parseParams: (raw) => parseWith(mmdTransferParams, raw, "mmd-transfer"),
  async fit(data: FitData, ctx: FitContext, raw = {}): Promise<FittedModel> {
    validateFitData(data, "unlabelled", "mmd-transfer");
    const params = mmdTransfer.parseParams(raw as Record<string, unknown>);
    const net = new MmdTransferNetwork(data.source.X.cols, numClassesOf(data), params, ctx.rng);
    const initial = net.snapshot();
    const losses = net.pretrain(data.source, data.target.X, {
      signal: ctx.signal,
      onEpoch: (e) => ctx.progress?.((e + 1) / Math.max(1, params.epochs), "MMD training"),
    });
    const pretrained = net.snapshot();
    const notes: string[] = [];
    let fineTune: number[] = [];
    if (data.targetLabelled && data.targetLabelled.X.rows > 0) fineTune = net.fineTune(data.targetLabelled.X, data.targetLabelled.y);
    else if (params.fineTuneSteps > 0) notes.push("no labelled target points: fine-tuning skipped");
    // The snapshots let a caller inspect the features before and after the MMD training, or fine-tune again from
    // the pretrained network on other labelled sets (the demo's label-count sweep) without pretraining again.
    return fittedMmdNetwork(net, notes, { epochLosses: losses, fineTuneLosses: fineTune, initial, pretrained });
  },
  restore: (state) => {
    const s = state as { network: MmdNetworkState; notes: string[] };
    return fittedMmdNetwork(MmdTransferNetwork.fromState(s.network), s.notes, {});
  },
};

function fittedMmdNetwork(net: MmdTransferNetwork, notes: string[], details: Record<string, unknown>): FittedModel {
  return {
    predict: (X) => net.predict(X),
    predictProba: (X) => net.predictProba(X),
    notes,
    details: { ...details, network: net },
    save: () => ({ kind: "method", method: "mmd-transfer", notes: [...notes], state: { network: net.exportState(), notes } }),
  };
}
