// kNN against scikit-learn's KNeighborsClassifier (fixture: test/fixtures/estimators/knn_mlp_make.py), and the
// meaning of its sample weights (votes scaled by weight; weight 0 = row absent), checked by closed forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/index.js";
import { KnnClassifier } from "../../src/estimators/knn.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/estimators/knn_mlp_reference.json", import.meta.url), "utf8"));
const X = Matrix.from(ref.X as number[][]), y = Int32Array.from(ref.y as number[]), Xq = Matrix.from(ref.Xq as number[][]);

for (const c of ref.knn as Array<{ k: number; weighting: "uniform" | "distance"; proba: number[][]; pred: number[] }>) {
  test(`kNN k=${c.k} ${c.weighting} matches scikit-learn's predict_proba and predict`, () => {
    const m = new KnnClassifier({ k: c.k, weighting: c.weighting });
    m.fit(X, y);
    const P = m.predictProba(Xq);
    for (let i = 0; i < Xq.rows; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(P.get(i, j) - c.proba[i]![j]!) < 1e-5, `proba[${i}][${j}] ${P.get(i, j)} vs ${c.proba[i]![j]}`);
    assert.deepEqual(Array.from(m.predict(Xq)), c.pred);
  });
}

test("kNN sample weights scale the votes; weight 0 removes the row", () => {
  // Points on a line: class 0 at 0 and 1, class 1 at 2. Query at 1.1, k = 3: all three are neighbours.
  const Xl = Matrix.from([[0], [1], [2]]);
  const yl = Int32Array.from([0, 0, 1]);
  const m = new KnnClassifier({ k: 3 });
  m.fit(Xl, yl, { sampleWeight: Float32Array.from([1, 1, 6]) });
  assert.deepEqual(Array.from(m.predictProba(Matrix.from([[1.1]])).data), [2 / 8, 6 / 8]);
  m.fit(Xl, yl, { sampleWeight: Float32Array.from([1, 0, 1]) });
  // Row 1 is gone: the two remaining rows are the neighbours.
  assert.deepEqual(Array.from(m.predictProba(Matrix.from([[1.1]])).data), [0.5, 0.5]);
  assert.throws(() => m.fit(Xl, yl, { sampleWeight: Float32Array.from([0, 0, 0]) }), /every sample weight is 0/);
  assert.throws(() => m.fit(Xl, yl, { sampleWeight: Float32Array.from([1, -1, 0]) }), /sample weight -1/);
});
