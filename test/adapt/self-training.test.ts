// Self-training: checked by invariants (no confident point ⇒ exactly the source+target baseline; class quotas
// respected; pseudo-labels only above the threshold) and by the effect it exists for: on a shift along the
// discriminative axis, pseudo-labels from the target's own clusters move the boundary into the target's gap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Rng } from "../../src/core/index.js";
import type { LabelledDomain } from "../../src/core/index.js";
import { selfTraining, sourceTarget, sourceOnly } from "../../src/adapt/index.js";
import type { FitData } from "../../src/adapt/index.js";
import { KnnClassifier } from "../../src/estimators/knn.js";
import { LogisticRegression } from "../../src/estimators/logreg.js";

/** Two classes at x = ∓2 (sd 0.7); the target moves everything by `shift` along x. */
function domain(n: number, shift: number, seed: number): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    X.set(i, 0, (y[i] ? 2 : -2) * 1 + shift + 0.7 * rng.normal());
    X.set(i, 1, 0.7 * rng.normal());
  }
  return { name: "d", X, y };
}

const acc = (p: Int32Array, y: Int32Array) => p.filter((v, i) => v === y[i]).length / y.length;

test("with no point above the threshold, self-training is exactly the source+target baseline", async () => {
  const s = domain(80, 0, 1), t = domain(60, 1, 2);
  const data: FitData = { source: s, target: { name: "t", X: t.X }, targetLabelled: { name: "tl", X: t.X.sliceRows(0, 4), y: t.y.subarray(0, 4) } };
  const ctx = { rng: new Rng(0), estimator: () => new LogisticRegression() };
  const st = await selfTraining.fit(data, ctx, { threshold: 1 }); // logistic probabilities are < 1
  const base = await sourceTarget.fit(data, { rng: new Rng(0), estimator: () => new LogisticRegression() });
  assert.equal((st.details.pseudoLabelled as Int32Array).length, 0);
  assert.deepEqual(Array.from(st.predictProba(t.X).data), Array.from(base.predictProba(t.X).data));
});

test("pseudo-labels respect the threshold and the per-class quota", async () => {
  const s = domain(80, 0, 3), t = domain(61, 1.5, 4);
  const data: FitData = { source: s, target: { name: "t", X: t.X } };
  const rounds = 4;
  const fit = await selfTraining.fit(data, { rng: new Rng(0), estimator: () => new KnnClassifier({ k: 5 }) }, { threshold: 0.8, rounds });
  const chosen = fit.details.pseudoLabelled as Int32Array;
  const labels = fit.details.pseudoLabels as Int32Array;
  assert.ok(chosen.length > 0 && chosen.length <= t.X.rows);
  // Round r admits at most floor(m_c·r/R) points of each predicted class c (Σ m_c = n_t): at most n_t·r/R in all.
  const perRound = fit.details.perRound as number[];
  assert.equal(perRound.length, rounds);
  perRound.forEach((count, i) => assert.ok(count <= (t.X.rows * (i + 1)) / rounds, `round ${i + 1}: ${count} pseudo-labels`));
  // Without balancing the first round is not capped: it admits every confident point.
  const free = await selfTraining.fit(data, { rng: new Rng(0), estimator: () => new KnnClassifier({ k: 5 }) }, { threshold: 0.8, rounds, balance: false });
  assert.ok((free.details.perRound as number[])[0]! > perRound[0]!, "balancing caps the first round");
  assert.equal(new Set(chosen).size, chosen.length, "no point pseudo-labelled twice");
  for (const c of labels) assert.ok(c === 0 || c === 1);
});

test("on a shift along the discriminative axis self-training beats source-only (3 seeds)", async () => {
  let gains = 0;
  for (let seed = 0; seed < 3; seed++) {
    const s = domain(100, 0, 10 + seed), t = domain(200, 1.6, 20 + seed);
    const data: FitData = { source: s, target: { name: "t", X: t.X } };
    const ctx = () => ({ rng: new Rng(seed), estimator: () => new KnnClassifier({ k: 7 }) });
    const so = acc((await sourceOnly.fit(data, ctx())).predict(t.X), t.y);
    const st = acc((await selfTraining.fit(data, ctx(), { useSource: false, rounds: 5, threshold: 0.7 })).predict(t.X), t.y);
    if (st > so) gains++;
  }
  assert.ok(gains >= 2, `self-training beat source-only on ${gains}/3 seeds`);
});

test("from the library with a plain SVC (no probabilistic factory): ranks by the SVC's Platt-scaled variant", async () => {
  const { SVC } = await import("../../src/estimators/svc.js");
  const s = domain(80, 0, 1), t = domain(60, 1, 2);
  const data: FitData = { source: s, target: { name: "t", X: t.X } };
  // Before the fix this threw UNSUPPORTED ("this SVC was fitted without probability estimates").
  const plain = await selfTraining.fit(data, { rng: new Rng(0), estimator: () => new SVC() }, { rounds: 2 });
  const byHand = await selfTraining.fit(data, { rng: new Rng(0), estimator: () => new SVC(), probabilisticEstimator: () => new SVC({ probability: true }) }, { rounds: 2 });
  // Same pseudo-labels as passing the probabilistic SVC by hand.
  assert.deepEqual(Array.from(plain.details.pseudoLabelled as Int32Array), Array.from(byHand.details.pseudoLabelled as Int32Array));
  assert.ok((plain.details.pseudoLabelled as Int32Array).length > 0);
});
