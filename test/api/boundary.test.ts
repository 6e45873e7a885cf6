// Issue 13's library examples, one regression test each: every misuse is a TransferLabError naming the argument
// (and the row, where there is one) before any work; the limits (seeds, sizes, memory) are checked before
// allocating; the statistics stay honest with one seed. The API fuzz suite (./fuzz.test.ts) covers the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { totalmem } from "node:os";
import { evaluate, assess, fit, generators, getEstimator, getMethod, resolveDomainPair, formatEvaluation, KnnClassifier, Matrix, Rng, TransferLabError, type EvaluateOptions } from "../../src/index.js";
import { memoryBudget } from "../../src/core/budget.js";
import { coralDistance, coralDistanceGram } from "../../src/metrics/coral.js";
import { covariance } from "../../src/engine/index.js";

const pair = () => generators.moons!.make({ n: 120 }, new Rng(1));
const quick: EvaluateOptions = { estimator: "knn", seeds: 2, targetLabelsPerClass: 3 };

/** Runs `call` and checks it throws a TransferLabError with this code at this parameter (and row, when given). */
async function rejects(call: () => unknown, code: string, param?: string, row?: number): Promise<TransferLabError> {
  try {
    await call();
  } catch (e) {
    assert.ok(e instanceof TransferLabError, `untyped ${(e as Error).name}: ${(e as Error).message}`);
    assert.equal(e.code, code, e.message);
    if (param !== undefined) assert.equal(e.where.param, param, e.message);
    if (row !== undefined) assert.equal(e.where.row, row, e.message);
    return e;
  }
  assert.fail(`expected ${code}${param ? ` at ${param}` : ""}, but the call succeeded`);
}

test("evaluate(pair) without options runs with the CLI's defaults (EVALUATE_DEFAULTS)", async () => {
  const r = await evaluate(generators.moons!.make({ n: 200 }, new Rng(2)));
  assert.deepEqual(r.seeds, [0, 1, 2, 3, 4]);
  assert.equal(r.estimator, "svc");
  assert.equal(r.targetLabelsPerClass, 10);
  assert.deepEqual(r.methods.map((m) => m.name), ["source-only", "target-only"]);
});

test("evaluate's options: wrong types, fractions, out-of-range and unknown keys name the option", async () => {
  const p = pair();
  await rejects(() => evaluate(p, { ...quick, methods: "coral" as never }), "INVALID_PARAMETER", "methods");
  await rejects(() => evaluate(p, { ...quick, firstSeed: "0" as never }), "INVALID_PARAMETER", "firstSeed");
  await rejects(() => evaluate(p, { ...quick, firstSeed: 0.5 }), "INVALID_PARAMETER", "firstSeed");
  await rejects(() => evaluate(p, { ...quick, seeds: 2.5 }), "INVALID_PARAMETER", "seeds");
  await rejects(() => evaluate(p, { ...quick, firstSeed: 1e20 }), "INVALID_PARAMETER", "firstSeed");
  await rejects(() => evaluate(p, { ...quick, firstSeed: 2 ** 32 - 1, seeds: 2 }), "INVALID_PARAMETER", "seeds");
  await rejects(() => evaluate(p, { ...quick, jobs: 0 }), "INVALID_PARAMETER", "jobs");
  await rejects(() => evaluate(p, { ...quick, memoryBudget: "2GB" as never }), "INVALID_PARAMETER", "memoryBudget");
  await rejects(() => evaluate(p, { ...quick, memoryBudget: NaN }), "INVALID_PARAMETER", "memoryBudget");
  await rejects(() => evaluate(p, { ...quick, scale: "bogus" as never }), "INVALID_PARAMETER", "scale");
  await rejects(() => evaluate(p, { ...quick, scaling: "bogus" } as never), "INVALID_PARAMETER", "scaling");
  await rejects(() => evaluate(p, JSON.parse('{"__proto__": {"seeds": 1}}')), "INVALID_PARAMETER", "__proto__");
  await rejects(() => evaluate(p, { ...quick, estimator: "__proto__" as never }), "INVALID_PARAMETER", "estimator");
  await rejects(() => evaluate(p, { ...quick, methods: ["kmm"], methodParams: { kmm: JSON.parse('{"__proto__": 1}') } }), "INVALID_PARAMETER", "methodParams.kmm.__proto__");
});

test("Matrix data must be a Float32Array: plain arrays and Float64Array are refused with a hint", async () => {
  await rejects(() => new Matrix(2, 2, [1, 2, 3, 4] as never), "INVALID_PARAMETER", "data");
  await rejects(() => new Matrix(2, 2, new Float64Array(4) as never), "INVALID_PARAMETER", "data");
  const p = pair();
  const plain = { ...p, source: { ...p.source, X: { rows: p.source.X.rows, cols: 2, data: Float64Array.from(p.source.X.data) } } };
  await rejects(() => evaluate(plain as never, quick), "INVALID_PARAMETER", "source.X");
  assert.deepEqual(Array.from(Matrix.from([[1, 2], [3, 4]]).data), [1, 2, 3, 4]);
});

test("a method's fit context without rng, and kNN labels of −1, are typed errors", async () => {
  const p = pair();
  const data = { source: p.source, target: { name: "t", X: p.target.X } };
  await rejects(() => getMethod("coral").fit(data, { estimator: () => new KnnClassifier() } as never), "INVALID_PARAMETER", "ctx.rng");
  const y = Int32Array.from(p.source.y);
  y[4] = -1;
  await rejects(() => new KnnClassifier().fit(p.source.X, y), "LABEL_MISMATCH", "y", 5);
  await rejects(() => new KnnClassifier(JSON.parse('{"__proto__": 1}')), "INVALID_PARAMETER", "__proto__");
  await rejects(() => getEstimator("__proto__"), "INVALID_PARAMETER", "estimator");
});

test("evaluate refuses target classes the source lacks (once, in the library; the CLI's loader says the same by name)", async () => {
  const p = pair();
  const y = Int32Array.from(p.target.y);
  y[7] = 2;
  await rejects(() => evaluate({ source: p.source, target: { ...p.target, y } }, quick), "LABEL_MISMATCH", "target.y", 8);
  const sy = Int32Array.from(p.source.y, () => 0); // the source keeps class 0 only
  sy[0] = 0;
  const e = await rejects(() => evaluate({ source: { ...p.source, y: sy }, target: p.target }, quick), "LABEL_MISMATCH", "target.y");
  assert.match(e.message, /the source lacks|source's classes/);
});

test("assess refuses 5 labels for 200 rows", async () => {
  const p = generators.moons!.make({ n: 200 }, new Rng(3));
  await rejects(() => assess(p.source, { ...p.target, y: p.target.y.subarray(0, 5) }), "SHAPE_MISMATCH", "target.y");
  await rejects(() => assess(p.source, p.target, { seed: -1 }), "INVALID_PARAMETER", "seed");
});

test("a K that leaves fewer than 5 test points per class is refused unless asked for (minTestPerClass)", async () => {
  // moons n=200: 100 target points per class. K = 150 was silently capped at 99, leaving 1 test point per class.
  const p = generators.moons!.make({ n: 200 }, new Rng(4));
  const e = await rejects(() => evaluate(p, { ...quick, targetLabelsPerClass: 150 }), "TOO_FEW_LABELS", "targetLabelsPerClass");
  assert.match(e.message, /leave 1 test point in class 0 \(100 rows; K would be capped at 99\), fewer than the minimum of 5/);
  await rejects(() => evaluate(p, { ...quick, targetLabelsPerClass: 96 }), "TOO_FEW_LABELS", "targetLabelsPerClass");
  const ok = await evaluate(p, { ...quick, targetLabelsPerClass: 95 });
  assert.equal(ok.split.test, 10);
  const explicit = await evaluate(p, { ...quick, targetLabelsPerClass: 150, minTestPerClass: 1 });
  assert.equal(explicit.split.test, 2);
  assert.ok(explicit.notes.some((n) => /fewer labelled points drawn/.test(n)), explicit.notes.join(" | "));
});

test("limits before work: seeds 1e9, moons?n=1e9, subspace 100,000 × 100,000, the budget capped by the machine", async () => {
  const p = pair();
  const t0 = performance.now();
  await rejects(() => evaluate(p, { ...quick, seeds: 1e9 }), "MEMORY_BUDGET", "memoryBudget");
  await rejects(() => resolveDomainPair("moons?n=1e9"), "MEMORY_BUDGET");
  await rejects(() => resolveDomainPair("subspace?dim=100000&n=100000"), "MEMORY_BUDGET");
  await rejects(() => resolveDomainPair("moons?bogus=3"), "INVALID_PARAMETER", "bogus");
  assert.ok(performance.now() - t0 < 60_000); // refused before allocating (a heap exhaustion took 26 s and then crashed)
  assert.equal(memoryBudget({ memoryBudget: 2 ** 40 }), Math.min(2 ** 40, totalmem()));
  assert.equal(memoryBudget({ memoryBudget: 1e6 }), 1e6);
});

test("fit (deploy) parses its options and data", async () => {
  const p = pair();
  await rejects(() => fit({ source: p.source, target: { name: "t", X: p.target.X } }, { method: "coral", seed: 1.5 }), "INVALID_PARAMETER", "seed");
  await rejects(() => fit({ source: { ...p.source, y: Array.from(p.source.y) as never }, target: { name: "t", X: p.target.X } }, { method: "coral" }), "INVALID_PARAMETER", "source.y");
  await rejects(() => formatEvaluation({} as never), "INVALID_PARAMETER", "result");
});

test("statistics: intervals inside [0, 100] and named; with one seed the comparison is 'no test', never p = 1", async () => {
  const r = await evaluate(pair(), { ...quick, seeds: 1, methods: ["coral"] });
  for (const m of r.methods) {
    const [lo, hi] = m.accuracy!.ci95;
    assert.ok(lo >= 0 && hi <= 100 && lo <= m.accuracy!.mean && m.accuracy!.mean <= hi, `${m.name}: [${lo}, ${hi}] around ${m.accuracy!.mean}`);
    assert.ok(m.accuracy!.ciMethod.length > 0, `${m.name}: unnamed interval`);
  }
  const to = r.methods.find((m) => m.name === "target-only")!;
  assert.equal(to.vsSourceOnly!.test, "no test");
  assert.equal(to.vsSourceOnly!.pValue, null);
  assert.match(formatEvaluation(r), /no test/);
  // Only two models fitted once (source-only, coral) may be compared on one seed (McNemar over the test rows).
  assert.doesNotMatch(formatEvaluation(r), /p[=<][0-9.]+ B/);
});

test("CORAL distance without d×d matrices (wide data) equals the covariance form", () => {
  const rng = new Rng(5);
  const mk = (n: number, d: number, s: number) => new Matrix(n, d, Float32Array.from({ length: n * d }, (_, q) => rng.normal() * (1 + (s * (q % d)) / d)));
  const X = mk(30, 80, 0), Y = mk(40, 80, 1);
  const a = covariance(X, { ddof: 1 }).data, b = covariance(Y, { ddof: 1 }).data;
  let s = 0;
  for (let q = 0; q < a.length; q++) s += (a[q]! - b[q]!) ** 2;
  const direct = s / (4 * 80 * 80);
  assert.ok(Math.abs(coralDistanceGram(X, Y) - direct) <= 1e-5 * direct, `${coralDistanceGram(X, Y)} vs ${direct}`);
  assert.equal(coralDistance(X, Y), coralDistanceGram(X, Y)); // d² > n² + m² + nm: the Gram form is the one used
});
