// The source model's target error from labelled rows, and the gate on label-free predictions: closed forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { labelledTargetError, expectedCalibrationError, gateLabelFree } from "../../src/experiment/target-error.js";
import { wilson } from "../../src/core/stats.js";

test("random labelled rows: the error and its Wilson interval", () => {
  const y = Int32Array.from({ length: 40 }, (_, i) => i % 2), pred = y.map((v, i) => (i < 10 ? 1 - v : v));
  const r = labelledTargetError(pred, y, { sampling: "random", predAll: pred, k: 2, rng: new Rng(1) });
  assert.equal(r.value, 0.25);
  assert.deepEqual(r.ci, wilson(10, 40));
  assert.match(r.interval, /Wilson/);
});

test("K per class: the class mix comes from the confusion matrix, so a stratified sample gives the population error", () => {
  // Population: class 0 is 80 % of the target, 10 % of it misread as 1; class 1 is 20 %, half misread as 0.
  // Population error = 0.8·0.1 + 0.2·0.5 = 0.18, while the plain mean over 10 + 10 labelled rows is 0.30.
  const predAll = new Int32Array(10000);
  for (let i = 0; i < 8000; i++) predAll[i] = i < 800 ? 1 : 0;
  for (let i = 8000; i < 10000; i++) predAll[i] = i < 9000 ? 0 : 1;
  const y = Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1));
  const pred = Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? (i === 0 ? 1 : 0) : i < 15 ? 0 : 1));
  const r = labelledTargetError(pred, y, { sampling: "stratified", predAll, k: 2, rng: new Rng(3), replicates: 400 });
  assert.ok(Math.abs(r.value - 0.18) < 1e-9, `estimate ${r.value}`);
  assert.ok(r.ci[0] <= 0.18 && 0.18 <= r.ci[1] && r.ci[0] >= 0 && r.ci[1] <= 1, `interval ${r.ci}`);
});

test("expected calibration error: closed forms", () => {
  const P = (rows: number[][]) => ({ rows: rows.length, cols: rows[0]!.length, data: rows.flat() });
  // Confidence 0.8 on every row, right on 4 of 5: calibrated.
  assert.ok(expectedCalibrationError(P([[0.8, 0.2], [0.8, 0.2], [0.8, 0.2], [0.8, 0.2], [0.8, 0.2]]), [0, 0, 0, 0, 1]) < 1e-12);
  // Certain and right half the time: ECE 0.5.
  assert.ok(Math.abs(expectedCalibrationError(P([[1, 0], [1, 0]]), [0, 1]) - 0.5) < 1e-12);
});

test("label-free predictions: withheld (value null, reliable false, a reason) unless both checks pass", () => {
  const ok = gateLabelFree({ atc: 0.1, doc: 0.12 }, { pad: 0.3, sourceEce: 0.02, sourceAccuracy: 0.9 });
  assert.deepEqual(ok.map((p) => [p.method, p.value, p.reliable]), [["ATC", 0.1, true], ["DoC", 0.12, true]]);
  const sep = gateLabelFree({ atc: 0.04, doc: 0.05 }, { pad: 1.9, sourceEce: 0.02, sourceAccuracy: 0.9 });
  assert.ok(sep.every((p) => p.value === null && !p.reliable && /nearly separable/.test(p.reason)));
  assert.equal(sep[0]!.raw, 0.04);
  const uncal = gateLabelFree({ atc: 0.1, doc: 0.1 }, { pad: 0.2, sourceEce: 0.2, sourceAccuracy: 0.9 });
  assert.ok(uncal.every((p) => !p.reliable && /calibrated/.test(p.reason)));
  const perfect = gateLabelFree({ atc: 0, doc: 0.01 }, { pad: 0.2, sourceEce: 0.01, sourceAccuracy: 1 });
  assert.deepEqual(perfect.map((p) => p.reliable), [false, true]);
});

test("betaDraw: mean and variance of Beta(a, b), also for a < 1 (the Jeffreys prior's ½)", async () => {
  const { betaDraw } = await import("../../src/experiment/target-error.js");
  const rng = new Rng(8);
  for (const [a, b] of [[0.5, 10.5], [3.5, 7.5]] as const) {
    const R = 40000;
    let s1 = 0, s2 = 0;
    for (let r = 0; r < R; r++) { const x = betaDraw(a, b, rng); s1 += x; s2 += x * x; }
    const m = s1 / R, v = s2 / R - m * m;
    const tm = a / (a + b), tv = (a * b) / ((a + b) ** 2 * (a + b + 1));
    assert.ok(Math.abs(m - tm) < 4 * Math.sqrt(tv / R), `mean ${m} vs ${tm}`);
    assert.ok(Math.abs(v / tv - 1) < 0.05, `variance ${v} vs ${tv}`);
  }
});
