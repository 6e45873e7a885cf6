// The conformance suite: every method in the registry and every registered estimator, automatically.
// A method added to src/adapt/methods.ts is covered without touching this file.
//  - deterministic: same seed ⇒ bitwise identical predictions and probabilities;
//  - typed errors: NaN/Inf, mismatched feature counts, an empty target, too few labels, a labelled `target`;
//  - degenerate data: a constant feature, d = 1, duplicated points, magnitudes ~1e6, one class in the few
//    target labels — fit succeeds and predictions are valid classes with finite probabilities;
//  - no test-label leak: corrupting the labels of the test points cannot change any method's predictions.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Rng, TransferLabError } from "../../src/core/index.js";
import type { LabelledDomain } from "../../src/core/index.js";
import { listMethods } from "../../src/adapt/registry.js";
import { restoreFitted } from "../../src/adapt/restore.js";
import type { Adapter, FitData, FitContext } from "../../src/adapt/types.js";
import { ESTIMATORS } from "../../src/estimators/registry.js";
import type { EstimatorName } from "../../src/estimators/registry.js";
import { KnnClassifier } from "../../src/estimators/knn.js";
import { splitTargetForProtocol, splitFromLabelled } from "../../src/data/split.js";

const K = 3; // classes

/** Three Gaussian classes in d dims; the target is shifted and slightly rotated. */
function makeDomain(name: string, n: number, d: number, seed: number, shift: number, scale = 1): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % K;
    y[i] = c;
    for (let j = 0; j < d; j++) X.data[i * d + j] = scale * (rng.normal() * 0.6 + (j === c % d ? 2.5 : 0) + shift + (j === 0 ? 0.3 * c * shift : 0));
  }
  return { name, X, y };
}

function fitData(d = 3, scale = 1): FitData {
  const source = makeDomain("source", 36, d, 1, 0, scale);
  const target = makeDomain("target", 30, d, 2, 0.7, scale);
  const idx = Int32Array.from([0, 1, 2, 3, 4, 5]); // two labelled per class
  const lab = { name: "target-labelled", X: target.X.takeRows(idx), y: Int32Array.from(idx, (i) => target.y[i]!) };
  return { source, target: { name: "target", X: target.X }, targetLabelled: lab };
}

const ctx = (seed = 7): FitContext => ({ rng: new Rng(seed), estimator: () => new KnnClassifier({ k: 3 }) });

function bytes(a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

async function expectCode(p: () => Promise<unknown>, code: string, what: string): Promise<void> {
  try {
    await p();
  } catch (e) {
    assert.ok(e instanceof TransferLabError, `${what}: expected TransferLabError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `${what}: expected ${code}, got ${e.code}: ${e.message}`);
    return;
  }
  assert.fail(`${what}: expected a ${code} error, but fit succeeded`);
}

function withX(d: FitData, role: "source" | "target" | "targetLabelled", X: Matrix): FitData {
  return { ...d, [role]: { ...d[role]!, X } };
}

function poke(X: Matrix, i: number, j: number, v: number): Matrix {
  const c = X.clone();
  c.set(i, j, v);
  return c;
}

function checkPredictions(m: Adapter, fit: Awaited<ReturnType<Adapter["fit"]>>, X: Matrix, what: string): void {
  const pred = fit.predict(X);
  assert.equal(pred.length, X.rows, `${m.name} ${what}: prediction count`);
  for (const p of pred) assert.ok(Number.isInteger(p) && p >= 0 && p < K, `${m.name} ${what}: predicted class ${p}`);
  const P = fit.predictProba(X);
  assert.equal(P.rows, X.rows);
  for (let i = 0; i < P.rows; i++) {
    let s = 0;
    for (let c = 0; c < P.cols; c++) {
      const v = P.data[i * P.cols + c]!;
      assert.ok(Number.isFinite(v) && v >= -1e-6, `${m.name} ${what}: probability ${v}`);
      s += v;
    }
    assert.ok(Math.abs(s - 1) < 1e-4, `${m.name} ${what}: probabilities sum to ${s}`);
  }
}

const methods = listMethods();

/** Deep methods train (and parameter methods pretrain) for 1500 iterations by default; the suite checks behaviour, not accuracy, with 60. */
const quick = (m: Adapter): Record<string, unknown> => ({
  ...(m.paramDocs.some((p) => p.name === "iterations") ? { iterations: 60 } : {}),
  ...(m.paramDocs.some((p) => p.name === "pretrainIterations") ? { pretrainIterations: 60 } : {}),
});
const fitWith = (m: Adapter) => (d: FitData, c: FitContext, extra: Record<string, unknown> = {}) => m.fit(d, c, { ...quick(m), ...extra });

test("the registry holds the baselines and every family the issue asks for", () => {
  const names = methods.map((m) => m.name);
  for (const n of ["source-only", "target-only", "source-target", "oracle", "kmm", "kliep", "domain-classifier", "nn-weighting", "self-training"]) {
    assert.ok(names.includes(n), `${n} registered`);
  }
  for (const m of methods) {
    assert.ok(m.reference.length > 0 && m.description.length > 0, `${m.name} documents its paper and purpose`);
    for (const p of m.paramDocs) assert.ok(p.doc.length > 0, `${m.name}.${p.name} has a one-line doc`);
  }
});

for (const m of methods) {
  describe(`method ${m.name} (${m.family})`, () => {
    const base = fitData();
    const fit = fitWith(m);

    test("same seed ⇒ bitwise identical predictions and probabilities", async () => {
      const a = await fit(base, ctx(11));
      const b = await fit(base, ctx(11));
      const X = base.target.X;
      assert.ok(bytes(a.predict(X)).equals(bytes(b.predict(X))), "predictions differ");
      assert.ok(bytes(a.predictProba(X).data).equals(bytes(b.predictProba(X).data)), "probabilities differ");
      checkPredictions(m, a, X, "normal data");
      if (m.seesTargetLabels === false) {
        // Declared blind to target labels: the base must withhold them, so removing them changes nothing.
        const { targetLabelled: _t, ...blind } = base;
        const c = await fit(blind, ctx(11));
        assert.ok(bytes(a.predict(X)).equals(bytes(c.predict(X))), "predictions depend on target labels the method declared it does not see");
      }
    });

    test("typed errors: NaN/Inf, feature mismatch, empty target, too few labels, labelled target", async () => {
      await expectCode(() => fit(withX(base, "source", poke(base.source.X, 3, 1, NaN)), ctx()), "NON_FINITE", "NaN in source");
      await expectCode(() => fit(withX(base, "target", poke(base.target.X, 5, 0, Infinity)), ctx()), "NON_FINITE", "Inf in target");
      await expectCode(() => fit(withX(base, "targetLabelled", poke(base.targetLabelled!.X, 0, 2, -Infinity)), ctx()), "NON_FINITE", "−Inf in labelled target");
      await expectCode(() => fit(withX(base, "target", new Matrix(base.target.X.rows, 4)), ctx()), "FEATURE_MISMATCH", "target with 4 features");
      await expectCode(() => fit(withX(base, "target", new Matrix(0, 3)), ctx()), "EMPTY_DOMAIN", "empty target");
      await expectCode(() => fit({ ...base, source: { ...base.source, y: base.source.y.subarray(0, 10) } }, ctx()), "SHAPE_MISMATCH", "source with fewer labels than rows");
      const leak = { ...base, target: makeDomain("target", 30, 3, 2, 0.7) } as unknown as FitData;
      await expectCode(() => fit(leak, ctx()), "TEST_LABEL_LEAK", "labelled target");
      if (m.needs === "labelled" || m.needs === "oracle") {
        const { targetLabelled: _t, ...noLabels } = base;
        await expectCode(() => fit(noLabels, ctx()), "TOO_FEW_LABELS", "no target labels");
      }
      await expectCode(() => fit(base, ctx(), { notAParameter: 1 }), "INVALID_PARAMETER", "unknown parameter");
    });

    test("degenerate data: constant feature, d = 1, duplicates, magnitudes ~1e6, one class labelled", async () => {
      // A constant feature (column 2 set to 5 everywhere, in both domains).
      const cst = (X: Matrix) => { const c = X.clone(); for (let i = 0; i < c.rows; i++) c.set(i, 2, 5); return c; };
      const dc: FitData = { source: { ...base.source, X: cst(base.source.X) }, target: { ...base.target, X: cst(base.target.X) }, targetLabelled: { ...base.targetLabelled!, X: cst(base.targetLabelled!.X) } };
      checkPredictions(m, await fit(dc, ctx()), dc.target.X, "constant feature");
      // d = 1.
      const d1 = fitData(1);
      checkPredictions(m, await fit(d1, ctx()), d1.target.X, "d = 1");
      // Every point duplicated.
      const dup = (X: Matrix) => Matrix.vstack([X, X]);
      const dd: FitData = {
        source: { ...base.source, X: dup(base.source.X), y: Int32Array.from([...base.source.y, ...base.source.y]) },
        target: { ...base.target, X: dup(base.target.X) },
        targetLabelled: base.targetLabelled,
      };
      checkPredictions(m, await fit(dd, ctx()), base.target.X, "duplicated points");
      // Magnitudes around 1e6.
      const big = fitData(3, 1e6);
      checkPredictions(m, await fit(big, ctx()), big.target.X, "magnitudes 1e6");
      // One class present in the few target labels.
      const one: FitData = { ...base, targetLabelled: { name: "tl", X: base.targetLabelled!.X.takeRows([0, 3]), y: Int32Array.from([0, 0]) } };
      const one1 = await fit(one, ctx());
      checkPredictions(m, one1, base.target.X, "one labelled class");
      if (m.name === "target-only") assert.ok(one1.predict(base.target.X).every((p) => p === 0), "target-only on one class predicts it");
    });

    test("save → JSON → restore ⇒ bit-identical predictions and probabilities, on new target rows too", async () => {
      const fresh = makeDomain("new", 21, 3, 99, 0.7).X; // rows the fit never saw: out-of-sample maps
      const one: FitData = { ...base, targetLabelled: { name: "tl", X: base.targetLabelled!.X.takeRows([0, 3]), y: Int32Array.from([0, 0]) } };
      for (const [what, data] of [["normal", base], ["one labelled class", one]] as const) {
        const fit = await fitWith(m)(data, ctx(5));
        assert.ok(fit.save, `${m.name} has save`);
        const back = restoreFitted(JSON.parse(JSON.stringify(fit.save!())));
        for (const X of [base.target.X, fresh]) {
          assert.ok(bytes(fit.predict(X)).equals(bytes(back.predict(X))), `${m.name} (${what}): predictions differ after save/load`);
          assert.ok(bytes(fit.predictProba(X).data).equals(bytes(back.predictProba(X).data)), `${m.name} (${what}): probabilities differ after save/load`);
        }
        await expectCode(async () => back.predict(new Matrix(2, 4)), "FEATURE_MISMATCH", `${m.name}: restored model given 4 features`);
      }
    });
  });
}

test("no test-label leak: corrupting the test labels changes no method's predictions", async () => {
  const source = makeDomain("source", 36, 3, 1, 0);
  const target = makeDomain("target", 30, 3, 2, 0.7);
  for (const protocol of ["transductive", "inductive"] as const) {
    const s1 = splitTargetForProtocol(target, 2, protocol, new Rng(5));
    // Same target inputs; every label outside the labelled draw replaced by a wrong class.
    const isLab = new Set(s1.indices.labelled);
    const corrupted: LabelledDomain = { ...target, y: target.y.map((c, i) => (isLab.has(i) ? c : (c + 1) % K)) };
    // The stratified draw reads labels to find K points per class; keep that draw, redo everything after it.
    const s2 = splitFromLabelled(corrupted, s1.indices.labelled, protocol, new Rng(5).fork("after-draw"));
    const s1b = splitFromLabelled(target, s1.indices.labelled, protocol, new Rng(5).fork("after-draw"));
    assert.deepEqual(s2.indices, s1b.indices, "the rest of the split does not depend on labels");
    assert.notDeepEqual(Array.from(s2.testLabels), Array.from(s1b.testLabels), "the test labels really differ");
    assert.equal((s1.unlabelled as { y?: unknown }).y, undefined, "the unlabelled target carries no labels at runtime");
    for (const i of s1.indices.test) assert.ok(!isLab.has(i), "test and labelled points are disjoint");
    for (const m of methods) {
      if (m.needs === "oracle") continue; // the oracle reads target labels by definition, and is labelled as such
      const fa = await fitWith(m)({ source, target: s1b.unlabelled, targetLabelled: s1b.labelled }, ctx(3));
      const fb = await fitWith(m)({ source, target: s2.unlabelled, targetLabelled: s2.labelled }, ctx(3));
      assert.ok(bytes(fa.predict(s1b.testX)).equals(bytes(fb.predict(s2.testX))), `${m.name} (${protocol}) saw the test labels`);
    }
  }
});

// ------------------------------------------------------------------------------------------------------------
// Estimators
// ------------------------------------------------------------------------------------------------------------
const fastParams: Record<EstimatorName, Record<string, unknown>> = { svc: {}, logreg: {}, knn: {}, mlp: { hidden: [16], lr: 0.01, maxEpochs: 100 } };

for (const [name, entry] of Object.entries(ESTIMATORS) as Array<[EstimatorName, (typeof ESTIMATORS)[EstimatorName]]>) {
  describe(`estimator ${name}`, () => {
    const d = makeDomain("train", 60, 3, 4, 0);
    const make = () => entry.create(fastParams[name]);

    test("same seed ⇒ bitwise identical predictions; save/load round-trips them", async () => {
      const a = make(), b = make();
      await a.fit(d.X, d.y, { rng: new Rng(1), numClasses: K });
      await b.fit(d.X, d.y, { rng: new Rng(1), numClasses: K });
      assert.ok(bytes(a.predict(d.X)).equals(bytes(b.predict(d.X))));
      const c = entry.load(JSON.parse(JSON.stringify(a.save())));
      assert.ok(bytes(a.predict(d.X)).equals(bytes(c.predict(d.X))), "save/load changed predictions");
      // Well-separated classes: the estimator must actually learn them.
      const acc = a.predict(d.X).filter((p, i) => p === d.y[i]).length / d.X.rows;
      assert.ok(acc > 0.8, `training accuracy ${acc}`);
    });

    test("typed errors: NaN input, feature mismatch at predict, label count mismatch", async () => {
      await expectCode(async () => make().fit(poke(d.X, 2, 2, NaN), d.y, { numClasses: K }), "NON_FINITE", "NaN");
      const e = make();
      await e.fit(d.X, d.y, { numClasses: K, rng: new Rng(0) });
      await expectCode(async () => e.predict(new Matrix(2, 4)), "FEATURE_MISMATCH", "4 features at predict");
      await expectCode(async () => make().fit(d.X, d.y.subarray(0, 5)), "SHAPE_MISMATCH", "5 labels for 60 rows");
    });

    test("sample weights are honoured, not ignored: zero weight on a class removes it", async () => {
      assert.ok(entry.create().supportsSampleWeight, "every registered estimator takes sample weights");
      const w = Float32Array.from(d.y, (c) => (c === 1 ? 0 : 1));
      const e = make();
      await e.fit(d.X, d.y, { sampleWeight: w, numClasses: K, rng: new Rng(0) });
      const pred = e.predict(d.X);
      const onesPredicted = pred.filter((p) => p === 1).length;
      assert.ok(onesPredicted <= 2, `${onesPredicted} rows still predicted as the zero-weight class`);
    });
  });
}
