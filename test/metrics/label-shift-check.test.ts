// BBSE's validity checks: a pure label shift passes; a shift of p(x|y) (conditional shift) is caught.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { priorShift, conditionalShift } from "../../src/data/generators/shifts.js";
import { blackBoxShiftEstimation } from "../../src/metrics/label-shift.js";
import { checkLabelShift } from "../../src/metrics/label-shift-check.js";

test("pure label shift: BBSE's assumptions check out", () => {
  const pair = priorShift({ n: 3000, targetPriors: [0.7, 0.2, 0.1], separation: 3 }, new Rng(1));
  const est = blackBoxShiftEstimation(pair.source, pair.target.X, { rng: new Rng(2) });
  const v = checkLabelShift(pair.source, pair.target.X, est, new Rng(3));
  assert.ok(v.reliable, v.reason);
  assert.ok(v.residualAccuracy < 0.56, `residual ${v.residualAccuracy}`);
});

test("conditional shift: the class-reweighted source is still told apart from the target → unreliable", () => {
  const pair = conditionalShift({ n: 1500, shift: 2 }, new Rng(1));
  const est = blackBoxShiftEstimation(pair.source, pair.target.X, { rng: new Rng(2) });
  const v = checkLabelShift(pair.source, pair.target.X, est, new Rng(3));
  assert.equal(v.reliable, false);
  assert.match(v.reason, /within classes/);
});
