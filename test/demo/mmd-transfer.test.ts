// The MMD transfer network: its MMD term is the tutorial's biased RBF MMD² (checked against an independent
// float64 computation and seed_fingerprint.py's raw-input value), training with λ > 0 lowers the MMD between
// source and target features (and well below training without it), and snapshots make fine-tuning repeatable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { referencePair } from "../../src/data/generators/reference.js";
import { NumpyRandomState } from "../../src/data/numpy-rng.js";
import { MmdTransferNetwork, mmdTransfer } from "../../src/adapt/deep/mmd-transfer.js";
import { Tensor, mmd2 } from "../../src/engine/index.js";
import { withoutLabels } from "../../src/core/domain.js";
import { SVC } from "../../src/estimators/svc.js";

/** Biased MMD² with k(a,b) = exp(−γ‖a−b‖²), straight from the definition, in float64. */
function mmd2Reference(A: Matrix, B: Matrix, gamma = 1): number {
  const k = (X: Matrix, i: number, Y: Matrix, j: number) => {
    let d = 0;
    for (let c = 0; c < X.cols; c++) d += (X.get(i, c) - Y.get(j, c)) ** 2;
    return Math.exp(-gamma * d);
  };
  const mean = (X: Matrix, Y: Matrix) => {
    let s = 0;
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < Y.rows; j++) s += k(X, i, Y, j);
    return s / (X.rows * Y.rows);
  };
  return mean(A, A) + mean(B, B) - 2 * mean(A, B);
}

test("the MMD term on the tutorial's raw seed-42 inputs equals seed_fingerprint.py's value", () => {
  const pair = referencePair(new NumpyRandomState(42), { targetUnlabelledN: 0 });
  const v = mmd2(Tensor.fromMatrix(pair.source.X), Tensor.fromMatrix(pair.targetTest.X), { gamma: 1, estimator: "biased" }).item();
  assert.ok(Math.abs(v - 0.4113752710329324) < 2e-6, `${v}`); // torch float64: 0.4113752710329324
  const v32 = mmd2(Tensor.fromMatrix(pair.source.X.sliceRows(0, 32)), Tensor.fromMatrix(pair.targetTest.X), { gamma: 1 }).item();
  assert.ok(Math.abs(v32 - 0.7040413997111516) < 2e-6, `${v32}`);
});

test("MMD training lowers the feature MMD between source and target, and far below λ = 0", () => {
  const pair = referencePair(new Rng(7));
  const tgt = pair.targetUnlabelled!.X;
  const withMmd = new MmdTransferNetwork(2, 2, { epochs: 6, lambda: 0.5 }, new Rng(1));
  const without = new MmdTransferNetwork(2, 2, { epochs: 6, lambda: 0 }, new Rng(1));
  const before = withMmd.featureMmd2(pair.source.X, tgt);
  // The network's MMD is the definition's (independent float64 computation on its features).
  const ref = mmd2Reference(withMmd.featuresOf(pair.source.X.sliceRows(480, 560)), withMmd.featuresOf(tgt));
  assert.ok(Math.abs(withMmd.featureMmd2(pair.source.X.sliceRows(480, 560), tgt) - ref) < 1e-4 * Math.max(1, ref));
  const losses = withMmd.pretrain(pair.source, tgt);
  without.pretrain(pair.source, tgt);
  const after = withMmd.featureMmd2(pair.source.X, tgt);
  const afterPlain = without.featureMmd2(pair.source.X, tgt);
  assert.ok(after < 0.5 * before, `MMD² ${before} → ${after}`);
  assert.ok(after < 0.5 * afterPlain, `with λ 0.5: ${after}; with λ 0: ${afterPlain}`);
  assert.ok(losses[losses.length - 1]! < losses[0]!, `epoch losses ${losses}`);
});

test("fine-tuning from a restored snapshot is repeatable; the adapter beats the source SVM under a 90° shift", async () => {
  const pair = referencePair(new Rng(3), { rotationDeg: 90 });
  const net = new MmdTransferNetwork(2, 2, { epochs: 4 }, new Rng(5));
  net.pretrain(pair.source, pair.targetUnlabelled!.X);
  const snap = net.snapshot();
  net.fineTune(pair.targetLabelled.X, pair.targetLabelled.y);
  const p1 = net.predictProba(pair.targetTest.X);
  net.fineTune(pair.targetLabelled.X, pair.targetLabelled.y, 7); // move away
  net.restore(snap);
  net.fineTune(pair.targetLabelled.X, pair.targetLabelled.y);
  assert.deepEqual(net.predictProba(pair.targetTest.X).data, p1.data);

  const fitted = await mmdTransfer.fit(
    { source: pair.source, target: withoutLabels(pair.targetUnlabelled!), targetLabelled: pair.targetLabelled },
    { rng: new Rng(5), estimator: () => new SVC() },
    { epochs: 10 },
  );
  const acc = (p: Int32Array) => p.filter((v, i) => v === pair.targetTest.y[i]).length / p.length;
  const svm = new SVC({ gamma: "auto" });
  await svm.fit(pair.source.X, pair.source.y);
  // A 90° rotation swaps the classes' sides: the source SVM is near or below chance, fine-tuned transfer is not.
  assert.ok(acc(fitted.predict(pair.targetTest.X)) > 0.9, `mmd ${acc(fitted.predict(pair.targetTest.X))}`);
  assert.ok(acc(svm.predict(pair.targetTest.X)) < 0.8, `direct ${acc(svm.predict(pair.targetTest.X))}`);
  assert.throws(() => mmdTransfer.parseParams({ lambda: -1 }), /parameter 'lambda'/);
});
