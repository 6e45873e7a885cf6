// One result-schema convention (src/experiment/schemas.ts): every document says `schema: "transferlab/<command>"`
// and an integer version; a document read back with an older identifier gets a typed error naming the current
// one, except a first-release model file (`format` instead of `schema`, same content), which still loads and
// predicts the same. One verdict vocabulary (src/experiment/verdict.ts): evaluate's schema accepts its words only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Rng, TransferLabError } from "../../src/core/index.js";
import type { LabelledDomain } from "../../src/core/index.js";
import {
  checkResultHeader, resultHeader, RESULT_VERSIONS, evaluate, evaluateResultsSchema, fitModel, TransferModel, TRANSFER_VERDICTS,
  comparisonVerdict, transferVerdict,
} from "../../src/experiment/index.js";

const code = (f: () => void) => { try { f(); } catch (e) { assert.ok(e instanceof TransferLabError); return `${e.code}: ${e.message}`; } return "none"; };

test("every command's header is transferlab/<command> + version; old identifiers are refused by name", () => {
  for (const c of Object.keys(RESULT_VERSIONS) as (keyof typeof RESULT_VERSIONS)[]) {
    const h = resultHeader(c);
    assert.equal(h.schema, `transferlab/${c}`);
    assert.ok(Number.isInteger(h.version) && h.version >= 1);
    assert.equal(code(() => checkResultHeader(h, c, "x.json")), "none");
  }
  assert.match(code(() => checkResultHeader({ schema: "transferlab.evaluate/2" }, "evaluate", "r.json")), /^UNSUPPORTED: r\.json: 'transferlab.evaluate\/2' is an older name of this document; this transferlab reads transferlab\/evaluate version 3/);
  assert.match(code(() => checkResultHeader({ schema: "transferlab/demo-results", version: 1 }, "demo", "r.json")), /^UNSUPPORTED: r\.json: .*transferlab\/demo version 2/);
  assert.match(code(() => checkResultHeader({ schema: "transferlab/evaluate", version: 2 }, "evaluate", "r.json")), /^UNSUPPORTED: r\.json: transferlab\/evaluate version 2; this transferlab reads version 3/);
  assert.match(code(() => checkResultHeader({ schema: "transferlab/curve", version: 1 }, "evaluate", "r.json")), /^DATA_FORMAT: r\.json: not a transferlab\/evaluate document/);
  assert.match(code(() => checkResultHeader([1, 2], "assess", "r.json")), /^DATA_FORMAT/);
});

test("a first-release model file (format, not schema) loads and predicts the same", async () => {
  const rng = new Rng(3);
  const mk = (name: string, n: number, shift: number): LabelledDomain => {
    const X = new Matrix(n, 2), y = new Int32Array(n);
    for (let i = 0; i < n; i++) { y[i] = i % 2; X.set(i, 0, rng.normal() + 3 * y[i]! + shift); X.set(i, 1, rng.normal() + shift); }
    return { name, X, y };
  };
  const s = mk("s", 40, 0), t = mk("t", 30, 1);
  const model = await fitModel({ source: s, target: { name: "t", X: t.X } }, { method: "coral", estimator: "knn" });
  const { schema, ...rest } = model.toJSON() as unknown as Record<string, unknown>;
  assert.equal(schema, "transferlab/model");
  const legacy = TransferModel.parse(JSON.stringify({ format: schema, ...rest }));
  assert.deepEqual(legacy.predict(t.X), model.predict(t.X));
});

test("verdict words: one rule with and without margin; evaluate's schema takes only these words", async () => {
  const V = TRANSFER_VERDICTS;
  assert.equal(comparisonVerdict({ meanDiff: 0.5, pValue: 0.001 }, { alpha: 0.05, margin: 1 }), V.withinMargin);
  assert.equal(comparisonVerdict({ meanDiff: 3, pValue: 0.001 }, { alpha: 0.05, margin: 1 }), V.positive);
  assert.equal(comparisonVerdict({ meanDiff: -3, pValue: 0.001 }, { alpha: 0.05, margin: 1 }), V.negative);
  assert.equal(comparisonVerdict({ meanDiff: -3, pValue: 0.2 }, { alpha: 0.05, margin: 1 }), V.insignificant);
  assert.equal(comparisonVerdict({ meanDiff: 3, pValue: null }, { alpha: 0.05, margin: 1 }), V.untested);
  // The demo's t-test words (paired t-test over seeds, no margin): a 0.1-point gain with p < α is positive transfer.
  const t = { meanDiff: 0.1, pValue: 0.01, sd: 0, n: 5, t: 9, df: 4, ci95: [0.05, 0.15] as [number, number] };
  assert.equal(transferVerdict(t as never), V.positive);
  assert.equal(transferVerdict({ ...t, pValue: 0.5 } as never), V.insignificant);

  const rng = new Rng(1);
  const mk = (n: number, shift: number) => {
    const X = new Matrix(n, 2), y = new Int32Array(n);
    for (let i = 0; i < n; i++) { y[i] = i % 2; X.set(i, 0, rng.normal() + 2 * y[i]! + shift); X.set(i, 1, rng.normal()); }
    return { X, y };
  };
  const r = await evaluate({ source: { name: "s", ...mk(60, 0) }, target: { name: "t", ...mk(60, 1) } }, { methods: ["coral"], estimator: "knn", seeds: 2, targetLabelsPerClass: 3 });
  assert.deepEqual([r.schema, r.version], ["transferlab/evaluate", 3]);
  assert.ok(evaluateResultsSchema.safeParse(r).success);
  const old = { ...r, methods: r.methods.map((m, i) => (i === 2 ? { ...m, verdict: "gain" } : m)) };
  assert.equal(evaluateResultsSchema.safeParse(old).success, false, "v2's 'gain' is not a verdict word any more");
});
