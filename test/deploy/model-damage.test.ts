// A model file is user input: the CLI fuzz suite (test/cli/fuzz-commands.test.ts) found damaged files read as
// different models or crashing inside. Each case it found is pinned here: the parts of a model file are checked
// against each other and every estimator's saved state is checked whole, so a damaged file is one typed
// DATA_FORMAT error naming the file and the field — never a model that predicts what the file does not say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Rng, TransferLabError } from "../../src/core/index.js";
import type { LabelledDomain } from "../../src/core/index.js";
import { fitModel, TransferModel } from "../../src/experiment/model.js";

function domain(n: number, shift: number, seed: number): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    X.data[i * 2] = rng.normal() + 3 * y[i]! + shift;
    X.data[i * 2 + 1] = rng.normal() - y[i]! + shift;
  }
  return { name: "d", X, y, featureNames: ["x1", "x2"], classNames: ["a", "b"] };
}
const source = domain(40, 0, 1), target = domain(30, 0.5, 2);
const data = { source, target: { name: "t", X: target.X, featureNames: ["x1", "x2"] } };

/** The model's JSON, changed by `edit`, read back: the typed error's code and message, or "read". */
async function damaged(estimator: "knn" | "logreg" | "svc" | "mlp" | undefined, edit: (m: any) => void, method = "source-only", params?: Record<string, unknown>): Promise<string> {
  const doc = structuredClone((await fitModel(data, { method, ...(estimator ? { estimator } : {}), scale: "standard", ...(params ? { params } : {}) })).toJSON()) as any;
  edit(doc);
  try {
    TransferModel.parse(JSON.stringify(doc), "m.tlm").predict(target);
  } catch (e) {
    assert.ok(e instanceof TransferLabError, `an untyped ${String(e)}`);
    return `${e.code}: ${e.message}`;
  }
  return "read";
}

test("a damaged estimator state is refused naming the file and the field (fuzz: knn state {} was read and predicted class 0 for every row)", async () => {
  assert.match(await damaged("knn", (m) => (m.fitted.estimator.state = {})), /^DATA_FORMAT: m\.tlm: the knn snapshot is damaged: state\.rows: /);
  assert.match(await damaged("knn", (m) => m.fitted.estimator.state.y.push(0)), /^DATA_FORMAT: m\.tlm: the knn snapshot is damaged: state: y and w need one entry per row/);
  assert.match(await damaged("knn", (m) => (m.fitted.estimator.state.y[3] = 7)), /every label must be below classes/);
  assert.match(await damaged("knn", (m) => (m.fitted.estimator.state.X[0] = 1e39)), /state\.X\.0: /, "beyond float32: it would read as Infinity");
  assert.match(await damaged("knn", (m) => (m.fitted.estimator.state.w[0] = 0)), /state\.w\.0: /);
  assert.match(await damaged("logreg", (m) => m.fitted.estimator.state.coef.pop()), /^DATA_FORMAT: m\.tlm: the logreg snapshot is damaged: state: coef must hold/);
  assert.match(await damaged("svc", (m) => m.fitted.estimator.state.nSV.push(3)), /^DATA_FORMAT: m\.tlm: the svc snapshot is damaged: state: /);
  assert.match(await damaged("svc", (m) => (m.fitted.estimator.state.libsvmLabels = [0, 0])), /libsvmLabels must be distinct/);
  assert.match(await damaged("mlp", (m) => (m.fitted.estimator.state.d = 0)), /^DATA_FORMAT: m\.tlm: the mlp snapshot is damaged: state\.d: /);
  // Undamaged, each still reads and predicts.
  for (const e of ["knn", "logreg", "svc", "mlp"] as const) assert.equal(await damaged(e, () => {}), "read", e);
});

test("a damaged fitted state or inconsistent parts are refused (fuzz: notes: 0 crashed with 's.notes is not iterable')", async () => {
  assert.match(await damaged("knn", (m) => (m.fitted.notes = 0)), /^DATA_FORMAT: m\.tlm: the saved model is damaged: fitted\.notes: /);
  assert.match(await damaged("knn", (m) => (m.fitted.map = [])), /fitted\.map: /);
  assert.match(await damaged("knn", (m) => (m.fitted.map.W = { rows: 2, cols: 2, data: [1, 0, 0] }), "subspace-alignment"), /fitted\.map\.W: data must hold rows × cols values/);
  // classes and the fitted model's class count must agree (a third name would never be predicted; one name fewer
  // would print "undefined").
  assert.match(await damaged("knn", (m) => m.classes.push("c")), /^DATA_FORMAT: m\.tlm: the model file is damaged: fitted\.numClasses: 2 classes, but the file names 3/);
  assert.match(await damaged("knn", (m) => (m.classes = ["a", "a"])), /classes: class names must be distinct/);
  assert.match(await damaged("knn", (m) => (m.scale.std[1] = 0)), /scale\.std\.1: /);
  assert.match(await damaged("knn", (m) => m.scale.mean.pop()), /a standard scale needs 2 means and 2 standard deviations/);
});

test("extreme coefficients or inputs are a typed NON_FINITE error, not NaN probabilities and an arbitrary class", async () => {
  assert.match(await damaged("logreg", (m) => (m.fitted.estimator.state.coef = m.fitted.estimator.state.coef.map(() => 1e308))), /^NON_FINITE: row 1: logistic regression: the decision value/);
  assert.match(await damaged("knn", (m) => (m.scale.std = [1e-300, 1e-300])), /^NON_FINITE: row 1, column "x1": not a finite number after the model's standard scaling/);
});

test("a deep model whose stored weights hold a NaN is a typed NON_FINITE error naming the tensor, not NaN predictions", async () => {
  const nanLast = (m: any) => {
    const raw = Uint8Array.from(atob(m.fitted.state.weights), (ch) => ch.charCodeAt(0));
    new DataView(raw.buffer).setFloat32(raw.length - 4, NaN, true); // the last value of the last tensor
    let text = "";
    for (const b of raw) text += String.fromCharCode(b);
    m.fitted.state.weights = btoa(text);
  };
  const params = { iterations: 20 };
  assert.match(await damaged(undefined, nanLast, "source-only-net", params), /^NON_FINITE: m\.tlm: .*weights: '[^']+' holds NaN at index \d+/);
  assert.equal(await damaged(undefined, () => {}, "source-only-net", params), "read");
});

test("a model file of another version says how to write a current one (the hint named a command that does not exist)", () => {
  assert.throws(() => TransferModel.parse(JSON.stringify({ schema: "transferlab/model", version: 2 }), "m.tlm"), (e: TransferLabError) => e.code === "UNSUPPORTED" && /transferlab fit --out/.test(e.message) && !/transferlab model/.test(e.message));
});
