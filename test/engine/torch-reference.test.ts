// Forward values and optimizer trajectories against PyTorch (fixture made by make_torch_fixture.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Rng } from "../../src/core/rng.js";
import * as E from "../../src/engine/index.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/engine/torch_fixture.json", import.meta.url), "utf8"));
const T = (v: number[], shape: number[]) => new E.Tensor(Float32Array.from(v), shape);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  assert.ok(worst < tol, `${what}: worst error ${worst.toExponential(2)} ≥ ${tol}`);
}

test("maxPool2d: a NaN anywhere in the window gives NaN (torch.nn.functional.max_pool2d does)", () => {
  for (const v of [[1, NaN, 3, 2], [NaN, 5, 3, 2], [1, 2, 3, NaN]]) {
    assert.ok(Number.isNaN(E.maxPool2d(T(v, [1, 1, 2, 2]), 2).data[0]!), `window ${v.join(", ")}`);
  }
  assert.equal(E.maxPool2d(T([1, 4, 3, 2], [1, 1, 2, 2]), 2).data[0], 4);
});

test("conv2d, pooling, activations and softmax forward values match torch", () => {
  const c = fx.conv2d;
  const y = E.conv2d(T(c.x, c.xShape), T(c.w, c.wShape), T(c.b, [c.wShape[0]]), { stride: c.stride, padding: c.padding });
  assert.deepEqual([...y.shape], c.yShape);
  close(y.data, c.y, 1e-5, "conv2d");
  const p = fx.pool, x = T(p.x, p.shape);
  close(E.maxPool2d(x, 2).data, p.max2, 1e-6, "maxPool2d 2");
  close(E.maxPool2d(x, 3, 1).data, p.max3s1, 1e-6, "maxPool2d 3 stride 1");
  close(E.avgPool2d(x, 2).data, p.avg2, 1e-6, "avgPool2d 2");
  const a = fx.activations, g = T(a.x, [a.x.length]);
  close(E.gelu(g).data, a.gelu, 1e-6, "gelu");
  close(E.sigmoid(g).data, a.sigmoid, 1e-6, "sigmoid");
  close(E.tanh(g).data, a.tanh, 1e-6, "tanh");
  close(E.leakyRelu(g, 0.2).data, a.leaky, 1e-6, "leakyRelu");
  const s = fx.softmax, z = T(s.x, [5, 4]);
  close(E.softmax(z).data, s.softmax, 1e-6, "softmax");
  close(E.logSoftmax(z).data, s.logSoftmax, 1e-6, "logSoftmax");
});

test("softmax cross-entropy (class weights, label smoothing, sample weights) matches torch, with its gradient", () => {
  for (const c of fx.crossEntropy) {
    const opts = { classWeights: c.classWeights ?? undefined, labelSmoothing: c.labelSmoothing };
    const logits = T(c.logits, [c.n, c.C]).requireGrad();
    const loss = E.softmaxCrossEntropy(logits, c.labels, opts);
    close([loss.item()], [c.loss], 1e-6, `CE n=${c.n} C=${c.C} eps=${c.labelSmoothing}`);
    loss.backward();
    close(logits.grad!, c.grad, 1e-6, "CE gradient");
    const w = E.softmaxCrossEntropy(T(c.logits, [c.n, c.C]), c.labels, { ...opts, sampleWeights: c.sampleWeights });
    close([w.item()], [c.weightedLoss], 1e-6, "CE with sample weights");
  }
  const b = fx.bce;
  close([E.bceWithLogits(T(b.logits, [6]), b.targets, b.weights).item()], [b.loss], 1e-6, "bceWithLogits");
});

test("CORAL loss matches numpy's covariance formula", () => {
  const c = fx.coral;
  close([E.coral(T(c.xs, [9, 3]), T(c.xt, [7, 3])).item()], [c.loss], 1e-5, "coral");
});

test("batch norm train/eval outputs and running statistics match torch", () => {
  const b = fx.batchNorm;
  const rm = new Float32Array(3), rv = new Float32Array(3).fill(1);
  const x = T(b.x, [6, 3]), ga = T(b.gamma, [3]), be = T(b.beta, [3]);
  close(E.batchNorm(x, ga, be, rm, rv, { training: true }).data, b.train, 1e-5, "batchNorm train");
  close(rm, b.runningMean, 1e-6, "running mean");
  close(rv, b.runningVar, 1e-6, "running var");
  close(E.batchNorm(x, ga, be, rm, rv, { training: false }).data, b.eval, 1e-5, "batchNorm eval");
});

test("Adam, Adam+L2, AdamW and SGD (momentum, Nesterov, weight decay) follow torch on CE + 0.5·MMD² for 6 steps", () => {
  const o = fx.optimizers;
  const xb = T(o.xb, [8, 2]), xt = T(o.xt, [10, 2]), yb = Int32Array.from(o.yb);
  for (const run of o.runs) {
    const rng = new Rng(1);
    const feat = E.mlp([2, 5, 3], { activation: "relu", finalActivation: true, rng });
    const cls = new E.Linear(3, 2, { rng });
    const names: Record<string, E.Parameter> = {};
    for (const [n, p] of feat.namedParameters()) names[n.replace(/^1\./, "2.")] = p;
    for (const [n, p] of cls.namedParameters()) names[`cls.${n}`] = p;
    for (const [n, v] of Object.entries(run.init as Record<string, number[]>)) names[n]!.data.set(v);
    const params = [...feat.parameters(), ...cls.parameters()];
    const opt = run.optimizer === "adam" ? new E.Adam(params, { lr: 1e-2 })
      : run.optimizer === "adam_l2" ? new E.Adam(params, { lr: 1e-2, weightDecay: 0.1 })
      : run.optimizer === "adamw" ? new E.AdamW(params, { lr: 1e-2, weightDecay: 0.1 })
      : run.optimizer === "sgd_nesterov" ? new E.SGD(params, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })
      : new E.SGD(params, { lr: 0.05, momentum: 0.5, dampening: 0.1 });
    const losses: number[] = [];
    for (let s = 0; s < run.losses.length; s++) {
      losses.push(E.tidy(() => {
        opt.zeroGrad();
        const fs = feat.forward(xb), ft = feat.forward(xt);
        const loss = E.softmaxCrossEntropy(cls.forward(fs), yb).add(E.mmd2(fs, ft, { gamma: 1 }).mul(0.5));
        loss.backward();
        opt.step();
        return loss.item();
      }));
    }
    close(losses, run.losses, 2e-5, `${run.optimizer} losses`);
    for (const [n, v] of Object.entries(run.final as Record<string, number[]>)) close(names[n]!.data, v, 2e-5, `${run.optimizer} ${n}`);
  }
});

test("torch-default Linear init: U(±1/√fan_in) for weight and bias", () => {
  const l = new E.Linear(50, 40, { rng: new Rng(3) });
  const bound = 1 / Math.sqrt(50);
  for (const p of [l.weight, l.bias!]) {
    let mx = 0, s2 = 0;
    for (const v of p.data) { mx = Math.max(mx, Math.abs(v)); s2 += v * v; }
    assert.ok(mx <= bound, "inside the bound");
    if (p.size > 1000) assert.ok(Math.abs(s2 / p.size - bound * bound / 3) < 0.1 * bound * bound / 3, "uniform variance bound²/3");
  }
  const he = new E.Linear(200, 100, { rng: new Rng(4), init: "he" });
  let s2 = 0;
  for (const v of he.weight.data) s2 += v * v;
  assert.ok(Math.abs(s2 / he.weight.size - 2 / 200) < 0.05 * 2 / 200, "He variance 2/fan_in");
  assert.ok(he.bias!.data.every((v) => v === 0));
});

test("deep adaptation ops (outer, gradient reversal, BCE with logits, MCC loss, multi-kernel MMD²) match torch in value and gradient", () => {
  // Each fixture holds y = op(x) and the gradients of Σ r·y for a fixed random r, computed by torch in float64.
  // MCC's entropy weights and DAN's bandwidth are detached in the reference code: only the torch fixture (not
  // finite differences, which would differentiate them too) can check that the gradient leaves them out.
  const ops: Record<string, (x: E.Tensor[]) => E.Tensor> = {
    outer: (x) => E.outer(x[0]!, x[1]!),
    gradReverse: (x) => E.gradReverse(x[0]!, 0.37),
    bce: (x) => E.bceWithLogits(x[0]!, fx.deep.bce.targets, fx.deep.bce.weights),
    mcc: (x) => E.mccLoss(x[0]!, fx.deep.mcc.temperature),
    mkMmd: (x) => E.multiKernelMmd2(x[0]!, x[1]!),
  };
  for (const [name, f] of Object.entries(ops)) {
    const c = fx.deep[name];
    const xs = (c.inputs as number[][]).map((v, i) => T(v, c.shapes[i]).requireGrad());
    const y = f(xs);
    close(y.data, c.y, 1e-5, `${name} value`);
    E.sum(E.mul(y, T(c.r, [...y.shape]))).backward();
    xs.forEach((x, i) => close(x.grad!, c.grads[i], 1e-5, `${name} gradient of input ${i}`));
  }
});

test("meanPairwiseSqDist (DAN's bandwidth base) equals the float64 mean over distinct pairs", () => {
  const rng = new Rng(31);
  const a = Float32Array.from({ length: 15 }, () => rng.normal()), b = Float32Array.from({ length: 12 }, () => rng.normal() + 1);
  const rows = [...Array.from({ length: 5 }, (_, i) => a.subarray(i * 3, i * 3 + 3)), ...Array.from({ length: 4 }, (_, i) => b.subarray(i * 3, i * 3 + 3))];
  let s = 0;
  for (const u of rows) for (const v of rows) s += u.reduce((acc, ui, k) => acc + (ui - v[k]!) ** 2, 0);
  const got = E.meanPairwiseSqDist(T(Array.from(a), [5, 3]), T(Array.from(b), [4, 3]));
  assert.ok(Math.abs(got - s / (9 * 8)) < 1e-9 * s, `${got} vs ${s / 72}`);
});
