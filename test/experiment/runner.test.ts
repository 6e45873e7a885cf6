// The protocol runner against independent truth: a 1-nearest-neighbour target-only model scored by hand, and
// the fit-once shortcut for seed-invariant methods giving exactly the per-seed numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Rng, type LabelledDomain } from "../../src/core/index.js";
import { splitTargetForProtocol } from "../../src/data/index.js";
import { runProtocol, compareWithBaselines, planProtocol, runPlan, scoreProtocol, singleFitOutcomes, type RunSpec } from "../../src/experiment/index.js";

function blobs(name: string, n: number, shift: number, seed: number): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    X.data[2 * i] = (y[i] ? 2 : -2) + shift + rng.normal();
    X.data[2 * i + 1] = rng.normal() + shift;
  }
  return { name, X, y };
}

const source = blobs("s", 120, 0, 1), target = blobs("t", 80, 1.5, 2);
const spec = (seedInvariant?: RunSpec["seedInvariant"]): RunSpec => ({
  methods: ["source-only", "target-only", "coral"], estimator: "knn", estimatorParams: { k: 1 }, seeds: [0, 1, 2],
  seedInvariant, sharedTarget: target.X,
  split(seed) {
    const s = splitTargetForProtocol(target, 3, "transductive", new Rng(seed).fork("split"));
    return { data: { source, target: s.unlabelled, targetLabelled: s.labelled }, testX: s.testX, testLabels: s.testLabels, testRows: s.indices.test };
  },
});

test("runner: target-only accuracy equals a 1-NN on the labelled target points computed by hand", async () => {
  const run = await runProtocol(spec());
  const to = run.methods.find((m) => m.method.name === "target-only")!;
  run.seeds.forEach((seed, i) => {
    const s = splitTargetForProtocol(target, 3, "transductive", new Rng(seed).fork("split"));
    let correct = 0;
    for (let r = 0; r < s.testX.rows; r++) {
      let best = Infinity, label = -1;
      for (let q = 0; q < s.labelled.X.rows; q++) {
        const d = (s.testX.get(r, 0) - s.labelled.X.get(q, 0)) ** 2 + (s.testX.get(r, 1) - s.labelled.X.get(q, 1)) ** 2;
        if (d < best) { best = d; label = s.labelled.y[q]!; }
      }
      if (label === s.testLabels[r]) correct++;
    }
    assert.equal(to.accuracy[i], (100 * correct) / s.testX.rows);
    assert.equal(to.predictions[i]!.length, s.testX.rows);
  });
});

test("runner: fitting seed-invariant methods once gives exactly the per-seed numbers", async () => {
  const perSeed = await runProtocol(spec());
  const once = await runProtocol(spec((m) => m.seesTargetLabels === false || m.needs === "none"));
  assert.ok(once.methods.filter((m) => m.seedInvariant).length >= 2, "source-only and coral run once");
  assert.deepEqual(once.methods.map((m) => m.accuracy), perSeed.methods.map((m) => m.accuracy));
  const judged = compareWithBaselines(once);
  assert.equal(judged.methods.find((m) => m.run.method.name === "coral")!.accuracy.perSeed.length, 3);
  assert.equal(judged.methods[0]!.verdict, null); // baselines carry no verdict
});

test("runner: bad method parameters and parameters for a method not run fail before any fit", async () => {
  await assert.rejects(runProtocol({ ...spec(), methodParams: { coral: { lambda: -1 } } }), /lambda/);
  await assert.rejects(runProtocol({ ...spec(), methodParams: { kmm: {} } }), /not among the methods/);
});

test("runner: a diverged fit is kept as a diverged seed (keepDiverged), the other methods keep their numbers; without it the run fails with DIVERGED", async () => {
  // lr 1e8 makes DANN's loss non-finite within a few iterations on these 2-feature blobs (MLP backbone).
  const diverging: RunSpec = { ...spec(), methods: ["source-only", "target-only", "dann"], methodParams: { dann: { iterations: 50, batchSize: 8, lr: 1e8 } } };
  await assert.rejects(runProtocol(diverging), (e: unknown) => (e as { code?: string }).code === "DIVERGED");
  const baseline = await runProtocol(spec());
  for (const jobs of [1, 2]) {
    const run = await runProtocol({ ...diverging, keepDiverged: true, jobs });
    const dann = run.methods.find((m) => m.method.name === "dann")!;
    assert.equal(dann.diverged.length, 3);
    for (const d of dann.diverged) {
      assert.ok(d !== null && d.method === "dann" && d.iteration >= 1 && d.iteration <= 50, JSON.stringify(d));
      assert.ok(["classification", "domain", "features"].includes(d.term), d.term);
    }
    assert.ok(dann.accuracy.every(Number.isNaN), "a diverged seed has no accuracy");
    assert.ok(dann.predictions.every((p) => p.length === 0), "nor predictions");
    for (const name of ["source-only", "target-only"]) {
      const m = run.methods.find((r) => r.method.name === name)!;
      assert.deepEqual(m.accuracy, baseline.methods.find((r) => r.method.name === name)!.accuracy, `${name} unchanged (jobs ${jobs})`);
      assert.deepEqual(m.diverged, [null, null, null]);
    }
  }
});

test("runner: a plan without test labels is run, not scored; probes give held-out source predictions and probabilities", async () => {
  // source-only with a 1-NN: predicting its own training rows returns their labels, with one-hot probabilities.
  const s = splitTargetForProtocol(target, 3, "transductive", new Rng(0).fork("split"));
  const plan = planProtocol({
    methods: [{ id: "so", method: "source-only" }], estimator: "knn", estimatorParams: { k: 1 }, seeds: [0],
    split: () => ({ data: { source, target: s.unlabelled }, testX: source.X, probes: { sourceX: source.X, sourceY: source.y, probaRows: 5 } }),
  });
  const outcomes = await runPlan(plan);
  const o = singleFitOutcomes(plan, outcomes).get("so")![0]!;
  assert.deepEqual(o.pred, Int32Array.from(source.y));
  assert.deepEqual(o.sourcePred, Int32Array.from(source.y));
  assert.equal(o.proba!.data.length, 5 * 2);
  for (let i = 0; i < 5; i++) assert.equal(o.proba!.data[i * 2 + source.y[i]!], 1);
  assert.throws(() => scoreProtocol(plan, outcomes), /run, not scored/);
});
