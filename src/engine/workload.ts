// The reference workload (the tutorial experiment's MMD network): MLP 2→32→16 (ReLU) features and a 16→2
// classifier, Adam lr 1e-3, batch 32 over 1000 source points (32 steps per epoch, the last of 8), loss =
// cross-entropy + 0.5·RBF-MMD²(γ=1, biased) between the batch's features and those of 200 target points.
// Benchmarks time it and tests train it on every kernel tier.
import { Rng } from "../core/rng.js";
import { Tensor, tidy } from "./tensor.js";
import { gather, softmaxCrossEntropy, mmd2 } from "./ops/index.js";
import { mlp, Linear } from "./nn/module.js";
import { Adam } from "./optim.js";

export interface WorkloadData {
  xs: Tensor;
  ys: Int32Array;
  xt: Tensor;
}

/** Source: N((∓2,∓2), 0.5²I) classes; target: N((∓1,∓1), 0.6²I) rotated by 45°. */
export function referenceData(seed = 42, nSource = 1000, nTarget = 200): WorkloadData {
  const rng = new Rng(seed);
  const xs = new Float32Array(nSource * 2), ys = new Int32Array(nSource);
  for (let i = 0; i < nSource; i++) {
    const c = i < nSource / 2 ? 0 : 1, mu = c === 0 ? -2 : 2;
    xs[2 * i] = rng.normal() * 0.5 + mu;
    xs[2 * i + 1] = rng.normal() * 0.5 + mu;
    ys[i] = c;
  }
  const xt = new Float32Array(nTarget * 2), ct = Math.cos(Math.PI / 4), st = Math.sin(Math.PI / 4);
  for (let i = 0; i < nTarget; i++) {
    const mu = i < nTarget / 2 ? -1 : 1;
    const a = rng.normal() * 0.6 + mu, b = rng.normal() * 0.6 + mu;
    xt[2 * i] = a * ct - b * st;
    xt[2 * i + 1] = a * st + b * ct;
  }
  return { xs: new Tensor(xs, [nSource, 2]), ys, xt: new Tensor(xt, [nTarget, 2]) };
}

export interface WorkloadResult {
  /** Mean loss of each epoch. */
  epochLosses: number[];
  steps: number;
}

export function referenceWorkload(opts: { epochs?: number; seed?: number; batch?: number; data?: WorkloadData } = {}): WorkloadResult {
  const epochs = opts.epochs ?? 100, batch = opts.batch ?? 32;
  const rng = new Rng(opts.seed ?? 42);
  const data = opts.data ?? referenceData(opts.seed ?? 42);
  const features = mlp([2, 32, 16], { activation: "relu", finalActivation: true, rng });
  const classifier = new Linear(16, 2, { rng });
  const opt = new Adam([...features.parameters(), ...classifier.parameters()], { lr: 1e-3 });
  const n = data.ys.length;
  const epochLosses: number[] = [];
  const yb = new Int32Array(batch);
  let steps = 0;
  for (let e = 0; e < epochs; e++) {
    const perm = rng.permutation(n);
    let total = 0, count = 0;
    for (let s = 0; s < n; s += batch) {
      const idx = perm.subarray(s, Math.min(n, s + batch));
      const y = idx.length === batch ? yb : new Int32Array(idx.length);
      for (let k = 0; k < idx.length; k++) y[k] = data.ys[idx[k]!]!;
      total += tidy(() => {
        opt.zeroGrad();
        const fs = features.forward(gather(data.xs, idx));
        const ft = features.forward(data.xt);
        const loss = softmaxCrossEntropy(classifier.forward(fs), y).add(mmd2(fs, ft, { gamma: 1 }).mul(0.5));
        loss.backward();
        opt.step();
        return loss.item();
      });
      count++;
      steps++;
    }
    epochLosses.push(total / count);
  }
  return { epochLosses, steps };
}
