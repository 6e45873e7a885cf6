// Memory estimates before work (issue 13): the methods with d×d intermediates (CORAL, Subspace Alignment, JDA,
// the linear Monge map) and the logistic-regression estimator on wide data check the memory budget before they
// allocate. A 20,000-feature input under a 64 MB budget would need 3.2 GB per float64 d×d matrix: the fit must
// stop with MEMORY_BUDGET naming the method and the size, at once (an unchecked fit would allocate gigabytes and run
// an O(d³) eigensolver for hours); the same method on a normal size still fits under the same budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { isTransferLabError } from "../../src/core/errors.js";
import { KnnClassifier } from "../../src/estimators/knn.js";
import { LogisticRegression } from "../../src/estimators/logreg.js";
import { getMethod } from "../../src/adapt/registry.js";
import type { FitContext, FitData } from "../../src/adapt/types.js";

const MB = 2 ** 20;

function data(n: number, d: number, seed = 1): FitData {
  const rng = new Rng(seed);
  const mk = (shift: number): Matrix => {
    const X = new Matrix(n, d);
    for (let k = 0; k < n * d; k++) X.data[k] = rng.normal() + shift;
    return X;
  };
  return { source: { name: "s", X: mk(0), y: Int32Array.from({ length: n }, (_, i) => i % 3) }, target: { name: "t", X: mk(0.5) } };
}

const ctx = (memoryBudget: number, estimator: FitContext["estimator"] = () => new KnnClassifier({ k: 1 })): FitContext => ({ rng: new Rng(0), estimator, memoryBudget });

/** Fits and expects MEMORY_BUDGET naming `what` and the feature count, with no d×d-sized allocation on the way. */
async function refused(method: string, fitData: FitData, c: FitContext, what: string): Promise<void> {
  const before = process.memoryUsage().arrayBuffers;
  await assert.rejects(getMethod(method).fit(fitData, c), (e: unknown) => {
    assert.ok(isTransferLabError(e) && e.code === "MEMORY_BUDGET", `${method}: ${String(e)}`);
    assert.match(e.message, new RegExp(what));
    assert.match(e.message, /20000/);
    assert.match(e.message, /above the memory budget of 64\.0 MB/);
    return true;
  });
  // The inputs exist already; nothing of the order of one d×d float64 (3.2 GB), or even the budget, was added.
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * MB, `${method}: ${(process.memoryUsage().arrayBuffers - before) / MB} MB allocated before refusing`);
}

const wide = data(20, 20000);
const normal = data(60, 8);

for (const [method, what] of [["coral", "coral on 20000 features"], ["subspace-alignment", "subspace-alignment on 20000 features"], ["jda", "jda on 40 rows × 20000 features"], ["ot-linear", "ot-linear on 20000 features"]] as const) {
  test(`${method}: a 20,000-feature input under a 64 MB budget is refused before allocating; a normal size fits under it`, async () => {
    await refused(method, wide, ctx(64 * MB), what);
    const m = await getMethod(method).fit(normal, ctx(64 * MB));
    assert.equal(m.predict(normal.target.X).length, 60);
  });
}

test("logistic regression (the final estimator, and the domain classifier) on 20,000 features under a 4 MB budget is refused before allocating; a normal size fits", async () => {
  // Its state is linear in d, not d×d: 26 float64 vectors of 3·20,000 + 3 weights ≈ 12.5 MB, so a 4 MB budget.
  const c = ctx(4 * MB, () => new LogisticRegression());
  await assert.rejects(getMethod("source-only").fit(wide, c), (e: unknown) => isTransferLabError(e) && e.code === "MEMORY_BUDGET" && /logistic regression on 20000 features × 3 classes/.test(e.message));
  // The domain classifier (before the final estimator): 2 classes → one weight vector of 20,001, 4.0 MB of L-BFGS state.
  await assert.rejects(getMethod("domain-classifier").fit(wide, ctx(3 * MB, () => new LogisticRegression())), (e: unknown) => isTransferLabError(e) && e.code === "MEMORY_BUDGET" && /logistic regression on 20000 features × 2 classes/.test(e.message));
  const m = await getMethod("source-only").fit(normal, c);
  assert.equal(m.predict(normal.target.X).length, 60);
  // The estimator's own API takes the budget too, and checks it.
  assert.throws(() => new LogisticRegression().fit(wide.source.X, wide.source.y, { memoryBudget: 4 * MB }), (e: unknown) => isTransferLabError(e) && e.code === "MEMORY_BUDGET");
  assert.throws(() => new LogisticRegression().fit(normal.source.X, normal.source.y, { memoryBudget: -1 }), (e: unknown) => isTransferLabError(e) && e.code === "INVALID_PARAMETER");
});
