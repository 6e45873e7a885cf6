import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { LogisticRegression } from "../../src/estimators/logreg.js";
import { TransferLabError } from "../../src/core/errors.js";

interface Case {
  name: string; C: number; k: number; d: number; X: number[][]; y: number[]; sampleWeight: number[] | null;
  coef: number[][]; intercept: number[]; proba: number[][];
  polished_coef: number[][]; polished_intercept: number[]; polished_proba: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/metrics/logreg.json", import.meta.url), "utf8")) as { cases: Case[] };

// Truth: scikit-learn's default LogisticRegression (lbfgs, tol 1e-12: binary for k = 2, multinomial above), from
// test/fixtures/metrics/make_logreg.py. The binary cases pin C: the old symmetric 2-row fit matched C' = 2C instead.
for (const c of fixture.cases) {
  test(`logreg matches scikit-learn: ${c.name}`, () => {
    const X = Matrix.from(c.X);
    const lr = new LogisticRegression({ C: c.C, tol: 1e-10, maxIter: 20000 });
    lr.fit(X, Int32Array.from(c.y), { sampleWeight: c.sampleWeight ? Float32Array.from(c.sampleWeight) : undefined, numClasses: c.k });
    assert.ok(lr.converged, "L-BFGS converged");
    const P = lr.predictProba64(X);
    let dPolished = 0, dSklearn = 0;
    for (let i = 0; i < c.X.length; i++) for (let j = 0; j < c.k; j++) {
      dPolished = Math.max(dPolished, Math.abs(P[i * c.k + j]! - c.polished_proba[i]![j]!));
      dSklearn = Math.max(dSklearn, Math.abs(P[i * c.k + j]! - c.proba[i]![j]!));
    }
    // scikit-learn stops at a scaled gradient of ~1e-6 (scipy's default ftol): agree to its own accuracy ...
    assert.ok(dSklearn < 3e-4, `max |Δp| vs scikit-learn = ${dSklearn}`);
    // ... and to the Newton-polished float64 optimum of the same objective tightly.
    assert.ok(dPolished < 1e-7, `max |Δp| vs polished optimum = ${dPolished}`);
    let maxDc = 0, scale = 0;
    for (let r = 0; r < c.k; r++) for (let j = 0; j < c.d; j++) {
      maxDc = Math.max(maxDc, Math.abs(lr.coef[r * c.d + j]! - c.polished_coef[r]![j]!));
      scale = Math.max(scale, Math.abs(c.polished_coef[r]![j]!));
    }
    assert.ok(maxDc < 1e-6 * scale, `max |Δcoef| = ${maxDc}`);
    // Intercepts are compared after centring (the softmax is invariant to a common shift).
    const mo = Array.from(lr.intercept).reduce((a, b) => a + b, 0) / c.k;
    for (let r = 0; r < c.k; r++) assert.ok(Math.abs(lr.intercept[r]! - mo - c.polished_intercept[r]!) < 1e-6 * Math.max(1, scale));
    if (c.k === 2) {
      // Binary: scikit-learn reports one row w (class 1 against class 0); ours is stored as rows [0; w].
      for (let j = 0; j < c.d; j++) assert.ok(Math.abs(lr.coef[c.d + j]! - lr.coef[j]! - c.coef[0]![j]!) < 1e-4, `coef ${j}`);
      assert.ok(Math.abs(lr.intercept[1]! - lr.intercept[0]! - c.intercept[0]!) < 1e-4, "intercept");
    }
  });
}

test("a sample weight of 2 equals duplicating the row", () => {
  const rng = new Rng(3);
  const n = 60, d = 3;
  const X = new Matrix(n, d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < d; j++) X.set(i, j, rng.normal() + (j === y[i] ? 1.5 : 0));
  }
  const w = new Float32Array(n).fill(1);
  const dupIdx: number[] = [];
  for (let i = 0; i < n; i++) { dupIdx.push(i); if (i % 4 === 0) { w[i] = 2; dupIdx.push(i); } }
  const a = new LogisticRegression({ tol: 1e-10 });
  a.fit(X, y, { sampleWeight: w });
  const b = new LogisticRegression({ tol: 1e-10 });
  b.fit(X.takeRows(dupIdx), Int32Array.from(dupIdx, (i) => y[i]!));
  for (let p = 0; p < a.coef.length; p++) assert.ok(Math.abs(a.coef[p]! - b.coef[p]!) < 1e-6);
  // A zero weight removes the row's influence entirely.
  const w0 = new Float32Array(n).fill(1); w0[5] = 0;
  const keep = [...Array(n).keys()].filter((i) => i !== 5);
  const c0 = new LogisticRegression({ tol: 1e-10 }); c0.fit(X, y, { sampleWeight: w0 });
  const c1 = new LogisticRegression({ tol: 1e-10 }); c1.fit(X.takeRows(keep), Int32Array.from(keep, (i) => y[i]!));
  for (let p = 0; p < c0.coef.length; p++) assert.ok(Math.abs(c0.coef[p]! - c1.coef[p]!) < 1e-6);
});

test("save/load round-trips predictions exactly; fit is deterministic", () => {
  const c = fixture.cases[0]!;
  const X = Matrix.from(c.X);
  const lr = new LogisticRegression({ C: c.C });
  lr.fit(X, Int32Array.from(c.y));
  const again = new LogisticRegression({ C: c.C });
  again.fit(X, Int32Array.from(c.y));
  assert.deepEqual(Array.from(again.coef), Array.from(lr.coef));
  const back = LogisticRegression.load(JSON.parse(JSON.stringify(lr.save())));
  assert.deepEqual(Array.from(back.predictProba(X).data), Array.from(lr.predictProba(X).data));
  assert.deepEqual(Array.from(back.predict(X)), Array.from(lr.predict(X)));
});

test("bad inputs raise typed errors", () => {
  const X = Matrix.from([[1, 2], [3, 4]]);
  assert.throws(() => new LogisticRegression({ C: 0 }), TransferLabError);
  assert.throws(() => new LogisticRegression().fit(X, Int32Array.from([0])), /rows/);
  assert.throws(() => new LogisticRegression().fit(X, Int32Array.from([0, 0])), /2 classes/);
  assert.throws(() => new LogisticRegression().fit(X, Int32Array.from([0, 1]), { sampleWeight: Float32Array.from([1, -1]) }), /sampleWeight/);
  assert.throws(() => new LogisticRegression().predict(X), (e: unknown) => e instanceof TransferLabError && e.code === "NOT_FITTED");
  const bad = Matrix.from([[1, NaN], [3, 4]]);
  assert.throws(() => new LogisticRegression().fit(bad, Int32Array.from([0, 1])), (e: unknown) => e instanceof TransferLabError && e.code === "NON_FINITE");
});
