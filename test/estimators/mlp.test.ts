// The MLP estimator against scikit-learn's MLPClassifier on two moons (fixture: knn_mlp_make.py): training is
// stochastic on both sides, so the check is test accuracy (mean of 5 seeds there, 3 here) within 3 points.
// Sample weights: integer weights match row duplication in expectation — checked on the fitted decision.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix, Rng } from "../../src/core/index.js";
import { MlpClassifier } from "../../src/estimators/mlp.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/estimators/knn_mlp_reference.json", import.meta.url), "utf8"));
const Xm = Matrix.from(ref.moons.X as number[][]), ym = Int32Array.from(ref.moons.y as number[]);
const train = Xm.sliceRows(0, 300), test_ = Xm.sliceRows(300, 600);
const ytr = ym.subarray(0, 300), yte = ym.subarray(300, 600);

test("MLP reaches scikit-learn MLPClassifier's test accuracy on two moons (within 3 points)", () => {
  const accs: number[] = [];
  for (let s = 0; s < 3; s++) {
    const m = new MlpClassifier();
    m.fit(train, ytr, { rng: new Rng(s) });
    const p = m.predict(test_);
    accs.push(p.filter((v, i) => v === yte[i]).length / p.length);
  }
  const ours = accs.reduce((a, b) => a + b, 0) / accs.length;
  const theirs = (ref.moons.sklearn_mlp_test_acc as number[]).reduce((a, b) => a + b, 0) / 5;
  assert.ok(Math.abs(ours - theirs) <= 0.03, `ours ${ours.toFixed(3)} vs scikit-learn ${theirs.toFixed(3)}`);
});

test("MLP sample weights: a heavily weighted class pulls the boundary (weights reach the loss)", () => {
  // 1-D, overlapping classes: class 0 ~ N(0,1), class 1 ~ N(1,1). Weighting class 1 by 9 moves the decision
  // threshold from ~0.5 to ~0.5 − ln 9 ≈ −1.7 (Bayes rule with priors 1:9); check the sign of the move.
  const rng = new Rng(4);
  const n = 400;
  const X = new Matrix(n, 1), y = new Int32Array(n);
  for (let i = 0; i < n; i++) { y[i] = i % 2; X.data[i] = rng.normal() + y[i]!; }
  const probe = Matrix.from([[-0.5]]);
  const plain = new MlpClassifier({ hidden: [8], maxEpochs: 150, lr: 0.01 });
  plain.fit(X, y, { rng: new Rng(1) });
  const weighted = new MlpClassifier({ hidden: [8], maxEpochs: 150, lr: 0.01 });
  weighted.fit(X, y, { rng: new Rng(1), sampleWeight: Float32Array.from(y, (c) => (c === 1 ? 9 : 1)) });
  const p0 = plain.predictProba(probe).get(0, 1), p1 = weighted.predictProba(probe).get(0, 1);
  assert.ok(p0 < 0.5 && p1 > 0.6, `P(class 1 | x=−0.5): unweighted ${p0.toFixed(3)}, weighted ${p1.toFixed(3)}`);
});
