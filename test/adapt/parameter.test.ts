// The parameter family (src/adapt/parameter/) against independent truth: EWC's Fisher against a float64 mean of
// squared per-sample gradients computed by hand-written backpropagation; L2-SP's penalty and gradient against
// their closed forms; distillation's loss and gradient against a float64 KL at T; frozen blocks bit-identical;
// progressive unfreezing's stages observed parameter by parameter; the pretraining cache; pretrained files and
// their typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Matrix, Rng, TransferLabError } from "../../src/core/index.js";
import type { FitData, LabelledDomain } from "../../src/core/index.js";
import { Linear, Parameter, Tensor, tidy } from "../../src/engine/index.js";
import { getMethod } from "../../src/adapt/registry.js";
import { DeepNetwork } from "../../src/adapt/deep/define.js";
import { buildBackbone } from "../../src/adapt/deep/backbone.js";
import type { FineTuneSetup, ParameterAdapter } from "../../src/adapt/parameter/define.js";
import { blocksOf } from "../../src/adapt/parameter/define.js";
import { anchoredSquaredDistance, diagonalFisher, distillationKl } from "../../src/adapt/parameter/penalties.js";
import { l2SpPenalty } from "../../src/adapt/parameter/l2-sp.js";
import { unfrozenFromTop } from "../../src/adapt/parameter/progressive-unfreezing.js";
import { clearPretrainCache, sourceHoldout } from "../../src/adapt/parameter/pretrain.js";
import { evaluate, formatEvaluation } from "../../src/experiment/evaluate.js";
import { fitModel } from "../../src/experiment/model.js";
import { splitTargetForProtocol } from "../../src/data/split.js";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const K = 3;

/** 8×8 "images": class c lights up a 3×3 patch at a class-specific place, plus noise; the target is brighter. */
function images(name: string, n: number, seed: number, shift: number): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % K;
    y[i] = c;
    for (let j = 0; j < 64; j++) {
      const r = Math.floor(j / 8), col = j % 8;
      const on = r >= 2 * c && r < 2 * c + 3 && col >= 2 && col < 5;
      X.data[i * 64 + j] = (on ? 0.8 : 0) + 0.15 * rng.normal() + shift;
    }
  }
  return { name, X, y, imageShape: [8, 8] };
}

function imageData(): FitData {
  const source = images("s", 90, 1, 0);
  const target = images("t", 45, 2, 0.2);
  const lab = [0, 1, 2, 3, 4, 5];
  return { source, target: { name: "t", X: target.X, imageShape: [8, 8] }, targetLabelled: { name: "tl", X: target.X.takeRows(lab), y: Int32Array.from(lab, (i) => target.y[i]!), imageShape: [8, 8] } };
}

const ctx = (seed = 3) => ({ rng: new Rng(seed), estimator: () => { throw new Error("unused"); } });
const quick = { pretrainIterations: 40, iterations: 24, batchSize: 4 };
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function code(p: () => Promise<unknown>, want: string): Promise<TransferLabError> {
  try {
    await p();
  } catch (e) {
    assert.ok(e instanceof TransferLabError, `expected TransferLabError ${want}, got ${String(e)}`);
    assert.equal(e.code, want, e.message);
    assert.ok(!e.message.includes("\n"), "one line");
    return e;
  }
  assert.fail(`expected ${want}`);
}

test("EWC: the diagonal Fisher equals a float64 mean of squared per-sample gradients (hand-written backprop)", () => {
  const rng = new Rng(5);
  const d = 3, h = 4;
  const backbone = buildBackbone({ kind: "mlp", inputDim: d, hidden: [h], mean: [0, 0, 0], scale: [1, 1, 1] }, rng);
  const head = new Linear(h, K, { rng });
  const net = new DeepNetwork("t", K, backbone, head);
  const params = blocksOf(net).flatMap((b) => b.params);
  const [W1, b1, W2, b2] = params.map((p) => Float64Array.from(p.data));
  const X = new Matrix(7, d, Float32Array.from({ length: 7 * d }, () => rng.normal()));
  const y = Int32Array.from({ length: 7 }, (_, i) => i % K);
  const rows = [0, 2, 3, 5, 6];
  const got = diagonalFisher(net, params, X, y, rows);
  const want = [W1!, b1!, W2!, b2!].map((a) => new Float64Array(a.length));
  for (const i of rows) {
    const x = Array.from({ length: d }, (_, j) => X.data[i * d + j]!);
    const a = Array.from({ length: h }, (_, u) => b1![u]! + x.reduce((s, v, j) => s + W1![u * d + j]! * v, 0));
    const hid = a.map((v) => Math.max(0, v));
    const z = Array.from({ length: K }, (_, c) => b2![c]! + hid.reduce((s, v, u) => s + W2![c * h + u]! * v, 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((s, v) => s + v, 0);
    const dz = e.map((v, c) => v / sum - (c === y[i] ? 1 : 0));
    const dh = Array.from({ length: h }, (_, u) => (a[u]! > 0 ? dz.reduce((s, g, c) => s + g * W2![c * h + u]!, 0) : 0));
    for (let u = 0; u < h; u++) for (let j = 0; j < d; j++) want[0]![u * d + j]! += (dh[u]! * x[j]!) ** 2 / rows.length;
    for (let u = 0; u < h; u++) want[1]![u]! += dh[u]! ** 2 / rows.length;
    for (let c = 0; c < K; c++) for (let u = 0; u < h; u++) want[2]![c * h + u]! += (dz[c]! * hid[u]!) ** 2 / rows.length;
    for (let c = 0; c < K; c++) want[3]![c]! += dz[c]! ** 2 / rows.length;
  }
  want.forEach((w, k) => w.forEach((v, j) => assert.ok(Math.abs(got[k]![j]! - v) <= 1e-5 * Math.max(1e-3, v), `param ${k}[${j}]: ${got[k]![j]} vs ${v}`)));
  assert.ok(want[2]!.some((v) => v > 1e-3), "the check is not vacuous");
});

test("L2-SP: penalty α/2‖w − w⁰‖² + β/2‖w_head‖² and its gradient equal the closed forms", () => {
  const rng = new Rng(9);
  const mk = (n: number) => new Parameter(Float32Array.from({ length: n }, () => rng.normal()), [n]);
  const back = [mk(5), mk(3)], head = [mk(4)];
  const anchors = back.map((p) => new Tensor(Float32Array.from(p.data, (v) => v + 0.3 * rng.normal()), [p.size]));
  const alpha = 0.1, beta = 0.01;
  let want = 0;
  back.forEach((p, k) => p.data.forEach((v, i) => (want += (alpha / 2) * (v - anchors[k]!.data[i]!) ** 2)));
  head[0]!.data.forEach((v) => (want += (beta / 2) * v * v));
  const value = tidy(() => {
    const pen = l2SpPenalty(back, anchors, head, alpha, beta);
    pen.backward();
    return pen.item();
  });
  assert.ok(Math.abs(value - want) <= 1e-6 * want, `${value} vs ${want}`);
  back.forEach((p, k) => p.grad!.forEach((g, i) => assert.ok(Math.abs(g - alpha * (p.data[i]! - anchors[k]!.data[i]!)) < 1e-6)));
  head[0]!.grad!.forEach((g, i) => assert.ok(Math.abs(g - beta * head[0]!.data[i]!) < 1e-7));
});

test("EWC's penalty Σ F(θ − θ*)² and its gradient 2F(θ − θ*) equal the closed forms (the fused op, float64 sum)", () => {
  const rng = new Rng(12);
  const p = new Parameter(Float32Array.from({ length: 37 }, () => rng.normal()), [37]);
  const star = new Tensor(Float32Array.from(p.data, (v) => v - 0.5 * rng.normal()), [37]);
  const F = new Tensor(Float32Array.from({ length: 37 }, () => rng.uniform() * 0.3), [37]);
  let want = 0;
  p.data.forEach((v, i) => (want += F.data[i]! * (v - star.data[i]!) ** 2));
  const value = tidy(() => {
    const pen = anchoredSquaredDistance([p], [star], [F]);
    pen.backward();
    return pen.item();
  });
  assert.ok(Math.abs(value - want) <= 1e-6 * want, `${value} vs ${want}`);
  p.grad!.forEach((g, i) => assert.ok(Math.abs(g - 2 * F.data[i]! * (p.data[i]! - star.data[i]!)) < 1e-6));
});

test("L2-SP in training: the penalty each step reports equals the closed form on that step's parameters", async () => {
  const m = getMethod("l2-sp") as ParameterAdapter<Record<string, unknown>>;
  let prev: Float32Array[][] | null = null;
  let checked = 0;
  await m.train(imageData(), ctx(), { ...quick, alpha: 0.5, beta: 0.2 }, {
    onStep: (_it, values, setup: FineTuneSetup) => {
      const now = prev ?? setup.anchor; // the penalty was computed before this step's update
      let want = 0;
      setup.blocks.forEach((b, i) => b.params.forEach((_p, k) => now[i]![k]!.forEach((v, j) => {
        want += i < setup.blocks.length - 1 ? 0.25 * (v - setup.anchor[i]![k]![j]!) ** 2 : 0.1 * v * v;
      })));
      assert.ok(Math.abs(values["l2-sp"]! - want) <= 1e-4 * Math.max(want, 1e-3), `${values["l2-sp"]} vs ${want}`);
      checked++;
      prev = setup.blocks.map((b) => b.params.map((p) => p.data.slice()));
    },
  });
  assert.equal(checked, quick.iterations);
});

test("LwF: the distillation loss and its gradient equal a float64 KL(q ‖ softmax(z/T)) at T", () => {
  const rng = new Rng(4);
  const n = 5, T = 2;
  const z = new Parameter(Float32Array.from({ length: n * K }, () => 3 * rng.normal()), [n, K]);
  const q = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    const e = Array.from({ length: K }, () => Math.exp(2 * rng.normal()));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, c) => (q[i * K + c] = v / s));
  }
  const value = tidy(() => {
    const l = distillationKl(z, new Tensor(q, [n, K]), T);
    l.backward();
    return l.item();
  });
  let kl = 0;
  const grad = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    const zs = Array.from({ length: K }, (_, c) => z.data[i * K + c]! / T);
    const m = Math.max(...zs);
    const lse = m + Math.log(zs.reduce((s, v) => s + Math.exp(v - m), 0));
    for (let c = 0; c < K; c++) {
      const qc = q[i * K + c]!, logp = zs[c]! - lse;
      kl += (qc * (Math.log(qc) - logp)) / n;
      grad[i * K + c] = (Math.exp(logp) - qc) / (T * n);
    }
  }
  assert.ok(kl > 0.01, "teacher and student differ");
  assert.ok(Math.abs(value - kl) <= 1e-5 * kl, `${value} vs ${kl}`);
  z.grad!.forEach((g, j) => assert.ok(Math.abs(g - grad[j]!) < 1e-6, `grad ${j}: ${g} vs ${grad[j]}`));
});

test("freeze and linear-probe: frozen blocks stay bit-identical, the others move", async () => {
  for (const [name, params, frozen] of [["freeze", { layers: 2 }, 2], ["linear-probe", {}, 3]] as const) {
    const m = getMethod(name) as ParameterAdapter<Record<string, unknown>>;
    let setup: FineTuneSetup | null = null;
    await m.train(imageData(), ctx(), { ...quick, ...params }, { onStep: (_i, _v, s) => (setup = s) });
    const s = setup!;
    assert.equal(s.blocks.length, 4, "CNN: conv1, conv2, linear, head");
    s.blocks.forEach((b, i) => b.params.forEach((p, k) => {
      const same = bytes(p.data).equals(bytes(s.anchor[i]![k]!));
      assert.equal(same, i < frozen, `${name}: block ${b.name} ${i < frozen ? "frozen but changed" : "trainable but unchanged"}`);
    }));
  }
});

test("progressive unfreezing: at each stage exactly the top blocks change, one more per stage", async () => {
  const m = getMethod("progressive-unfreezing") as ParameterAdapter<Record<string, unknown>>;
  const T = 24;
  let prev: Float32Array[][] | null = null;
  const changedPerStep: number[][] = [];
  await m.train(imageData(), ctx(), { ...quick, iterations: T }, {
    onStep: (_it, _v, s) => {
      const before = prev ?? s.anchor;
      changedPerStep.push(s.blocks.flatMap((b, i) => (b.params.some((p, k) => !bytes(p.data).equals(bytes(before[i]![k]!))) ? [i] : [])));
      prev = s.blocks.map((b) => b.params.map((p) => p.data.slice()));
    },
  });
  changedPerStep.forEach((changed, it) => {
    const open = unfrozenFromTop(it / T, 4, 4);
    assert.deepEqual(changed, Array.from({ length: open }, (_, k) => 4 - open + k), `iteration ${it}`);
  });
  assert.deepEqual([0, 6, 12, 18].map((it) => changedPerStep[it]!.length), [1, 2, 3, 4], "stages of 6 iterations");
});

test("pretraining runs once per seed: every strategy starts from the same network and reports the same source accuracy before", async () => {
  clearPretrainCache();
  const data = imageData();
  const a = await getMethod("finetune").fit(data, { ...ctx(1), rng: new Rng(1).fork("method:finetune"), sharedSeed: 1 }, quick);
  const b = await getMethod("ewc").fit(data, { ...ctx(1), rng: new Rng(1).fork("method:ewc"), sharedSeed: 1 }, quick);
  assert.equal(a.details.pretrainCached, false);
  assert.equal(b.details.pretrainCached, true);
  const sa = a.details.sourceAccuracy as { before: number; after: number };
  const sb = b.details.sourceAccuracy as { before: number; after: number };
  assert.equal(sa.before, sb.before);
  // Without the cache, the same seed pretrains the same network bit for bit.
  clearPretrainCache();
  const c = await getMethod("ewc").fit(data, { ...ctx(1), rng: new Rng(1).fork("method:ewc"), sharedSeed: 1 }, quick);
  assert.equal(c.details.pretrainCached, false);
  assert.ok(Buffer.from(c.predictProba(data.target.X).data.buffer).equals(Buffer.from(b.predictProba(data.target.X).data.buffer)));
  // MMD pretraining (the tutorial's recipe) is another network, cached apart.
  const mmd = await getMethod("finetune").fit(data, { ...ctx(1), rng: new Rng(1).fork("method:finetune"), sharedSeed: 1 }, { ...quick, pretrain: "mmd" });
  assert.equal(mmd.details.pretrainCached, false);
  assert.ok(!Buffer.from(mmd.predictProba(data.target.X).data.buffer).equals(Buffer.from(a.predictProba(data.target.X).data.buffer)));
  // The hold-out is stratified: floor(0.2 · 30) rows of each class.
  const split = sourceHoldout(data.source.y, 0.2, new Rng(0));
  for (let c2 = 0; c2 < K; c2++) assert.equal(Array.from(split.heldOut).filter((i) => data.source.y[i] === c2).length, 6);
});

test("bad input: no target labels, pretrained files of another feature count or architecture, corrupt files — typed one-line errors", async () => {
  const data = imageData();
  const ft = getMethod("finetune");
  await code(() => ft.fit({ ...data, targetLabelled: { name: "tl", X: new Matrix(0, 64), y: new Int32Array(0) } }, ctx(), quick), "TOO_FEW_LABELS");
  const dir = mkdtempSync(join(tmpdir(), "tl-pretrained-"));
  // A network saved from a fit on the same data fine-tunes; its 'before' is its accuracy on the held-out rows.
  const net = (await getMethod("source-only-net").fit(data, ctx(), { iterations: 30 })).details.network as DeepNetwork;
  const good = join(dir, "net.json");
  writeFileSync(good, JSON.stringify(net.exportState()));
  const fromFile = await ft.fit(data, ctx(), { ...quick, pretrained: good });
  const split = sourceHoldout(data.source.y, 0.2, new Rng(3).fork("parameter:holdout"));
  const pred = net.predict(data.source.X.takeRows(split.heldOut));
  const want = (100 * Array.from(pred).filter((p, k) => p === data.source.y[split.heldOut[k]!]).length) / pred.length;
  assert.equal((fromFile.details.sourceAccuracy as { before: number }).before, want);
  // The deploy path: `transferlab fit --method source-only-net --out FILE` writes a model file; fine-tuning reads its network.
  const model = await fitModel({ source: data.source as LabelledDomain, target: { name: "t", X: data.target.X, imageShape: [8, 8] } }, { method: "source-only-net", params: { iterations: 20 } });
  const tlm = join(dir, "net.tlm");
  model.save(tlm);
  const fromModel = await ft.fit(data, ctx(), { ...quick, pretrained: tlm });
  assert.ok(Number.isFinite((fromModel.details.sourceAccuracy as { before: number }).before));
  // Another feature count: an MLP saved on 3 features.
  const small = await getMethod("source-only-net").fit({
    source: { name: "s", X: new Matrix(6, 3, Float32Array.from({ length: 18 }, (_, i) => Math.sin(i))), y: Int32Array.from([0, 1, 2, 0, 1, 2]) },
    target: { name: "t", X: new Matrix(3, 3, Float32Array.from({ length: 9 }, (_, i) => Math.cos(i))) },
  }, ctx(), { iterations: 2 });
  const three = join(dir, "three.json");
  writeFileSync(three, JSON.stringify(small.save!()));
  await code(() => ft.fit(data, ctx(), { ...quick, pretrained: three }), "FEATURE_MISMATCH");
  // Another architecture: an MLP on 64 features offered to the CNN these images build.
  const mlp = (await getMethod("source-only-net").fit(data, ctx(), { iterations: 2, backbone: "mlp", hidden: [16] })).details.network as DeepNetwork;
  const arch = join(dir, "mlp.json");
  writeFileSync(arch, JSON.stringify(mlp.exportState()));
  const e = await code(() => ft.fit(data, ctx(), { ...quick, pretrained: arch }), "INVALID_PARAMETER");
  assert.match(e.message, /MLP 64→16.*CNN on 1×8×8/);
  // Corrupt: not JSON; JSON of something else; weights cut short.
  const bad = join(dir, "bad.json");
  writeFileSync(bad, "{\"format\": \"transferlab-deep-n");
  await code(() => ft.fit(data, ctx(), { ...quick, pretrained: bad }), "DATA_FORMAT");
  writeFileSync(bad, JSON.stringify({ hello: 1 }));
  await code(() => ft.fit(data, ctx(), { ...quick, pretrained: bad }), "DATA_FORMAT");
  const st = net.exportState();
  writeFileSync(bad, JSON.stringify({ ...st, weights: st.weights.slice(0, st.weights.length / 2) }));
  await code(() => ft.fit(data, ctx(), { ...quick, pretrained: bad }), "DATA_FORMAT");
  await code(() => ft.fit(data, ctx(), { ...quick, pretrained: join(dir, "missing.json") }), "FILE_NOT_FOUND");
});

test("evaluate reports each strategy's forgetting: per seed the fit's own source accuracy before/after, their means, a table column", async () => {
  const source = images("s", 90, 1, 0), target = images("t", 60, 2, 0.2);
  const params = { finetune: quick, "linear-probe": quick };
  const r = await evaluate({ source, target }, { methods: ["finetune", "linear-probe"], methodParams: params, targetLabelsPerClass: 2, seeds: 2, scale: "none", estimator: "knn" });
  for (const name of ["finetune", "linear-probe"] as const) {
    const m = r.methods.find((x) => x.name === name)!;
    const want = await Promise.all([0, 1].map(async (seed) => {
      const s = splitTargetForProtocol(target, 2, "transductive", new Rng(seed).fork("split"));
      const fit = await getMethod(name).fit({ source, target: s.unlabelled, targetLabelled: s.labelled }, { rng: new Rng(seed).fork(`method:${name}`), sharedSeed: seed, estimator: () => { throw new Error("unused"); } }, quick);
      return fit.details.sourceAccuracy as { before: number; after: number };
    }));
    assert.deepEqual(m.sourceAccuracy!.perSeed, want, `${name}: per seed`);
    assert.equal(m.sourceAccuracy!.after, (want[0]!.after + want[1]!.after) / 2);
  }
  assert.equal(r.methods.find((x) => x.name === "source-only")!.sourceAccuracy, undefined);
  const text = formatEvaluation(r);
  assert.match(text, /source acc\. before → after/);
  const ft = r.methods.find((x) => x.name === "finetune")!.sourceAccuracy!;
  assert.ok(text.includes(`${ft.before!.toFixed(1)} → ${ft.after!.toFixed(1)}`));
});

test("CLI: evaluate --pretrained with a corrupt file or no parameter method is one line and exit 2; a label list writes the sweep and its figure", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-eval-pretrained-"));
  const cli = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8" });
  const bad = join(dir, "bad.json");
  writeFileSync(bad, "not json");
  const base = ["evaluate", "--pair", "moons?n=60", "--seeds", "1", "--jobs", "1"];
  for (const args of [[...base, "--methods", "finetune", "--pretrained", bad], [...base, "--methods", "coral", "--pretrained", bad]]) {
    const r = cli(args);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  const out = join(dir, "sweep");
  const r = cli([...base, "--methods", "linear-probe", "--target-labels-per-class", "1,3", "--param", "linear-probe.pretrainIterations=20", "--param", "linear-probe.iterations=10", "--param", "source-only-net.iterations=5", "--out", out, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const curve = JSON.parse(readFileSync(join(out, "curve.json"), "utf8"));
  assert.deepEqual(curve.points.map((p: { perClass: number }) => p.perClass), [1, 3]);
  assert.deepEqual(curve.points[0].methods.map((m: { name: string }) => m.name), ["source-only", "target-only", "source-only-net", "linear-probe"]);
  assert.deepEqual(JSON.parse(r.stdout), curve);
  assert.ok(existsSync(join(out, "label_efficiency.svg")) && existsSync(join(out, "label_efficiency.png")));
});
