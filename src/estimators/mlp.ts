// Multi-layer perceptron classifier on transferlab's engine, shaped like scikit-learn's MLPClassifier defaults:
// one hidden layer of 100 ReLU units, Adam (lr 1e-3), mini-batches of min(200, n), L2 penalty alpha = 1e-4,
// up to 200 epochs, stop when the training loss has not improved by tol for 10 epochs.
// Sample weights are honoured exactly in expectation: a batch's loss is Σ_b s_i·ℓ_i / (|b|·mean(s)), an unbiased
// estimate of the weighted mean loss over the whole training set. Every random draw (initial weights,
// batch order) comes from the fit's Rng, so the same seed gives bitwise the same network.
import { Matrix } from "../core/matrix.js";
import type { Labels } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import { Tensor, tidy, noGrad, argmaxRows, softmax, softmaxCrossEntropy, mul, mlp, Adam, saveWeights, loadWeights } from "../engine/index.js";
import type { Sequential } from "../engine/index.js";
import { checkEstimatorParams, checkFitArgs, checkInputs, snapshotState, stateSchema as S } from "./check.js";
import { z } from "zod";
import type { Estimator, EstimatorSnapshot, FitOptions } from "./types.js";

export interface MlpParams {
  hidden: number[];
  lr: number;
  /** L2 penalty on the weights (Adam's weight decay). */
  alpha: number;
  batchSize: number;
  maxEpochs: number;
  tol: number;
  patience: number;
}

export const MLP_DEFAULTS: MlpParams = { hidden: [100], lr: 1e-3, alpha: 1e-4, batchSize: 200, maxEpochs: 200, tol: 1e-4, patience: 10 };

export class MlpClassifier implements Estimator {
  readonly name = "mlp";
  readonly supportsSampleWeight = true;
  readonly params: MlpParams;
  private net: Sequential | null = null;
  private dims: { d: number; k: number } | null = null;
  epochs = 0;

  constructor(params: Partial<MlpParams> = {}) {
    checkEstimatorParams("MLP", params, MLP_DEFAULTS);
    this.params = { ...MLP_DEFAULTS, ...params };
    const p = this.params;
    if (!Array.isArray(p.hidden) || p.hidden.some((h) => !Number.isInteger(h) || h < 1)) throw invalidParam("hidden", `hidden sizes must be positive integers, got ${JSON.stringify(p.hidden)}`);
    if (!(p.lr > 0)) throw invalidParam("lr", `must be positive, got ${p.lr}`);
    if (!(p.alpha >= 0)) throw invalidParam("alpha", `must be ≥ 0, got ${p.alpha}`);
    if (!Number.isInteger(p.batchSize) || p.batchSize < 1) throw invalidParam("batchSize", `must be a positive integer, got ${p.batchSize}`);
    if (!Number.isInteger(p.maxEpochs) || p.maxEpochs < 1) throw invalidParam("maxEpochs", `must be a positive integer, got ${p.maxEpochs}`);
  }

  fit(X: Matrix, y: Labels, opts: FitOptions = {}): void {
    checkFitArgs("MLP", X, y, opts);
    const n = X.rows, d = X.cols;
    if (y.length !== n) throw new TransferLabError("SHAPE_MISMATCH", `mlp: ${n} rows but ${y.length} labels`);
    if (n === 0) throw new TransferLabError("TOO_FEW_LABELS", "mlp: no training rows");
    assertFinite(X, "mlp training inputs");
    let k = opts.numClasses ?? 0;
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      if (!Number.isInteger(v) || v < 0) throw new TransferLabError("LABEL_MISMATCH", `mlp: label ${v} at row ${i + 1} is not a class index`, { row: i + 1 });
      if (v + 1 > k) k = v + 1;
    }
    k = Math.max(k, 2);
    let s: Float32Array | null = null;
    let meanS = 1;
    if (opts.sampleWeight) {
      s = opts.sampleWeight;
      if (s.length !== n) throw new TransferLabError("SHAPE_MISMATCH", `mlp: ${s.length} sample weights for ${n} rows`, { param: "sampleWeight" });
      let tot = 0;
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(s[i]!) || s[i]! < 0) throw invalidParam("sampleWeight", `weights must be finite and ≥ 0, got ${s[i]} at row ${i + 1}`);
        tot += s[i]!;
      }
      if (!(tot > 0)) throw invalidParam("sampleWeight", "all sample weights are 0");
      meanS = tot / n;
    }
    const rng = opts.rng ?? new Rng(0);
    const net = mlp([d, ...this.params.hidden, k], { rng: rng.fork("mlp-init"), activation: "relu" });
    const opt = new Adam(net.parameters(), { lr: this.params.lr, weightDecay: this.params.alpha });
    const order = rng.fork("mlp-batches");
    const bs = Math.min(this.params.batchSize, n);
    let best = Infinity, stale = 0, epoch = 0;
    net.train();
    for (; epoch < this.params.maxEpochs; epoch++) {
      if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "mlp fit aborted", { param: "signal" });
      const perm = order.permutation(n);
      let epochLoss = 0;
      for (let b0 = 0; b0 < n; b0 += bs) {
        const idx = perm.subarray(b0, Math.min(n, b0 + bs));
        const xb = Tensor.fromMatrix(X.takeRows(idx));
        const yb = Int32Array.from(idx, (i) => y[i]!);
        const sb = s ? Float32Array.from(idx, (i) => s![i]!) : undefined;
        let factor = 1;
        if (sb) {
          let t = 0;
          for (const v of sb) t += v;
          factor = t / (idx.length * meanS);
          if (t === 0) continue; // a batch of zero-weight rows carries no gradient
        }
        epochLoss += tidy(() => {
          opt.zeroGrad();
          const ce = softmaxCrossEntropy(net.forward(xb), yb, sb ? { sampleWeights: sb } : {});
          const loss = factor === 1 ? ce : mul(ce, factor);
          loss.backward();
          opt.step();
          return loss.item() * idx.length;
        });
      }
      epochLoss /= n;
      if (!Number.isFinite(epochLoss)) throw new TransferLabError("NON_FINITE", `mlp: training loss became ${epochLoss} at epoch ${epoch + 1}`, { param: "lr" }, "lower the learning rate or scale the inputs");
      // scikit-learn's rule: stop after `patience` epochs without improving the best loss by tol.
      if (epochLoss > best - this.params.tol) { if (++stale >= this.params.patience) { epoch++; break; } }
      else stale = 0;
      if (epochLoss < best) best = epochLoss;
    }
    net.eval();
    this.net = net;
    this.dims = { d, k };
    this.epochs = epoch;
  }

  predictProba(X: Matrix): Matrix {
    checkInputs("MLP", X);
    const net = this.fitted();
    if (X.cols !== this.dims!.d) throw new TransferLabError("FEATURE_MISMATCH", `mlp was fitted on ${this.dims!.d} features, got ${X.cols}`);
    const out = new Matrix(X.rows, this.dims!.k);
    noGrad(() => tidy(() => {
      out.data.set(softmax(net.forward(Tensor.fromMatrix(X))).data);
      return null;
    }));
    return out;
  }

  predict(X: Matrix): Labels {
    checkInputs("MLP", X);
    const P = this.predictProba(X);
    return argmaxRows(P.data, P.rows, P.cols);
  }

  save(): EstimatorSnapshot {
    const net = this.fitted();
    return { kind: "mlp", version: 1, params: { ...this.params }, state: { ...this.dims!, weights: Buffer.from(saveWeights(net)).toString("base64") } };
  }

  static load(s: EstimatorSnapshot): MlpClassifier {
    // The weights' own reader (engine/nn/serialize) checks every tensor's name and shape against the network.
    const st = snapshotState("mlp", 1, s, z.object({ d: S.count, k: S.classes, weights: z.string() }));
    const m = new MlpClassifier(s.params as Partial<MlpParams>);
    const net = mlp([st.d, ...m.params.hidden, st.k], { rng: new Rng(0), activation: "relu" });
    loadWeights(net, new Uint8Array(Buffer.from(st.weights, "base64")));
    net.eval();
    m.net = net;
    m.dims = { d: st.d, k: st.k };
    return m;
  }

  private fitted(): Sequential {
    if (!this.net) throw new TransferLabError("NOT_FITTED", "mlp: call fit before predict");
    return this.net;
  }
}
