// Adam's exported state resumes training exactly: branching from a snapshot reproduces the same trajectory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import * as E from "../../src/engine/index.js";
import { TransferLabError } from "../../src/core/errors.js";

function steps(net: E.Sequential, opt: E.Adam, x: E.Tensor, y: number[], n: number): void {
  for (let i = 0; i < n; i++) {
    E.tidy(() => {
      opt.zeroGrad();
      E.softmaxCrossEntropy(net.forward(x), y).backward();
      opt.step();
    });
  }
}

test("Adam exportState/importState: resuming from a snapshot repeats the trajectory bit for bit", () => {
  const rng = new Rng(3);
  const net = E.mlp([3, 6, 2], { rng });
  const opt = new E.Adam(net.parameters(), { lr: 0.05 });
  const x = new E.Tensor(Float32Array.from({ length: 15 }, () => rng.normal()), [5, 3]);
  const y = [0, 1, 1, 0, 1];
  steps(net, opt, x, y, 4);
  const weights = net.parameters().map((p) => p.data.slice());
  const state = opt.exportState();
  steps(net, opt, x, y, 3);
  const first = net.parameters().map((p) => p.data.slice());
  // Disturb the optimizer (more steps), then restore weights and moments and redo the 3 steps.
  steps(net, opt, x, y, 5);
  net.parameters().forEach((p, i) => p.data.set(weights[i]!));
  opt.importState(state);
  steps(net, opt, x, y, 3);
  net.parameters().forEach((p, i) => assert.deepEqual(p.data, first[i]));
  // Without the moments the same 3 steps go elsewhere: the state really matters.
  net.parameters().forEach((p, i) => p.data.set(weights[i]!));
  const fresh = new E.Adam(net.parameters(), { lr: 0.05 });
  steps(net, fresh, x, y, 3);
  assert.notDeepEqual(net.parameters()[0]!.data, first[0]);
});

test("Adam importState rejects a snapshot of another network", () => {
  const rng = new Rng(4);
  const a = new E.Adam(E.mlp([3, 6, 2], { rng }).parameters());
  const b = new E.Adam(E.mlp([3, 5, 2], { rng }).parameters());
  const x = new E.Tensor(new Float32Array(6), [2, 3]);
  const net = E.mlp([3, 6, 2], { rng });
  const opt = new E.Adam(net.parameters());
  steps(net, opt, x, [0, 1], 1);
  assert.throws(() => b.importState(opt.exportState()), (e: unknown) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER");
  a.importState(opt.exportState());
});
