// The rule and the guard on hand-made scores (the paired standard error in closed form), Spearman against
// scipy, and one selection run end to end: every validator scored, the choice explained, the same numbers with
// 1 or 2 jobs, and no target-test label anywhere in its inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Rng } from "../../src/core/index.js";
import type { LabelledDomain } from "../../src/core/index.js";
import { choose, differenceUncertainty, type ScoredCandidate } from "../../src/selection/guard.js";
import { meanScore } from "../../src/selection/validators.js";
import { spearman } from "../../src/experiment/select-benchmark.js";
import { expandCandidates, runSelection } from "../../src/experiment/select.js";

const z = (xs: number[]) => meanScore(Float64Array.from(xs));
const cand = (label: string, xs: number[], baseline?: "source-only" | "target-only"): ScoredCandidate => ({ label, ...(baseline ? { baseline } : {}), scores: { "cv-target": z(xs) } });

test("paired uncertainty: sd of the differences over √n (ddof 1)", () => {
  const a = z([1, 1, 0, 1, 1, 0]), b = z([1, 0, 0, 1, 0, 0]);
  // differences 0,1,0,0,1,0: mean 1/3, sample variance (4·(1/3)² + 2·(2/3)²)/5 = 4/15, se = √(4/15/6).
  assert.ok(Math.abs(differenceUncertainty(a, b).se - Math.sqrt(4 / 15 / 6)) < 1e-15);
  assert.equal(differenceUncertainty(a, b).paired, true);
});

test("guard: a pick that beats both baselines beyond the uncertainty is kept; a narrow win falls back to target-only", () => {
  const so = cand("source-only", [1, 0, 0, 1, 0, 1, 0, 0, 1, 0], "source-only");
  const to = cand("target-only", [1, 1, 0, 1, 0, 1, 0, 0, 1, 0], "target-only");
  const strong = cand("coral", [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  const c1 = choose([so, to, strong], "cv-target");
  assert.equal(c1.pick, "coral");
  assert.ok(c1.comparisons.every((c) => c.beats));
  const narrow = cand("kmm", [1, 1, 0, 1, 0, 1, 0, 1, 1, 0]); // one point better than target-only
  const c2 = choose([so, to, narrow], "cv-target");
  assert.equal(c2.best, "kmm");
  assert.equal(c2.pick, "target-only");
  assert.equal(c2.guarded, true);
  assert.match(c2.reasons.join("\n"), /does not beat it by more than its uncertainty/);
});

test("guard: without target labels the fallback is source-only; source-only must beat target-only to replace it", () => {
  const so = cand("source-only", [1, 0, 1, 0], "source-only");
  const c = choose([so, cand("coral", [1, 1, 1, 0])], "cv-target");
  assert.equal(c.pick, "source-only");
  const to = cand("target-only", [0, 1, 0, 0, 1, 0], "target-only");
  const soWins = cand("source-only", [1, 1, 1, 1, 1, 1], "source-only");
  assert.equal(choose([soWins, to], "cv-target").pick, "source-only");
  const soNarrow = cand("source-only", [0, 1, 1, 0, 1, 0], "source-only");
  assert.equal(choose([soNarrow, to], "cv-target").pick, "target-only");
});

test("Spearman with ties equals scipy.stats.spearmanr (0.8116794499134278)", () => {
  assert.ok(Math.abs(spearman([0.3, 0.1, 0.4, 0.4, 0.9, 0.2], [70, 60, 72, 75, 71, 65]) - 0.8116794499134278) < 1e-12);
  assert.equal(spearman([1, 2, 3], [3, 2, 1]), -1);
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
});

function moons(n: number, angle: number, seed: number): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, 2), y = new Int32Array(n);
  const c = Math.cos(angle), s = Math.sin(angle);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const t = Math.PI * rng.uniform();
    const [u, v] = y[i] ? [1 - Math.cos(t), 0.5 - Math.sin(t)] : [Math.cos(t), Math.sin(t)];
    const a = u + 0.1 * rng.normal(), b = v + 0.1 * rng.normal();
    X.set(i, 0, c * a - s * b);
    X.set(i, 1, s * a + c * b);
  }
  return { name: "moons", X, y };
}

test("selection end to end: all validators scored, a reasoned choice, identical with 1 and 2 jobs", async () => {
  const source = moons(120, 0, 1), t = moons(80, 0.5, 2);
  const lab = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
  const data = { source, target: { name: "t", X: t.X }, targetLabelled: { name: "tl", X: t.X.takeRows(lab), y: Int32Array.from(lab, (i) => t.y[i]!) } };
  const candidates = expandCandidates(["coral", "self-training"], { coral: { lambda: [0.1, 10] } });
  const r1 = await runSelection(data, { candidates, estimator: "logreg", seed: 3, jobs: 1 });
  const r2 = await runSelection(data, { candidates, estimator: "logreg", seed: 3, jobs: 2 });
  assert.deepEqual(r1.candidates.map((c) => c.label), ["source-only", "target-only", "coral(lambda=0.1)", "coral(lambda=10)", "self-training"]);
  assert.deepEqual(r1.candidates.map((c) => c.scores), r2.candidates.map((c) => c.scores));
  assert.equal(r1.choice.rule, "cv-target");
  for (const c of r1.candidates) for (const v of r1.validators) assert.ok(c.scores[v] && "score" in c.scores[v]!, `${c.label}: ${v} scored`);
  assert.ok(r1.candidates.some((c) => c.label === r1.choice.pick));
  assert.ok(r1.choice.reasons.length >= 2);
  // coral never reads target labels: its cv-target is the accuracy of its predictions on the labelled points.
  assert.equal(r1.split.folds, 4); // 4 labelled points per class
  const noLabels = await runSelection({ source, target: data.target }, { candidates, estimator: "logreg", seed: 3 });
  assert.equal(noLabels.choice.rule, "dev");
  assert.ok(!noLabels.candidates.some((c) => c.label === "target-only"));
});

test("target-only is cross-validated with one labelled point per class held out per fold, not leave-one-out", async () => {
  // A kNN whose k covers every training point predicts the training set's majority class. Leave-one-out leaves the
  // held-out point's class one short in every fit, so it would score 0 (the pessimistic bias of LOO for
  // classifiers with an intercept); with one point of each class out per fold the classes stay balanced, the
  // vote ties, the tie goes to class 0, and exactly half of the labelled points (class 0) are right: 0.5.
  const source = moons(60, 0, 1), t = moons(40, 0.3, 2);
  const lab = Int32Array.from({ length: 10 }, (_, i) => i); // 5 per class (moons alternates classes)
  const data = { source, target: { name: "t", X: t.X }, targetLabelled: { name: "tl", X: t.X.takeRows(lab), y: Int32Array.from(lab, (i) => t.y[i]!) } };
  const r = await runSelection(data, { candidates: [], estimator: "knn", estimatorParams: { k: 1000 }, seed: 0, validators: ["cv-target"] });
  const to = r.candidates.find((c) => c.label === "target-only")!;
  assert.equal((to.scores["cv-target"] as { score: number }).score, 0.5);
});

test("with one labelled point in a class, target-only has no cv-target score and the guard says it was not compared", async () => {
  const source = moons(60, 0, 1), t = moons(40, 0.3, 2);
  const lab = Int32Array.from([0, 1, 3]); // classes 0, 1, 1
  const data = { source, target: { name: "t", X: t.X }, targetLabelled: { name: "tl", X: t.X.takeRows(lab), y: Int32Array.from(lab, (i) => t.y[i]!) } };
  const r = await runSelection(data, { candidates: expandCandidates(["coral"]), estimator: "logreg", seed: 0, validators: ["cv-target"] });
  const to = r.candidates.find((c) => c.label === "target-only")!;
  assert.match((to.scores["cv-target"] as { unavailable: string }).unavailable, /only one labelled point/);
  assert.match(r.choice.reasons.join("\n"), /target-only has no cv-target score .*not compared/);
  assert.notEqual(r.choice.pick, "target-only");
});

test("with the default SVC (no Platt scaling of its own), entropy and SND are scored from probabilities calibrated on the held-out source rows", async () => {
  const source = moons(120, 0, 1), t = moons(80, 0.5, 2);
  const r = await runSelection({ source, target: { name: "t", X: t.X } }, { candidates: expandCandidates(["coral"]), seed: 0, validators: ["entropy", "snd", "dev"] });
  for (const c of r.candidates) for (const v of ["entropy", "snd"] as const) assert.ok(c.scores[v] && "score" in c.scores[v]!, `${c.label}: ${v}`);
  assert.match(r.notes.join("\n"), /Platt-scaled on the held-out source rows/);
});
