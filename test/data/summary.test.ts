// Shift summary statistics on hand-computed examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { summarizeDomain, type DomainPair } from "./helpers.js";
import { summarizeShift } from "../../src/metrics/index.js";

test("summarizeShift: covariance shift of a 90° turn, mean shift, linear MMD², label TV", () => {
  const pair: DomainPair = {
    name: "t", kind: "synthetic", scaling: { rule: "none" }, notes: [],
    source: { name: "s", X: Matrix.from([[1, 0], [-1, 0]]), y: Int32Array.from([0, 1]) },
    target: { name: "t", X: Matrix.from([[3, 1], [3, -1]]), y: Int32Array.from([0, 0]) },
  };
  const s = summarizeShift(pair);
  // C_S = diag(1, 0), C_T = diag(0, 1): ‖C_S − C_T‖_F = √2, ‖C_S‖_F = 1.
  assert.ok(Math.abs(s.covarianceShift - Math.SQRT2) < 1e-12);
  // Means (0, 0) and (3, 0): MMD² = 9; spread (RMS distance to the mean) is 1 in both, so mean shift = 3.
  assert.equal(s.linearMmd2, 9);
  assert.equal(s.meanShift, 3);
  // Class proportions (½, ½) vs (1, 0): TV = ½.
  assert.equal(s.labelShiftTV, 0.5);
  const d = summarizeDomain({ ...pair.target, classNames: ["a", "b"] });
  assert.deepEqual(d.classCounts, { a: 2, b: 0 });
  assert.equal(d.min, -1);
  assert.equal(d.max, 3);
});
