// Step-by-step agreement with PyTorch (test/fixtures/deep/make_trajectory.py, which runs bench/deep_mirror.py's
// code): the 8×8 CNN spec, the same initial weights and batch indices, 6 iterations of each deep method with the
// real schedule (lr annealing, GRL coefficient, SGD momentum + weight decay). Every term at every iteration must
// match, and so must the parameter updates (final − initial) of the head and the first convolution.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix, Rng } from "../../src/core/index.js";
import { getMethod } from "../../src/adapt/registry.js";
import type { DeepAdapter } from "../../src/adapt/deep/define.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/deep/trajectory.json", import.meta.url), "utf8"));

/** The fixture's deterministic initial weights: parameter j, entry i = sin(1.3i + 0.7j + 0.1)/√fan_in, float32. */
function initialise(params: Float32Array[], shapes: number[][]): void {
  let fanIn = 1;
  params.forEach((p, j) => {
    const shape = shapes[j]!;
    if (shape.length > 1) fanIn = p.length / shape[0]!;
    for (let i = 0; i < p.length; i++) p[i] = Math.sin(1.3 * i + 0.7 * j + 0.1) / Math.sqrt(fanIn);
  });
}

for (const name of Object.keys(fx.methods)) {
  test(`${name}: every term at every iteration and the parameter updates match torch`, async () => {
    const want = fx.methods[name];
    const m = getMethod(name === "cdan-e" ? "cdan" : name) as DeepAdapter<Record<string, unknown>>;
    const n = fx.n as number;
    const source = { name: "s", X: new Matrix(n, 64, Float32Array.from(fx.Xs)), y: Int32Array.from(fx.ys), imageShape: [8, 8] as [number, number] };
    const target = { name: "t", X: new Matrix(n, 64, Float32Array.from(fx.Xt)), imageShape: [8, 8] as [number, number] };
    let initial: Float32Array[] = [];
    let live: Float32Array[] = [];
    const steps: Record<string, number>[] = [];
    await m.train({ source, target }, { rng: new Rng(0), estimator: () => { throw new Error("unused"); } },
      { iterations: fx.iterations, batchSize: fx.batch, ...(name === "cdan-e" ? { entropy: true } : {}) }, {
        initialize: (params) => {
          // Shapes in parameters() order: conv1 [32,1,3,3], [32], conv2 [64,32,3,3], [64], linear [128,256], [128],
          // head [K,128], [K], then the discriminator's (out × in, out) pairs.
          const shapes = params.map((p, j) => (j % 2 === 1 ? [p.length] : j === 0 ? [32, 9] : j === 2 ? [64, 288] : [j === 4 ? 128 : j === 6 ? fx.K : params[j + 1]!.length, 0]));
          shapes.forEach((s, j) => { if (s.length === 2 && s[1] === 0) s[1] = params[j]!.length / s[0]!; });
          initialise(params, shapes);
          initial = params.map((p) => p.slice());
          live = params;
        },
        batches: (it) => ({ source: Int32Array.from(fx.batches[it].source), target: Int32Array.from(fx.batches[it].target) }),
        onStep: (_it, values) => steps.push({ ...values }),
      });
    assert.equal(steps.length, fx.iterations);
    steps.forEach((got, it) => {
      const exp = want.steps[it] as Record<string, number>;
      assert.deepEqual(Object.keys(got).sort(), Object.keys(exp).sort(), `iteration ${it}: terms`);
      for (const [k, v] of Object.entries(exp)) {
        assert.ok(Math.abs(got[k]! - v) <= 1e-5 * Math.max(1, Math.abs(v)) + 1e-7, `${name} iteration ${it} ${k}: ${got[k]} vs torch ${v}`);
      }
    });
    // The updates: ‖Δours − Δtorch‖ / ‖Δtorch‖ small, for the head's weight (index 6) and conv1's weight (index 0).
    for (const [idx, key] of [[6, "finalHead"], [0, "finalConv1"]] as const) {
      const expFinal = want[key] as number[];
      let num = 0, den = 0;
      for (let i = 0; i < expFinal.length; i++) {
        const dt = expFinal[i]! - initial[idx]![i]!, dours = live[idx]![i]! - initial[idx]![i]!;
        num += (dours - dt) ** 2;
        den += dt * dt;
      }
      assert.ok(den > 0, "the parameters moved");
      assert.ok(Math.sqrt(num / den) < 2e-3, `${name} ${key}: relative update error ${Math.sqrt(num / den).toExponential(2)}`);
    }
  });
}
