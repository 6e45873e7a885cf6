// `evaluate` and the `transferlab evaluate` command: per-seed accuracies recomputed independently (estimator
// trained by hand on the same split), split sizes per protocol, statistics consistent with the paired test,
// the oracle only when asked and flagged, determinism, and the CLI's --json document and one-line errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Matrix, Rng } from "../../src/core/index.js";
import type { LabelledDomain } from "../../src/core/index.js";
import { evaluate, type EvaluateOptions } from "../../src/experiment/evaluate.js";
import { splitTargetForProtocol } from "../../src/data/split.js";
import { summarize } from "../../src/core/stats.js";
import { comparisonVerdict } from "../../src/experiment/verdict.js";
import { KnnClassifier } from "../../src/estimators/knn.js";

function domain(name: string, n: number, shift: number, seed: number): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    X.set(i, 0, 2 * (y[i]! - 1) + shift + 0.8 * rng.normal());
    X.set(i, 1, shift + 0.8 * rng.normal());
  }
  return { name, X, y };
}
const pair = { source: domain("src", 90, 0, 1), target: domain("tgt", 60, 0.8, 2) };
const base = { estimator: "knn" as const, targetLabelsPerClass: 3, seeds: 3, scale: "none" as const, protocol: "transductive" as const };

test("per-seed accuracies equal an estimator trained by hand on the same split", async () => {
  const r = await evaluate(pair, { ...base, methods: ["source-only", "target-only"] });
  const so = r.methods.find((m) => m.name === "source-only")!, to = r.methods.find((m) => m.name === "target-only")!;
  r.seeds.forEach((seed, k) => {
    const s = splitTargetForProtocol(pair.target, 3, "transductive", new Rng(seed).fork("split"));
    const score = (X: Matrix, y: Int32Array) => {
      const m = new KnnClassifier();
      m.fit(X, y, { numClasses: 3 });
      const p = m.predict(s.testX);
      return (100 * p.filter((v, i) => v === s.testLabels[i]).length) / p.length;
    };
    assert.equal(so.accuracy!.perSeed[k], score(pair.source.X, pair.source.y));
    assert.equal(to.accuracy!.perSeed[k], score(s.labelled.X, s.labelled.y));
  });
  const sum = summarize(so.accuracy!.perSeed);
  assert.equal(so.accuracy!.mean, sum.mean);
  // target-only is refitted per seed, source-only once: their fits differ, so the paired bootstrap compares them.
  const c = to.vsSourceOnly!;
  assert.equal(c.test, "paired bootstrap");
  const diffs = to.accuracy!.perSeed.map((a, k) => a - so.accuracy!.perSeed[k]!);
  assert.ok(Math.abs(c.meanDiff - diffs.reduce((a, b) => a + b, 0) / diffs.length) < 1e-9);
  assert.equal(c.wins, diffs.filter((d) => d > 0).length);
  assert.equal(c.verdict, comparisonVerdict(c, { alpha: 0.05, margin: 1 }));
  // Intervals are clipped to [0, 100] and named: source-only is one fitted model (Wilson over its test rows).
  assert.match(so.accuracy!.ciMethod, /Wilson/);
  assert.match(to.accuracy!.ciMethod, /Student t/);
  for (const m of r.methods) assert.ok(m.accuracy!.ci95[0] >= 0 && m.accuracy!.ci95[1] <= 100);
  assert.deepEqual(r.split, { labelled: 9, unlabelled: 60, test: 51 });
});

test("worker threads (jobs 2) give the same numbers and notes as one thread, and the same typed errors", async () => {
  const opts: EvaluateOptions = { ...base, methods: ["coral", "kmm", "self-training", "ot-emd"] };
  const one = await evaluate(pair, opts);
  const two = await evaluate(pair, { ...opts, jobs: 2 });
  const view = (x: typeof one) => JSON.stringify(x.methods.map((m) => [m.name, m.accuracy!.perSeed, m.notes, m.verdict]));
  assert.equal(view(two), view(one));
  assert.deepEqual(two.notes, one.notes);
  // A fit that fails inside a worker surfaces as the same TransferLabError (code and text) as in this thread.
  const bad: EvaluateOptions = { ...base, targetLabelsPerClass: 0, methods: ["feature-augmentation"] };
  const err = async (jobs: number) => evaluate(pair, { ...bad, jobs }).then(() => assert.fail("no error"), (e: { code: string; message: string; name: string }) => [e.name, e.code, e.message]);
  assert.deepEqual(await err(2), await err(1));
  assert.equal((await err(2))[1], "TOO_FEW_LABELS");
});

test("SVC with Platt scaling (self-training) on the libsvm-js backend: the same numbers for jobs 1, 2 and a repeat", async () => {
  const before = process.env.TRANSFERLAB_SVM;
  process.env.TRANSFERLAB_SVM = "wasm"; // worker threads copy the environment when they start
  try {
    const opts: EvaluateOptions = { ...base, estimator: "svc" as const, methods: ["self-training"] };
    const view = (x: Awaited<ReturnType<typeof evaluate>>) => JSON.stringify(x.methods.map((m) => [m.name, m.accuracy!.perSeed]));
    const one = view(await evaluate(pair, opts));
    assert.equal(view(await evaluate(pair, { ...opts, jobs: 2 })), one);
    assert.equal(view(await evaluate(pair, opts)), one);
  } finally {
    if (before === undefined) delete process.env.TRANSFERLAB_SVM;
    else process.env.TRANSFERLAB_SVM = before;
  }
});

test("inductive protocol: disjoint unlabelled half; oracle only when asked, flagged; deterministic", async () => {
  const opts: EvaluateOptions = { ...base, protocol: "inductive" as const, methods: ["kmm", "oracle"] };
  const r = await evaluate(pair, opts);
  assert.deepEqual(r.split, { labelled: 9, unlabelled: 25, test: 26 });
  assert.deepEqual(r.methods.map((m) => m.name), ["source-only", "target-only", "kmm", "oracle"]);
  assert.equal(r.methods.find((m) => m.name === "oracle")!.oracle, true);
  assert.ok(r.methods.filter((m) => m.name !== "oracle").every((m) => !m.oracle));
  const again = await evaluate(pair, opts);
  const strip = (x: typeof r) => JSON.stringify(x.methods.map((m) => m.accuracy!.perSeed));
  assert.equal(strip(again), strip(r));
  const plain = await evaluate(pair, { ...opts, methods: ["kmm"] });
  assert.ok(!plain.methods.some((m) => m.oracle), "no oracle unless asked");
});

test("CLI: --json emits one document; a bad method is one line on stderr and exit code 2", () => {
  const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "evaluate", ...args], { encoding: "utf8" });
  const ok = run(["--pair", "moons?n=120", "--methods", "coral", "--estimator", "knn", "--seeds", "2", "--target-labels-per-class", "2", "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout);
  assert.deepEqual([doc.schema, doc.version], ["transferlab/evaluate", 3]);
  assert.deepEqual(doc.methods.map((m: { name: string }) => m.name), ["source-only", "target-only", "coral"]);
  assert.equal(doc.methods[2].accuracy.perSeed.length, 2);
  assert.ok(["positive transfer", "negative transfer", "no significant transfer", "no meaningful transfer"].includes(doc.methods[2].verdict));
  assert.equal(doc.margin, 1);
  const bad = run(["--pair", "moons?n=120", "--methods", "corall", "--estimator", "knn"]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  assert.match(bad.stderr, /unknown method 'corall'.*did you mean coral/);
});

test("the oracle is never scored on a row it trained on (transductive: cross-fitted); its verdict is 'oracle'", async () => {
  // Target labels are coin flips independent of the inputs: a 1-NN trained on the test rows would memorise them
  // (100 %), an honest oracle can only guess (≈ 50 %).
  const rng = new Rng(4);
  const n = 200;
  const X = new Matrix(n, 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) { X.set(i, 0, rng.normal()); X.set(i, 1, rng.normal()); y[i] = rng.uniform() < 0.5 ? 1 : 0; }
  const noise = { source: domain("src", 90, 0, 1), target: { name: "coin", X, y } };
  noise.source.y.forEach((v, i) => (noise.source.y[i] = v % 2));
  const r = await evaluate(noise, { ...base, estimator: "knn", estimatorParams: { k: 1 }, methods: ["oracle"] });
  const o = r.methods.find((m) => m.name === "oracle")!;
  assert.equal(o.verdict, "oracle");
  assert.ok(o.accuracy!.mean < 65, `oracle accuracy ${o.accuracy!.mean} on coin-flip labels`);
  assert.ok(r.notes.some((t) => /cross-fitted/.test(t)));
});

test("degenerate predictors are flagged; a difference inside the margin is never positive or negative transfer", async () => {
  // A source with one class near the target (classes 1 and 2 are one row each, far away, since a target class the source lacks
  // is refused): source-only predicts class 0 everywhere.
  const far = pair.source.X.clone();
  const oneY = new Int32Array(pair.source.X.rows);
  for (let c = 1; c < 3; c++) { oneY[c - 1] = c; far.data.fill(c * 1e3, (c - 1) * far.cols, c * far.cols); }
  const one = { source: { ...pair.source, X: far, y: oneY }, target: pair.target };
  const r = await evaluate(one, { ...base, methods: ["coral"] });
  const so = r.methods.find((m) => m.name === "source-only")!;
  assert.deepEqual(so.degenerate && [so.degenerate.kind, so.degenerate.class], ["one class", 0]);
  assert.equal(r.methods.find((m) => m.name === "target-only")!.degenerate, null);
  const wide = await evaluate(pair, { ...base, methods: ["coral", "kmm", "self-training"], margin: 100 });
  for (const m of wide.methods.slice(2)) assert.equal(m.verdict, "no meaningful transfer");
  const narrow = await evaluate(pair, { ...base, methods: ["coral", "kmm", "self-training"], margin: 0 });
  for (const m of narrow.methods.slice(2)) {
    const c = (narrow.methods[0]!.accuracy!.mean <= narrow.methods[1]!.accuracy!.mean ? m.vsTargetOnly : m.vsSourceOnly)!;
    assert.equal(m.verdict, c.pValue === null ? "no test" : c.pValue < 0.05 ? (c.meanDiff > 0 ? "positive transfer" : "negative transfer") : "no significant transfer");
  }
});

test("a diverged deep fit is a 'diverged' row (seed, iteration, term) in the table and JSON; the other methods keep their numbers", async () => {
  const { evaluateResultsSchema } = await import("../../src/experiment/evaluate-schema.js");
  const { formatEvaluation } = await import("../../src/experiment/evaluate.js");
  // lr 1e8 makes DANN's loss non-finite within a few iterations (MLP backbone on these 2-feature rows).
  const opts: EvaluateOptions = { ...base, methods: ["source-only-net", "dann"], methodParams: { dann: { iterations: 40, batchSize: 8, lr: 1e8 }, "source-only-net": { iterations: 40, batchSize: 8 } } };
  const clean = await evaluate(pair, { ...opts, methods: ["source-only-net"], methodParams: { "source-only-net": { iterations: 40, batchSize: 8 } } });
  for (const jobs of [1, 2]) {
    const r = await evaluate(pair, { ...opts, jobs });
    const dann = r.methods.find((m) => m.name === "dann")!;
    assert.equal(dann.accuracy, null, "never an accuracy");
    assert.equal(dann.verdict, "diverged");
    assert.deepEqual(dann.diverged.map((d) => d.seed), r.seeds);
    for (const d of dann.diverged) assert.ok(d.iteration >= 1 && d.iteration <= 40 && ["classification", "domain", "features"].includes(d.term), JSON.stringify(d));
    for (const name of ["source-only", "target-only", "source-only-net"]) {
      assert.deepEqual(r.methods.find((m) => m.name === name)!.accuracy, clean.methods.find((m) => m.name === name)!.accuracy, `${name} (jobs ${jobs})`);
    }
    assert.ok(evaluateResultsSchema.safeParse(JSON.parse(JSON.stringify(r))).success, "the JSON document passes the schema");
    const text = formatEvaluation(r);
    assert.match(text, /dann\s+deep\s+diverged\s+—/);
    assert.match(text, new RegExp(`diverged \\(dann\\): seed ${r.seeds[0]}, iteration ${dann.diverged[0]!.iteration}: `));
  }
});
