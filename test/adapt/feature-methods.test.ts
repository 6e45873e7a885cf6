// Feature-method cores against numpy/scipy/scikit-learn (fixtures from test/fixtures/adapt/feature/make_feature.py)
// and against closed-form invariants.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { relErr, flat } from "./reference.js";
import { Rng } from "../../src/core/rng.js";
import { coralMap } from "../../src/adapt/feature/coral.js";
import { subspaceAlignment } from "../../src/adapt/feature/subspace-alignment.js";
import { tcaFit } from "../../src/adapt/feature/tca.js";
import { jdaFit } from "../../src/adapt/feature/jda.js";
import { augmentFeatures } from "../../src/adapt/feature/augment.js";
import { covariance, generalizedSymEig, invSqrtmSym, matmul, sqrtmSym, toMat64 } from "../../src/core/linalg.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/adapt/feature/feature_reference.json", import.meta.url), "utf8"));
const Xs = Matrix.from(ref.Xs), Xt = Matrix.from(ref.Xt), Xnew = Matrix.from(ref.Xnew);


test("CORAL map equals the paper's numpy/scipy computation (both lambdas, plain and centred)", () => {
  for (const r of ref.coral) {
    const plain = coralMap(Xs, Xt, { lambda: r.lambda, center: false });
    assert.ok(relErr(plain.A.data, flat(r.A)) < 1e-6, `A (lambda ${r.lambda}): ${relErr(plain.A.data, flat(r.A))}`);
    assert.ok(relErr(plain.apply(Xs).data, flat(r.mapped_plain)) < 1e-5);
    const centred = coralMap(Xs, Xt, { lambda: r.lambda, center: true });
    assert.ok(relErr(centred.apply(Xs).data, flat(r.mapped_centered)) < 1e-5);
  }
});

test("CORAL with tiny lambda makes the mapped source covariance equal the target's", () => {
  const m = coralMap(Xs, Xt, { lambda: 1e-9, center: true });
  const Cm = covariance(toMat64(m.apply(Xs)));
  const Ct = covariance(toMat64(Xt));
  assert.ok(relErr(Cm.data, Ct.data) < 1e-4, `${relErr(Cm.data, Ct.data)}`);
});

test("CORAL's mean-variance ridge is lambda × the mean feature variance, and makes the map unit-free", () => {
  // v̄ from first principles: per-feature variance (ddof 1) averaged over the features of both domains.
  const variance = (X: Matrix, j: number) => {
    let m = 0;
    for (let i = 0; i < X.rows; i++) m += X.get(i, j);
    m /= X.rows;
    let v = 0;
    for (let i = 0; i < X.rows; i++) v += (X.get(i, j) - m) ** 2;
    return v / (X.rows - 1);
  };
  let total = 0;
  for (let j = 0; j < Xs.cols; j++) total += variance(Xs, j) + variance(Xt, j);
  const vbar = total / (2 * Xs.cols);
  const rel = coralMap(Xs, Xt, { lambda: 0.5, lambdaScale: "mean-variance", center: true });
  const abs = coralMap(Xs, Xt, { lambda: 0.5 * vbar, lambdaScale: "absolute", center: true });
  assert.ok(Math.abs(rel.ridge - 0.5 * vbar) < 1e-9 * vbar);
  assert.ok(relErr(rel.A.data, abs.A.data) < 1e-9);
  // Changing the unit of every feature (×1000) scales the mapped source by the same factor…
  const c = 1000;
  const scaled = (X: Matrix) => Matrix.from(Array.from({ length: X.rows }, (_, i) => Array.from(X.row(i), (v) => v * c)));
  const times = (m: Matrix) => Array.from(m.data, (v) => v * c);
  for (const center of [true, false]) {
    const unitFree = coralMap(scaled(Xs), scaled(Xt), { lambda: 1, lambdaScale: "mean-variance", center }).apply(scaled(Xs));
    const base = coralMap(Xs, Xt, { lambda: 1, lambdaScale: "mean-variance", center }).apply(Xs);
    assert.ok(relErr(unitFree.data, times(base)) < 1e-5, `center ${center}: ${relErr(unitFree.data, times(base))}`);
  }
  // …which the absolute ridge (the paper's code) does not do: the same λ = 1 is weak after ×1000.
  const absScaled = coralMap(scaled(Xs), scaled(Xt), { lambda: 1, lambdaScale: "absolute", center: true }).apply(scaled(Xs));
  const absBase = coralMap(Xs, Xt, { lambda: 1, lambdaScale: "absolute", center: true }).apply(Xs);
  assert.ok(relErr(absScaled.data, times(absBase)) > 1e-2);
});

test("Subspace Alignment equals scikit-learn PCA bases with M = Psᵀ·Pt", () => {
  for (const r of ref.sa) {
    const sa = subspaceAlignment(Xs, Xt, r.dim);
    assert.ok(relErr(sa.Pt.data, flat(r.Pt)) < 1e-6);
    assert.ok(relErr(sa.mapSource(Xs).data, flat(r.source)) < 1e-5, `source dim ${r.dim}`);
    assert.ok(relErr(sa.mapTarget(Xt).data, flat(r.target)) < 1e-5, `target dim ${r.dim}`);
    assert.ok(relErr(sa.mapSource(Xnew).data, flat(r.new_source)) < 1e-5);
  }
});

test("TCA components and embeddings equal scipy.linalg.eigh on the paper's eq. 8 (linear and RBF kernels)", () => {
  const s = Xs.sliceRows(0, ref.tca.ns), t = Xt.sliceRows(0, ref.tca.nt);
  for (const r of ref.tca.runs) {
    const kernel = r.kernel === "linear" ? { type: "linear" as const } : { type: "rbf" as const, gamma: r.gamma };
    const m = tcaFit(s, t, { dim: r.dim, mu: r.mu, kernel });
    const tag = `${r.kernel} mu=${r.mu} dim=${r.dim}`;
    assert.ok(relErr(m.eigenvalues, r.eigenvalues) < 1e-6, `${tag}: eigenvalues`);
    assert.ok(relErr(m.W.data, flat(r.W)) < 1e-4, `${tag}: W ${relErr(m.W.data, flat(r.W))}`);
    assert.ok(relErr(m.embed(Matrix.vstack([s, t])).data, flat(r.embedding)) < 1e-4, `${tag}: embedding`);
    assert.ok(relErr(m.embed(Xnew).data, flat(r.new_embedding)) < 1e-4, `${tag}: out-of-sample`);
  }
});

test("linear algebra: sqrtm·sqrtm = A, invSqrtm·A·invSqrtm = I, generalized eigenpairs satisfy A w = λ B w", () => {
  const C = covariance(toMat64(Xs));
  const S = sqrtmSym(C);
  assert.ok(relErr(matmul(S, S).data, C.data) < 1e-10);
  const Ri = invSqrtmSym(C);
  const I = matmul(matmul(Ri, C), Ri);
  for (let i = 0; i < C.rows; i++) for (let j = 0; j < C.cols; j++) assert.ok(Math.abs(I.data[i * C.cols + j]! - (i === j ? 1 : 0)) < 1e-9);
  const B = covariance(toMat64(Xt));
  const { values, vectors } = generalizedSymEig(C, B);
  const AW = matmul(C, vectors), BW = matmul(B, vectors);
  for (let c = 0; c < values.length; c++) for (let r = 0; r < C.rows; r++) {
    assert.ok(Math.abs(AW.data[r * C.cols + c]! - values[c]! * BW.data[r * C.cols + c]!) < 1e-8 * (1 + Math.abs(values[c]!)));
  }
});

test("JDA recovers the classes of a shifted and scaled target better than no adaptation, pseudo-labels settle", () => {
  // Two 2-D classes separated along x; the target is shifted along y and scaled: 1-NN on raw inputs mislabels.
  const rng = new Rng(7);
  const gen = (n: number, shift: number, scale: number): { X: Matrix; y: Int32Array } => {
    const X = new Matrix(n, 3), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      y[i] = c;
      X.data[i * 3] = (c === 0 ? -2 : 2) * scale + 0.5 * rng.normal();
      X.data[i * 3 + 1] = shift + 0.5 * rng.normal();
      X.data[i * 3 + 2] = rng.normal();
    }
    return { X, y };
  };
  const s = gen(100, 0, 1), t = gen(80, 6, 0.6);
  // No adaptation: 1-NN on raw inputs (the noise dimension and the shift confuse it).
  let raw = 0;
  for (let i = 0; i < t.y.length; i++) {
    let best = Infinity, lab = -1;
    for (let j = 0; j < s.y.length; j++) {
      let d2 = 0;
      for (let p = 0; p < 3; p++) d2 += (t.X.data[i * 3 + p]! - s.X.data[j * 3 + p]!) ** 2;
      if (d2 < best) { best = d2; lab = s.y[j]!; }
    }
    if (lab === t.y[i]) raw++;
  }
  const m = jdaFit(s.X, s.y, t.X, { dim: 2, lambda: 1, iterations: 10, numClasses: 2 });
  let ok = 0;
  for (let i = 0; i < t.y.length; i++) if (m.pseudoLabels[i] === t.y[i]) ok++;
  assert.ok(ok / t.y.length > 0.95, `JDA pseudo-label accuracy ${ok / t.y.length}`);
  assert.ok(ok > raw, `JDA ${ok} correct vs raw 1-NN ${raw}`);
  assert.equal(m.changes.at(-1), 0);
  assert.equal(m.A.rows, 3);
  assert.equal(m.A.cols, 2);
});

test("feature augmentation puts shared, source-only and target-only copies in the right blocks", () => {
  const X = Matrix.from([[1, 2], [3, 4]]);
  assert.deepEqual(augmentFeatures(X, "source").toArrays(), [[1, 2, 1, 2, 0, 0], [3, 4, 3, 4, 0, 0]]);
  assert.deepEqual(augmentFeatures(X, "target").toArrays(), [[1, 2, 0, 0, 1, 2], [3, 4, 0, 0, 3, 4]]);
});
