// Autograd mechanics: memory stays flat over 10⁵ steps, no-grad, accumulation, freezing, views, save/load,
// and the reference workload reaching the same loss on every kernel tier.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { Matrix } from "../../src/core/matrix.js";
import * as E from "../../src/engine/index.js";
import { availableTiers, useTier } from "../../src/engine/kernels/index.js";
import { referenceWorkload } from "../../src/engine/workload.js";

test("10⁵ training steps inside tidy keep the pool and the tape bounded", () => {
  const rng = new Rng(1);
  const net = E.mlp([4, 8, 3], { rng });
  const opt = new E.SGD(net.parameters(), { lr: 1e-3 });
  const x = new E.Tensor(Float32Array.from({ length: 16 }, () => rng.normal()), [4, 4]);
  const y = Int32Array.from([0, 1, 2, 1]);
  const sizes: number[] = [], allocated: number[] = [];
  for (let s = 0; s < 100_000; s++) {
    E.tidy(() => {
      opt.zeroGrad();
      const loss = E.softmaxCrossEntropy(net.forward(x), y);
      loss.backward();
      opt.step();
    });
    if (s === 100 || s === 99_999) {
      sizes.push(E.engineStats().pooledBuffers);
      allocated.push(E.engineStats().allocatedBuffers);
    }
    assert.equal(E.engineStats().tapeLength, 0);
  }
  assert.equal(sizes[1], sizes[0], "pool size after 100 steps equals pool size after 10⁵ steps");
  assert.ok(sizes[0]! > 0 && sizes[0]! < 50, `pool holds ${sizes[0]} buffers`);
  assert.equal(allocated[1], allocated[0], "no new buffers were allocated after warm-up: every step reuses the pool");
  assert.equal(E.engineStats().scopes, 0);
});

test("tidy keeps returned tensors, recycles the rest, and drops unrun tape entries", () => {
  const w = new E.Parameter(Float32Array.from([1, 2]), [2]);
  const kept = E.tidy(() => {
    E.mul(w, 3); // recorded but never backpropagated: dropped at scope end
    return E.mul(w, 2);
  });
  assert.equal(E.engineStats().tapeLength, 0);
  E.tidy(() => E.full([2], 99)); // may reuse recycled buffers
  assert.deepEqual(Array.from(kept.data), [2, 4], "the returned tensor was not recycled");
});

test("a leaf created outside tidy keeps a valid gradient after the scope ends", () => {
  const x = E.tensor([1, 2, 3]).requireGrad();
  E.tidy(() => E.sum(E.mul(x, x)).backward());
  E.tidy(() => { for (let i = 0; i < 5; i++) E.full([3], 7); }); // would overwrite a recycled buffer
  assert.deepEqual(Array.from(x.grad!), [2, 4, 6]);
});

test("forgetting noGrad outside tidy fails loudly (MEMORY_BUDGET) instead of growing the tape forever", () => {
  const w = new E.Parameter(Float32Array.from([1]), [1]);
  assert.throws(() => { for (let i = 0; i < 200_000; i++) E.mul(w, 2); }, (e: any) => e.code === "MEMORY_BUDGET");
  assert.equal(E.engineStats().tapeLength, 0);
});

test("noGrad records nothing; gradients accumulate until zeroGrad", () => {
  const w = new E.Parameter(Float32Array.from([1, -2, 3]), [3]);
  const y = E.noGrad(() => E.sum(E.mul(w, w)));
  assert.equal(y.requiresGrad, false);
  assert.equal(E.engineStats().tapeLength, 0);
  assert.throws(() => y.backward(), (e: any) => e.code === "INVALID_PARAMETER");
  E.sum(E.mul(w, w)).backward();
  E.sum(E.mul(w, w)).backward();
  assert.deepEqual(Array.from(w.grad!), [4, -8, 12], "2·(2w) after two backward passes");
  new E.SGD([w], { lr: 0 }).zeroGrad();
  assert.deepEqual(Array.from(w.grad!), [0, 0, 0]);
  assert.throws(() => E.mul(w, 2).backward(), /one-element/);
});

test("frozen layers get no gradient and are not updated; unfreeze restores training", () => {
  const rng = new Rng(2);
  const feat = E.mlp([2, 4], { rng, finalActivation: true });
  const head = new E.Linear(4, 2, { rng });
  const x = E.tensor([[0.5, -1], [1, 2]]);
  feat.freeze();
  const before = feat.parameters().map((p) => p.data.slice());
  const opt = new E.Adam([...feat.parameters(), ...head.parameters()], { lr: 0.1 });
  E.softmaxCrossEntropy(head.forward(feat.forward(x)), [0, 1]).backward();
  opt.step();
  feat.parameters().forEach((p, i) => {
    assert.equal(p.grad, null);
    assert.deepEqual(p.data, before[i]);
  });
  assert.ok(head.weight.grad !== null && head.weight.grad.some((v) => v !== 0));
  feat.unfreeze();
  E.softmaxCrossEntropy(head.forward(feat.forward(x)), [0, 1]).backward();
  assert.ok(feat.parameters()[0]!.grad!.some((v) => v !== 0));
});

test("fromMatrix/toMatrix, reshape and row slices share storage", () => {
  const m = Matrix.from([[1, 2, 3], [4, 5, 6]]);
  const t = E.Tensor.fromMatrix(m);
  assert.equal(t.data, m.data);
  assert.equal(t.toMatrix().data, m.data);
  const r = E.reshape(t, [3, 2]);
  const s = E.slice(t, 0, 1, 2);
  m.data[4] = 50;
  assert.equal(r.data[4], 50);
  assert.equal(s.data[1], 50);
  assert.throws(() => E.reshape(t, [4, 2]), (e: any) => e.code === "SHAPE_MISMATCH");
  assert.throws(() => E.add(t, E.zeros([3, 2])), /do not broadcast/);
  assert.throws(() => E.matmul(t, t), /inner dimensions/);
});

test("save/load round-trips parameters and batch-norm statistics; mismatched architectures are refused", () => {
  const rng = new Rng(3);
  const a = E.mlp([3, 5, 2], { rng, batchNorm: true });
  E.tidy(() => a.forward(E.tensor([[1, 2, 3], [0, 1, -1], [2, 2, 2]]))); // updates running statistics
  const bytes = E.saveWeights(a);
  const b = E.mlp([3, 5, 2], { rng: new Rng(99), batchNorm: true });
  E.loadWeights(b, bytes);
  const na = [...a.namedParameters().map(([n, p]) => [n, p.data] as const), ...a.namedBuffers().map(([n, q]) => [n, q.data] as const)];
  const nb = new Map([...b.namedParameters().map(([n, p]) => [n, p.data] as const), ...b.namedBuffers().map(([n, q]) => [n, q.data] as const)]);
  assert.ok(na.some(([n]) => n.endsWith("running_mean")));
  for (const [n, d] of na) assert.deepEqual(nb.get(n), d, n);
  assert.throws(() => E.loadWeights(E.mlp([3, 6, 2], { rng }), bytes), (e: any) => e.code === "SHAPE_MISMATCH");
  assert.throws(() => E.loadWeights(b, bytes.subarray(0, 20)), (e: any) => e.code === "DATA_FORMAT");
  // A NaN in the stored values (a damaged file) is refused by name, and the module keeps its weights.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = Uint8Array.from(bytes);
  new DataView(damaged.buffer).setFloat32(bytes.length - 4, NaN, true); // the last value of the last tensor
  const c = E.mlp([3, 5, 2], { rng: new Rng(7), batchNorm: true });
  const before = c.namedParameters().map(([, p]) => Float32Array.from(p.data));
  assert.throws(() => E.loadWeights(c, damaged), (e: any) => e.code === "NON_FINITE" && typeof e.where.param === "string" && /NaN/.test(e.message));
  c.namedParameters().forEach(([n, p], i) => assert.deepEqual(p.data, before[i], `${n} changed by a refused load`));
  assert.ok(Number.isFinite(view.getFloat32(bytes.length - 4, true)));
  // A damaged JSON header (it sits inside a model file's base64 weights) is DATA_FORMAT, never a TypeError inside.
  const withHeader = (header: unknown): Uint8Array => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length);
    out.set(bytes.subarray(0, 4));
    new DataView(out.buffer).setUint32(4, json.length, true);
    out.set(json, 8);
    return out;
  };
  const ok = { format: "transferlab-weights", version: 1 };
  for (const h of [null, 3, ok, { ...ok, tensors: [null] }, { ...ok, tensors: [{ name: "0.weight", offset: 0, length: 4 }] }, { ...ok, tensors: [{ name: "x", shape: [2, 2], offset: -1, length: 4 }] }, { ...ok, tensors: [{ name: "x", shape: [2, 2], offset: 0, length: 5 }] }]) {
    assert.throws(() => E.loadWeights(c, withHeader(h)), (e: any) => e.code === "DATA_FORMAT", JSON.stringify(h));
  }
});

test("parameter groups update with their own learning rates", () => {
  const a = new E.Parameter(Float32Array.from([1]), [1]), b = new E.Parameter(Float32Array.from([1]), [1]);
  const opt = new E.SGD([{ name: "backbone", params: [a], lr: 0.01 }, { name: "head", params: [b] }], { lr: 0.1 });
  E.add(E.mul(a, 2), E.mul(b, 2)).backward(); // d/da = d/db = 2
  opt.step();
  assert.ok(Math.abs(a.data[0]! - (1 - 0.01 * 2)) < 1e-7 && Math.abs(b.data[0]! - (1 - 0.1 * 2)) < 1e-7);
  opt.setLr(0, "head");
  opt.zeroGrad();
  E.add(E.mul(a, 2), E.mul(b, 2)).backward();
  opt.step();
  assert.ok(Math.abs(b.data[0]! - 0.8) < 1e-7, "head frozen by lr 0");
});

test("int32 labels: IntTensor, Int32Array and number[] are interchangeable; bad labels are refused", () => {
  const z = E.tensor([[2, 0, -1], [0.5, 1, 3]]);
  const l1 = E.softmaxCrossEntropy(z, E.IntTensor.from([0, 2])).item();
  assert.equal(E.softmaxCrossEntropy(z, Int32Array.from([0, 2])).item(), l1);
  assert.equal(E.softmaxCrossEntropy(z, [0, 2]).item(), l1);
  // −log softmax by hand, float64
  const nll = (r: number[], y: number) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0)) - r[y]!;
  assert.ok(Math.abs(l1 - (nll([2, 0, -1], 0) + nll([0.5, 1, 3], 2)) / 2) < 1e-6);
  assert.throws(() => E.softmaxCrossEntropy(z, [0, 3]), (e: any) => e.code === "LABEL_MISMATCH" && e.where.row === 2);
  assert.throws(() => E.gather(z, [5]), (e: any) => e.where.param === "indices");
});

test("clipGradNorm rescales to the joint norm (torch's clip_grad_norm_); argmax picks the first maximum", () => {
  const a = new E.Parameter(new Float32Array(2), [2]), b = new E.Parameter(new Float32Array(1), [1]);
  a.grad = Float32Array.from([3, 0]);
  b.grad = Float32Array.from([4]);
  assert.equal(E.clipGradNorm([a, b], 10), 5);
  assert.deepEqual(Array.from(b.grad), [4], "under the limit: unchanged");
  assert.ok(Math.abs(E.clipGradNorm([a, b], 1) - 5) < 1e-6);
  assert.ok(Math.abs(Math.hypot(a.grad[0]!, b.grad[0]!) - 1) < 1e-5 && Math.abs(a.grad[0]! / b.grad[0]! - 0.75) < 1e-6);
  assert.deepEqual(Array.from(E.argmax(E.tensor([[1, 3, 3], [5, -1, 2]]))), [1, 0]);
});

test("schedules: step, cosine and DANN's inverse decay", () => {
  const st = E.schedules.step({ stepSize: 10, gamma: 0.5 });
  assert.equal(st(9), 1);
  assert.equal(st(25), 0.25);
  const cos = E.schedules.cosine({ totalSteps: 100, minFactor: 0.1 });
  assert.ok(Math.abs(cos(0) - 1) < 1e-12 && Math.abs(cos(50) - 0.55) < 1e-12 && Math.abs(cos(100) - 0.1) < 1e-12);
  const inv = E.schedules.inverseDecay({ totalSteps: 1000 });
  assert.ok(Math.abs(inv(1000) - Math.pow(11, -0.75)) < 1e-12);
  const w = new E.Parameter(new Float32Array(1), [1]);
  const opt = new E.SGD([{ name: "a", params: [w], lr: 0.2 }], { lr: 1 });
  opt.setLrFactor(0.5);
  assert.equal(opt.groups[0]!.lr, 0.1);
});

test("the reference workload reaches the same loss on every kernel tier (within 1e-3)", () => {
  const results: [string, number[]][] = [];
  for (const tier of availableTiers()) {
    useTier(tier);
    results.push([tier, referenceWorkload({ epochs: 3 }).epochLosses]);
  }
  useTier(availableTiers()[0]!);
  const [, ref] = results[0]!;
  assert.ok(ref[2]! < ref[0]!, "the loss decreases");
  for (const [tier, l] of results) for (let e = 0; e < ref.length; e++) assert.ok(Math.abs(l[e]! - ref[e]!) < 1e-3, `${tier} epoch ${e + 1}: ${l[e]} vs ${ref[e]}`);
});

test("erfc keeps its relative accuracy in the upper tail (values from Python's math.erfc); erf + erfc = 1", () => {
  const ref: [number, number][] = [[-1, 1.842700792949715], [0.5, 0.4795001221869535], [3, 2.2090496998585438e-5], [6, 2.1519736712498916e-17]];
  for (const [x, want] of ref) assert.ok(Math.abs(E.erfc(x) / want - 1) < 1.2e-7, `erfc(${x}) = ${E.erfc(x)}, want ${want}`);
  for (const x of [-2, -0.3, 0, 0.7, 1.5]) assert.ok(Math.abs(E.erf(x) + E.erfc(x) - 1) < 1e-15, `erf + erfc at ${x}`);
});
