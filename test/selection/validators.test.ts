// The validators against an independent numpy mirror of the published definitions
// (test/fixtures/selection/make_validators.py → validators.json): same fixed inputs, agreement to 1e-6.
// Plus invariants that hold by construction (uniform weights ⇒ IWCV = DEV = accuracy; one-hot ⇒ entropy 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/index.js";
import { circularValidation, dev, domainClassifierWeights, heldOutAccuracy, iwcv, mixval, predictionEntropy, snd } from "../../src/selection/validators.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/selection/validators.json", import.meta.url), "utf8"));
const I = fx.inputs, E = fx.expected;
const mat = (rows: number[][]) => new Matrix(rows.length, rows[0]!.length, Float32Array.from(rows.flat()));
const W: number[][] = I.W, b: number[] = I.b;
const C = I.numClasses as number;
/** The fixture's linear classifier (float64 logits of float32 inputs, as the mirror computes them). */
const logits = (X: Matrix) => Array.from({ length: X.rows }, (_, i) => Array.from({ length: C }, (_, c) => {
  let s = b[c]!;
  for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j]! * Math.fround(W[j]![c]!);
  return s;
}));
const predict = (X: Matrix) => Int32Array.from(logits(X), (z) => z.indexOf(Math.max(...z)));
const proba = (X: Matrix) => {
  const P = new Matrix(X.rows, C);
  logits(X).forEach((z, i) => {
    const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, v) => a + v, 0);
    e.forEach((v, c) => (P.data[i * C + c] = v / s));
  });
  return P;
};
const Xs = mat(I.sourceValX), ys = Int32Array.from(I.sourceValY as number[]), Xt = mat(I.targetX);
const close = (a: number | null, e: number, what: string) => assert.ok(a !== null && Math.abs(a - e) <= 1e-6, `${what}: ours ${a}, numpy ${e}`);

test("validators agree with the numpy mirror to 1e-6: held-out accuracy, IWCV, DEV, entropy, SND, circular, MixVal", () => {
  const w = domainClassifierWeights(I.pTarget, I.nSource, I.nTarget);
  (E.weights as number[]).forEach((v, i) => close(w[i]!, v, `weight ${i}`));
  const pv = predict(Xs);
  const checks: [string, { score: number; se: number | null }][] = [
    ["heldOut", heldOutAccuracy(pv, ys)],
    ["iwcv", iwcv(pv, ys, w)],
    ["dev", dev(pv, ys, w)],
    ["entropy", predictionEntropy(proba(Xt))],
    ["snd", snd(proba(Xt))],
    ["circular", circularValidation(Xt, predict(Xt), Xs, ys, C)],
    ["mixval", mixval(Xt, predict(Xt), Int32Array.from(I.perm as number[]), predict)],
  ];
  for (const [name, r] of checks) {
    close(r.score, E[name].score, `${name} score`);
    close(r.se, E[name].se, `${name} standard error`);
  }
  close(dev(pv, ys, w).eta, E.dev.eta, "DEV control-variate coefficient η");
  const m = mixval(Xt, predict(Xt), Int32Array.from(I.perm as number[]), predict);
  close(m.intra, E.mixval.intra, "MixVal intra-cluster accuracy");
  close(m.inter, E.mixval.inter, "MixVal inter-cluster accuracy");
});

test("invariants: uniform weights ⇒ IWCV = DEV = accuracy; perSample means are the scores; one-hot ⇒ entropy 0", () => {
  const pv = predict(Xs);
  const acc = heldOutAccuracy(pv, ys);
  const ones = new Float64Array(ys.length).fill(3);
  close(iwcv(pv, ys, ones).score, acc.score, "IWCV with constant weights");
  close(dev(pv, ys, new Float64Array(ys.length).fill(1)).score, acc.score, "DEV with w ≡ 1 (no shift: η = 0)");
  for (const r of [acc, iwcv(pv, ys, domainClassifierWeights(I.pTarget, 5, 3)), snd(proba(Xt))]) {
    const z = r.perSample!;
    close(z.reduce((a, v) => a + v, 0) / z.length, r.score, "mean of perSample");
  }
  const onehot = new Matrix(3, 2, Float32Array.from([1, 0, 0, 1, 1, 0]));
  assert.equal(predictionEntropy(onehot).score, 0);
});
