// Every op's gradient against float64 central finite differences on fresh seeded inputs (rel. error < 1e-3),
// on every available kernel tier for the ops that call kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import * as E from "../../src/engine/index.js";
import { availableTiers, useTier } from "../../src/engine/kernels/index.js";
import { gradcheck, randomInput } from "./gradcheck.js";

type Case = { name: string; f: (x: E.Tensor[]) => E.Tensor; shapes: number[][]; lo?: number; hi?: number; gap?: number; h?: number; inputs?: (rng: Rng) => Float32Array[] };

const act = (a: E.Activation) => (x: E.Tensor[]) => E.activation(x[0]!, a, 0.1);

// Ops with no kernel calls: checked once.
const plain: Case[] = [
  { name: "add same shape", f: (x) => E.add(x[0]!, x[1]!), shapes: [[3, 4], [3, 4]] },
  { name: "add broadcast row", f: (x) => E.add(x[0]!, x[1]!), shapes: [[3, 4], [4]] },
  { name: "sub broadcast 3-D", f: (x) => E.sub(x[0]!, x[1]!), shapes: [[2, 1, 3], [4, 1]] },
  { name: "mul broadcast 4-D", f: (x) => E.mul(x[0]!, x[1]!), shapes: [[2, 3, 1, 2], [1, 3, 2, 1]] },
  { name: "div broadcast", f: (x) => E.div(x[0]!, x[1]!), shapes: [[3, 4], [3, 1]], lo: 0.5, hi: 2 },
  { name: "div same shape", f: (x) => E.div(x[0]!, x[1]!), shapes: [[5], [5]], lo: 0.5, hi: 2 },
  { name: "scalar add/mul/sub/div", f: (x) => E.div(E.sub(E.mul(E.add(x[0]!, 0.3), 1.7), 2), 3), shapes: [[6]] },
  { name: "neg", f: (x) => E.neg(x[0]!), shapes: [[7]] },
  { name: "exp", f: (x) => E.exp(x[0]!), shapes: [[7]] },
  { name: "log", f: (x) => E.log(x[0]!), shapes: [[7]], lo: 0.3, hi: 3 },
  { name: "sqrt", f: (x) => E.sqrt(x[0]!), shapes: [[7]], lo: 0.3, hi: 3 },
  { name: "pow 2", f: (x) => E.pow(x[0]!, 2), shapes: [[7]] },
  { name: "pow 3", f: (x) => E.pow(x[0]!, 3), shapes: [[7]] },
  { name: "pow 0.5", f: (x) => E.pow(x[0]!, 0.5), shapes: [[7]], lo: 0.3, hi: 3 },
  { name: "abs", f: (x) => E.abs(x[0]!), shapes: [[9]], gap: 0.05 },
  { name: "relu", f: act("relu"), shapes: [[4, 5]], gap: 0.05 },
  { name: "leakyRelu", f: act("leakyRelu"), shapes: [[4, 5]], gap: 0.05 },
  { name: "tanh", f: act("tanh"), shapes: [[4, 5]], lo: -2, hi: 2 },
  { name: "sigmoid", f: act("sigmoid"), shapes: [[4, 5]], lo: -3, hi: 3 },
  { name: "gelu", f: act("gelu"), shapes: [[4, 5]], lo: -3, hi: 3 },
  { name: "biasActivation 2-D gelu", f: (x) => E.biasActivation(x[0]!, x[1]!, "gelu"), shapes: [[4, 3], [3]] },
  { name: "biasActivation 4-D tanh", f: (x) => E.biasActivation(x[0]!, x[1]!, "tanh"), shapes: [[2, 3, 2, 2], [3]] },
  { name: "biasActivation leakyRelu", f: (x) => E.biasActivation(x[0]!, x[1]!, "leakyRelu", 0.2), shapes: [[4, 3], [3]], inputs: (rng) => [randomInput(rng, 12, -1, 1, 0.05), new Float32Array(3)] },
  { name: "sum all", f: (x) => E.sum(x[0]!), shapes: [[3, 4]] },
  { name: "sum axis 0", f: (x) => E.sum(x[0]!, 0), shapes: [[3, 4]] },
  { name: "sum axes [1,3] keepDims", f: (x) => E.sum(x[0]!, [1, 3], true), shapes: [[2, 3, 2, 2]] },
  { name: "mean axis -1", f: (x) => E.mean(x[0]!, -1), shapes: [[3, 4]] },
  { name: "mean all", f: (x) => E.mean(x[0]!), shapes: [[2, 3, 2]] },
  { name: "max axis 1", f: (x) => E.max(x[0]!, 1), shapes: [[3, 5]], inputs: (rng) => [distinct(rng, 15)] },
  { name: "max all", f: (x) => E.max(x[0]!), shapes: [[3, 5]], inputs: (rng) => [distinct(rng, 15)] },
  { name: "max axes [0,2]", f: (x) => E.max(x[0]!, [0, 2]), shapes: [[2, 3, 4]], inputs: (rng) => [distinct(rng, 24)] },
  { name: "softmax", f: (x) => E.softmax(x[0]!), shapes: [[3, 5]], lo: -2, hi: 2 },
  { name: "logSoftmax", f: (x) => E.logSoftmax(x[0]!), shapes: [[3, 5]], lo: -2, hi: 2 },
  { name: "softmaxCrossEntropy", f: (x) => E.softmaxCrossEntropy(x[0]!, [0, 2, 1, 2]), shapes: [[4, 3]], lo: -2, hi: 2 },
  {
    name: "softmaxCrossEntropy weights+smoothing+sample weights",
    f: (x) => E.softmaxCrossEntropy(x[0]!, [0, 2, 1, 2, 0], { classWeights: [0.5, 2, 1], labelSmoothing: 0.2, sampleWeights: [1, 0.5, 2, 1.5, 0.7] }),
    shapes: [[5, 3]], lo: -2, hi: 2,
  },
  { name: "bceWithLogits", f: (x) => E.bceWithLogits(x[0]!, [0, 1, 1, 0, 0.3], [1, 2, 0.5, 1, 1]), shapes: [[5, 1]], lo: -3, hi: 3 },
  { name: "outer (CDAN's f ⊗ g)", f: (x) => E.outer(x[0]!, x[1]!), shapes: [[4, 3], [4, 5]] },
  { name: "mse", f: (x) => E.mse(x[0]!, x[1]!), shapes: [[3, 2], [3, 2]] },
  { name: "dropout (fixed mask)", f: (x) => E.dropout(x[0]!, 0.4, new Rng(3), true), shapes: [[4, 6]] },
  { name: "batchNorm 2-D train", f: (x) => E.batchNorm(x[0]!, x[1]!, x[2]!, new Float32Array(3), new Float32Array(3).fill(1), { training: true }), shapes: [[5, 3], [3], [3]] },
  { name: "batchNorm 4-D train", f: (x) => E.batchNorm(x[0]!, x[1]!, x[2]!, new Float32Array(2), new Float32Array(2).fill(1), { training: true }), shapes: [[2, 2, 3, 3], [2], [2]] },
  { name: "batchNorm eval", f: (x) => E.batchNorm(x[0]!, x[1]!, x[2]!, Float32Array.from([0.1, -0.2]), Float32Array.from([0.5, 2]), { training: false }), shapes: [[4, 2], [2], [2]] },
  { name: "maxPool2d", f: (x) => E.maxPool2d(x[0]!, 2), shapes: [[2, 2, 4, 5]], inputs: (rng) => [distinct(rng, 80)] },
  { name: "maxPool2d stride 1", f: (x) => E.maxPool2d(x[0]!, 2, 1), shapes: [[1, 2, 3, 3]], inputs: (rng) => [distinct(rng, 18)] },
  { name: "avgPool2d", f: (x) => E.avgPool2d(x[0]!, 2), shapes: [[2, 2, 4, 4]] },
  { name: "reshape (view)", f: (x) => E.mul(E.reshape(x[0]!, [3, -1]), x[1]!), shapes: [[2, 6], [3, 4]] },
  { name: "flatten", f: (x) => E.mul(E.flatten(x[0]!), x[0]!.reshape([2, 12])), shapes: [[2, 3, 2, 2]] },
  { name: "transpose", f: (x) => E.mul(E.transpose(x[0]!), x[1]!), shapes: [[3, 4], [4, 3]] },
  { name: "concat axis 0", f: (x) => E.concat([x[0]!, x[1]!], 0), shapes: [[2, 3], [4, 3]] },
  { name: "concat axis 1", f: (x) => E.concat([x[0]!, x[1]!, x[0]!], 1), shapes: [[2, 3], [2, 1]] },
  { name: "slice axis 0 (view)", f: (x) => E.mul(E.slice(x[0]!, 0, 1, 3), E.slice(x[0]!, 0, 2, 4)), shapes: [[5, 3]] },
  { name: "slice axis 1", f: (x) => E.slice(x[0]!, 1, 1, 3), shapes: [[3, 4, 2]] },
  { name: "copy", f: (x) => E.mul(E.copy(x[0]!), x[0]!), shapes: [[5]] },
  { name: "activation none", f: (x) => E.mul(E.activation(x[0]!, "none"), x[1]!), shapes: [[5], [5]] },
  { name: "gather (repeats)", f: (x) => E.mul(E.gather(x[0]!, [2, 0, 2, 4]), E.gather(x[0]!, [1, 1, 3, 0])), shapes: [[5, 3]] },
];

// Ops that call the kernel tier (GEMM, pairwise distances): checked on every tier.
const kernelled: Case[] = [
  { name: "matmul", f: (x) => E.matmul(x[0]!, x[1]!), shapes: [[3, 4], [4, 5]] },
  { name: "matmul transA", f: (x) => E.matmul(x[0]!, x[1]!, { transA: true }), shapes: [[4, 3], [4, 5]] },
  { name: "matmul transB", f: (x) => E.matmul(x[0]!, x[1]!, { transB: true }), shapes: [[3, 4], [5, 4]] },
  { name: "matmul transA transB", f: (x) => E.matmul(x[0]!, x[1]!, { transA: true, transB: true }), shapes: [[4, 3], [5, 4]] },
  { name: "matmul same input", f: (x) => E.matmul(x[0]!, x[0]!, { transB: true }), shapes: [[3, 4]] },
  ...(["none", "relu", "leakyRelu", "tanh", "sigmoid", "gelu"] as E.Activation[]).map((a): Case => ({
    name: `linear + ${a}`, f: (x) => E.linear(x[0]!, x[1]!, x[2]!, a, 0.1), shapes: [[5, 4], [3, 4], [3]],
    // Inputs and weights on a grid-free random draw; pre-activations rarely fall within h of 0.
  })),
  { name: "linear without bias", f: (x) => E.linear(x[0]!, x[1]!, null, "tanh"), shapes: [[5, 4], [3, 4]] },
  { name: "sqdist", f: (x) => E.sqdist(x[0]!, x[1]!), shapes: [[4, 3], [5, 3]] },
  { name: "rbfKernel", f: (x) => E.rbfKernel(x[0]!, x[1]!, 0.7), shapes: [[4, 3], [5, 3]] },
  { name: "rbfKernel 2 bandwidths", f: (x) => E.rbfKernel(x[0]!, x[1]!, [0.3, 2]), shapes: [[4, 3], [5, 3]] },
  { name: "mmd2 biased", f: (x) => E.mmd2(x[0]!, x[1]!, { gamma: 1 }), shapes: [[6, 3], [5, 3]] },
  { name: "mmd2 unbiased", f: (x) => E.mmd2(x[0]!, x[1]!, { gamma: 0.5, estimator: "unbiased" }), shapes: [[6, 3], [5, 3]] },
  { name: "mmd2 multi-bandwidth", f: (x) => E.mmd2(x[0]!, x[1]!, { gamma: [0.25, 1, 4], estimator: "biased" }), shapes: [[6, 3], [5, 3]] },
  { name: "mmd2 linear-time", f: (x) => E.mmd2(x[0]!, x[1]!, { gamma: [0.5, 2], estimator: "linear" }), shapes: [[6, 3], [7, 3]] },
  { name: "coral", f: (x) => E.coral(x[0]!, x[1]!), shapes: [[6, 3], [5, 3]] },
  { name: "conv2d", f: (x) => E.conv2d(x[0]!, x[1]!, x[2]!), shapes: [[2, 2, 5, 4], [3, 2, 3, 3], [3]] },
  { name: "conv2d stride 2 padding 1", f: (x) => E.conv2d(x[0]!, x[1]!, null, { stride: 2, padding: 1 }), shapes: [[1, 3, 5, 5], [2, 3, 3, 3]] },
];

function distinct(rng: Rng, n: number): Float32Array {
  // A shuffled grid with spacing 0.1 ≫ h: no ties inside a max window under perturbation.
  const p = rng.permutation(n);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = (p[i]! - n / 2) * 0.1 + rng.range(-0.01, 0.01);
  return d;
}

function run(c: Case, seed: number): string | null {
  const rng = new Rng(seed);
  const data = c.inputs ? c.inputs(rng) : c.shapes.map((s) => randomInput(rng, E.sizeOf(s), c.lo ?? -1, c.hi ?? 1, c.gap ?? 0));
  const r = gradcheck(c.f, data.map((d, i) => ({ data: d, shape: c.shapes[i]! })), { h: c.h, seed: seed + 1 });
  return r.worst < 1e-3 ? null : `${c.name}: relative gradient error ${r.relErr.map((e) => e.toExponential(2)).join(", ")}`;
}

function runAll(cases: Case[], seed0: number): void {
  const failures = cases.map((c, i) => run(c, seed0 + i)).filter((f) => f !== null);
  assert.deepEqual(failures, []);
}

test("gradients of element-wise, reduction, loss, layer and shape ops match finite differences", () => {
  runAll(plain, 1000);
});

test("biasActivation equals activation(x + b) with b broadcast per feature / per channel", () => {
  const rng = new Rng(77);
  const x2 = new E.Tensor(randomInput(rng, 12), [4, 3]), b = new E.Tensor(randomInput(rng, 3), [3]);
  const near = (a: Float32Array, c: Float32Array) => a.length === c.length && a.every((v, i) => Math.abs(v - c[i]!) < 1e-6);
  assert.ok(near(E.biasActivation(x2, b, "sigmoid").data, E.sigmoid(E.add(x2, b)).data));
  const x4 = new E.Tensor(randomInput(rng, 24), [2, 3, 2, 2]);
  assert.ok(near(E.biasActivation(x4, b, "relu").data, E.relu(E.add(x4, E.reshape(b, [3, 1, 1]))).data));
  assert.ok(!near(E.biasActivation(x4, b, "relu").data, E.relu(x4).data), "the bias is applied");
});

test("detach shares storage and stops the gradient", () => {
  const x = E.tensor([1, 2]).requireGrad(), w = E.tensor([3, 4]).requireGrad();
  const d = E.detach(x);
  assert.equal(d.data, x.data);
  E.sum(E.mul(d, w)).backward();
  assert.equal(x.grad, null);
  assert.deepEqual(Array.from(w.grad!), [1, 2]);
});

test("gradient reversal: identity forward, −λ·upstream gradient backward", () => {
  const x = E.tensor([1, -2, 3]).requireGrad();
  const y = E.gradReverse(x, 0.7);
  assert.deepEqual(Array.from(y.data), [1, -2, 3]);
  E.sum(E.mul(y, E.tensor([2, 3, 4]))).backward();
  assert.deepEqual(Array.from(x.grad!).map((v) => +v.toFixed(6)), [-1.4, -2.1, -2.8]);
});

for (const tier of availableTiers()) {
  test(`gradients of GEMM/distance ops match finite differences on the ${tier} tier`, () => {
    useTier(tier);
    try {
      runAll(kernelled, 2000);
    } finally {
      useTier(availableTiers()[0]!);
    }
  });
}

test("gradients through a small conv net (conv → tanh → avg pool → flatten → linear+gelu → linear → CE)", () => {
  const rng = new Rng(5);
  const shapes = [[2, 1, 6, 6], [3, 1, 3, 3], [3], [4, 27], [4], [3, 4], [3]];
  const data = shapes.map((s) => randomInput(rng, E.sizeOf(s)));
  const r = gradcheck((p) => {
    const h = E.flatten(E.avgPool2d(E.tanh(E.conv2d(p[0]!, p[1]!, p[2]!, { padding: 1 })), 2));
    return E.softmaxCrossEntropy(E.linear(E.linear(h, p[3]!, p[4]!, "gelu"), p[5]!, p[6]!), [2, 0]);
  }, data.map((d, i) => ({ data: d, shape: shapes[i]! })), { h: 1e-2 });
  assert.ok(r.worst < 1e-3, `conv net: ${r.relErr.map((e) => e.toExponential(2)).join(", ")}`);
});
