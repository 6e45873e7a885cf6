// The deep methods' shared base (src/adapt/deep/define.ts): its schedules against their closed forms, batches,
// divergence reports, typed errors, save/load, determinism on the CNN, and --jobs 1 = --jobs 2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { Matrix, Rng, TransferLabError } from "../../src/core/index.js";
import type { LabelledDomain } from "../../src/core/index.js";
import { getMethod } from "../../src/adapt/registry.js";
import { defineDeepMethod, BatchStream, DeepNetwork, type DeepNetworkState } from "../../src/adapt/deep/define.js";
import type { FitContext, FitData } from "../../src/adapt/types.js";
import { evaluate } from "../../src/experiment/evaluate.js";

const ctx = (seed = 1, extra: Partial<FitContext> = {}): FitContext => ({ rng: new Rng(seed), estimator: () => { throw new Error("deep methods use their own head"); }, ...extra });

/** Two classes of 4×4 "images": a bright left half or a bright right half, plus noise; the target is dimmer. */
function images(n: number, seed: number, gain: number, shape = true): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, 16);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) X.data[i * 16 + r * 4 + c] = gain * ((c < 2) === (y[i] === 0) ? 1 : 0) + 0.1 * rng.normal();
  }
  return { name: `images-${seed}`, X, y, ...(shape ? { imageShape: [4, 4] as [number, number] } : {}) };
}

function data(shape = true): FitData {
  const t = images(40, 2, 0.6, shape);
  return { source: images(48, 1, 1, shape), target: { name: t.name, X: t.X, ...(shape ? { imageShape: t.imageShape } : {}) } };
}

async function code(p: () => Promise<unknown>): Promise<TransferLabError> {
  try {
    await p();
  } catch (e) {
    assert.ok(e instanceof TransferLabError, String(e));
    return e;
  }
  assert.fail("expected a TransferLabError");
}

test("schedule: progress p = t/T and the GRL coefficient 2/(1+exp(−10p)) − 1 at every iteration", async () => {
  const seen: { p: number; grl: number; it: number }[] = [];
  const probe = defineDeepMethod({
    name: "probe",
    description: "records the schedule",
    reference: "test",
    params: z.object({}),
    stepLoss: ({ progress, grl, iteration }) => { seen.push({ p: progress, grl, it: iteration }); return {}; },
  });
  await probe.fit(data(false), ctx(), { iterations: 37, batchSize: 8 });
  assert.equal(seen.length, 37);
  seen.forEach(({ p, grl, it }, t) => {
    assert.equal(it, t);
    assert.equal(p, t / 37);
    assert.ok(Math.abs(grl - (2 / (1 + Math.exp(-10 * p)) - 1)) < 1e-15);
  });
  assert.equal(seen[0]!.grl, 0, "no reversal at the start");
});

test("batches: each epoch is a permutation cut into full batches (drop_last); small sets reshuffle every batch", () => {
  const s = new BatchStream(10, 3, new Rng(4));
  const epoch = [...s.next(), ...s.next(), ...s.next()];
  assert.equal(new Set(epoch).size, 9, "no row twice within an epoch");
  const next = s.next(); // 1 row left over: dropped, a new epoch starts
  assert.equal(next.length, 3);
  const small = new BatchStream(4, 8, new Rng(1));
  const b = small.next();
  assert.deepEqual([...b].sort(), [0, 1, 2, 3]);
});

test("the CNN backbone runs on images with a declared shape; same seed ⇒ bit-identical probabilities; save/load keeps them", async () => {
  const d = data(true);
  const m = getMethod("dann");
  const a = await m.fit(d, ctx(3), { iterations: 15, batchSize: 16 });
  const b = await m.fit(d, ctx(3), { iterations: 15, batchSize: 16 });
  assert.equal(a.details.backbone, "cnn");
  const pa = a.predictProba(d.target.X).data, pb = b.predictProba(d.target.X).data;
  assert.ok(Buffer.from(pa.buffer).equals(Buffer.from(pb.buffer)), "same seed, different probabilities");
  const c = await m.fit(d, ctx(4), { iterations: 15, batchSize: 16 });
  assert.ok(!Buffer.from(pa.buffer).equals(Buffer.from(c.predictProba(d.target.X).data.buffer)), "the seed changes the run");
  const net = a.details.network as DeepNetwork;
  const back = DeepNetwork.fromState(JSON.parse(JSON.stringify(net.exportState())) as DeepNetworkState);
  assert.ok(Buffer.from(back.predictProba(d.target.X).data.buffer).equals(Buffer.from(pa.buffer)), "save/load changed the probabilities");
  assert.ok(a.notes.some((n) => /estimator does not apply/.test(n)), "the output says the estimator does not apply");
});

test("learning: on separable images every deep method beats chance on the shifted target", async () => {
  const d = data(true);
  const t = images(40, 2, 0.6);
  // DAN at trade-off 1 collapses the features on this strongly shifted toy pair (reported as DIVERGED, next test's
  // kind of report); at 0.1 it learns. The 8×8 digits show the same collapse in torch (see the fidelity study).
  const params: Record<string, Record<string, unknown>> = { dan: { tradeoff: 0.1 } };
  for (const name of ["source-only-net", "dan", "deep-coral", "dann", "cdan", "mcc"]) {
    const fit = await getMethod(name).fit(d, ctx(5), { iterations: 150, batchSize: 16, lr: 0.05, ...params[name] });
    const pred = fit.predict(d.target.X);
    const acc = pred.filter((p, i) => p === t.y[i]).length / pred.length;
    assert.ok(acc > 0.9, `${name}: target accuracy ${acc}`);
  }
});

test("divergence is reported with method, iteration and term, never as a fitted model", async () => {
  const e = await code(() => getMethod("dann").fit(data(false), ctx(), { iterations: 200, batchSize: 8, lr: 1e8 }));
  assert.equal(e.code, "DIVERGED");
  const d = (e as unknown as { divergence: { method: string; iteration: number; term: string } }).divergence;
  assert.equal(d.method, "dann");
  assert.ok(d.iteration >= 1 && d.iteration <= 200);
  assert.ok(["classification", "domain", "features"].includes(d.term), d.term);
  assert.match(e.message, new RegExp(`'dann' diverged at iteration ${d.iteration}`));
});

test("bad input: image shape not matching the rows, one-class source, NaN row, unknown parameter, memory budget, abort", async () => {
  const d = data(true);
  const wrong: FitData = { ...d, source: { ...d.source, imageShape: [3, 5] }, target: { ...d.target, imageShape: [3, 5] } };
  let e = await code(() => getMethod("mcc").fit(wrong, ctx(), { iterations: 2 }));
  assert.equal(e.code, "INVALID_PARAMETER");
  assert.equal(e.where.param, "image-shape");
  assert.match(e.message, /'mcc'.*16 values.*3×5/);
  e = await code(() => getMethod("dan").fit(data(false), ctx(), { iterations: 2, backbone: "cnn" }));
  assert.equal(e.where.param, "backbone");
  const one = { ...d, source: { ...d.source, y: new Int32Array(d.source.y.length).fill(1) } };
  e = await code(() => getMethod("dann").fit(one, ctx(), { iterations: 2 }));
  assert.equal(e.code, "TOO_FEW_LABELS");
  assert.match(e.message, /'dann'.*only class 1/);
  const nan = d.source.X.clone();
  nan.set(7, 3, NaN);
  e = await code(() => getMethod("cdan").fit({ ...d, source: { ...d.source, X: nan } }, ctx(), { iterations: 2 }));
  assert.equal(e.code, "NON_FINITE");
  assert.equal(e.where.row, 8);
  e = await code(() => getMethod("deep-coral").fit(d, ctx(), { iterations: 2, tradof: 1 }));
  assert.equal(e.code, "INVALID_PARAMETER");
  assert.equal(e.where.param, "tradof");
  e = await code(() => getMethod("dann").fit(d, ctx(1, { memoryBudget: 1000 }), { iterations: 2 }));
  assert.equal(e.code, "MEMORY_BUDGET");
  const ac = new AbortController();
  ac.abort();
  e = await code(() => getMethod("dann").fit(d, ctx(1, { signal: ac.signal }), { iterations: 2 }));
  assert.equal(e.code, "ABORTED");
});

test("progress is reported up to 1; labelled target points add their own cross-entropy term", async () => {
  const d = data(false);
  const fractions: number[] = [];
  const plain = await getMethod("mcc").fit(d, ctx(1, { progress: (f) => fractions.push(f) }), { iterations: 20, batchSize: 8 });
  assert.equal(fractions.at(-1), 1);
  assert.ok(fractions.every((f, i) => i === 0 || f > fractions[i - 1]!));
  const terms = (fit: typeof plain) => Object.keys((fit.details.lossTrace as { terms: Record<string, number> }[])[0]!.terms).sort();
  assert.deepEqual(terms(plain), ["classification", "confusion"]);
  const t = images(40, 2, 0.6, false);
  const lab = { name: "tl", X: t.X.takeRows([0, 1, 2, 3]), y: Int32Array.from([0, 1, 0, 1]) };
  const withLabels = await getMethod("mcc").fit({ ...d, targetLabelled: lab }, ctx(), { iterations: 20, batchSize: 8 });
  assert.deepEqual(terms(withLabels), ["classification", "confusion", "target-classification"]);
});

test("evaluate gives the same deep results with --jobs 1 and --jobs 2", async () => {
  const s = images(40, 1, 1, false), t = images(40, 2, 0.6, false);
  const run = (jobs: number) => evaluate({ source: s, target: t }, {
    methods: ["source-only-net", "dann"], methodParams: { "source-only-net": { iterations: 30, batchSize: 8 }, dann: { iterations: 30, batchSize: 8 } },
    estimator: "knn", targetLabelsPerClass: 2, seeds: 2, scale: "none", protocol: "transductive", jobs,
  });
  const [a, b] = [await run(1), await run(2)];
  for (const name of ["source-only-net", "dann"]) {
    assert.deepEqual(a.methods.find((m) => m.name === name)!.accuracy!.perSeed, b.methods.find((m) => m.name === name)!.accuracy!.perSeed, name);
  }
});

test("evaluate --target-labels-per-class 0: no target labels, target-only not run (and said so), source-only-net added beside a deep method", async () => {
  const s = images(40, 1, 1, false), t = images(40, 2, 0.6, false);
  const r = await evaluate({ source: s, target: t }, {
    methods: ["mcc"], methodParams: { mcc: { iterations: 20, batchSize: 8 } },
    estimator: "knn", targetLabelsPerClass: 0, seeds: 2, scale: "none", protocol: "transductive",
  });
  assert.deepEqual(r.methods.map((m) => m.name), ["source-only", "source-only-net", "mcc"]);
  assert.equal(r.split.labelled, 0);
  assert.equal(r.split.test, 40, "every target point is scored");
  assert.ok(r.methods.every((m) => m.vsTargetOnly === null));
  assert.ok(r.notes.some((n) => /target-only not run: no target labels/.test(n)));
  assert.ok(r.methods.find((m) => m.name === "mcc")!.notes.some((n) => /estimator does not apply/.test(n)));
});
