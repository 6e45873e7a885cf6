// t-SNE and trustworthiness against scikit-learn (values made by test/fixtures/report/make_tsne.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { TransferLabError } from "../../src/core/errors.js";
import { tsne, trustworthiness } from "../../src/metrics/tsne.js";
import { nearestNeighbours } from "../../src/metrics/embedding/knn.js";
import { conditionalP, symmetrise } from "../../src/metrics/embedding/affinities.js";

interface Fixture {
  trustworthiness: { X: number[][]; cases: { name: string; Y: number[][]; k: number; value: number }[] };
  affinities: { X: number[][]; perplexity: number; rows: number[]; P: number[][]; nnz: number };
  tsne: { name: string; X: number[][]; labels: number[]; sklearn_trust5: number; sklearn_trust10: number; sklearn_kl: number }[];
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/report/tsne.json", import.meta.url), "utf8")) as Fixture;

test("trustworthiness equals sklearn.manifold.trustworthiness", () => {
  const X = Matrix.from(fx.trustworthiness.X);
  for (const c of fx.trustworthiness.cases) {
    const got = trustworthiness(X, Matrix.from(c.Y), c.k);
    assert.ok(Math.abs(got - c.value) < 1e-9, `${c.name} k=${c.k}: ${got} vs sklearn ${c.value}`);
  }
  // sanity on the spread of the reference values: the test would catch a constant answer
  const vals = fx.trustworthiness.cases.map((c) => c.value);
  assert.ok(Math.max(...vals) - Math.min(...vals) > 0.2);
});

test("trustworthiness rejects k ≥ n/2 and mismatched rows", () => {
  const X = Matrix.from([[0], [1], [2], [3]]);
  assert.throws(() => trustworthiness(X, X, 2), (e: unknown) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER");
  assert.throws(() => trustworthiness(X, X.sliceRows(0, 3), 1), (e: unknown) => e instanceof TransferLabError && e.code === "SHAPE_MISMATCH");
});

test("perplexity-calibrated symmetric P equals sklearn's _joint_probabilities_nn", () => {
  const { X, perplexity, rows, P, nnz } = fx.affinities;
  const Xm = Matrix.from(X);
  const nb = nearestNeighbours(Xm, Math.floor(3 * perplexity + 1));
  const sp = symmetrise(nb, conditionalP(nb, perplexity));
  assert.equal(sp.vals.length, nnz);
  let total = 0;
  for (const v of sp.vals) total += v;
  assert.ok(Math.abs(total - 1) < 1e-12);
  rows.forEach((r, idx) => {
    const dense = new Float64Array(Xm.rows);
    for (let e = sp.rowPtr[r]!; e < sp.rowPtr[r + 1]!; e++) dense[sp.cols[e]!] = sp.vals[e]!;
    const ref = P[idx]!;
    const scale = Math.max(...ref);
    for (let j = 0; j < Xm.rows; j++) {
      assert.ok(Math.abs(dense[j]! - ref[j]!) <= 1e-4 * scale, `row ${r}, col ${j}: ${dense[j]} vs sklearn ${ref[j]}`);
    }
  });
});

for (const c of fx.tsne) {
  test(`t-SNE on ${c.name} clusters is as trustworthy as sklearn's TSNE (${c.sklearn_trust5.toFixed(3)}) and reaches its KL`, () => {
    const X = Matrix.from(c.X);
    const res = tsne(X, { seed: 0 });
    assert.equal(res.Y.rows, X.rows);
    assert.equal(res.Y.cols, 2);
    for (const v of res.Y.data) assert.ok(Number.isFinite(v));
    const t5 = trustworthiness(X, res.Y, 5);
    const t10 = trustworthiness(X, res.Y, 10);
    assert.ok(t5 >= c.sklearn_trust5 - 0.01, `trustworthiness@5 ${t5} vs sklearn ${c.sklearn_trust5}`);
    assert.ok(t10 >= c.sklearn_trust10 - 0.01, `trustworthiness@10 ${t10} vs sklearn ${c.sklearn_trust10}`);
    if (c.name === "separated") assert.ok(t5 >= 0.95, `well-separated clusters need trustworthiness ≥ 0.95, got ${t5}`);
    assert.ok(res.kl <= c.sklearn_kl * 1.05, `KL ${res.kl} vs sklearn ${c.sklearn_kl}`);

    // KL decreases once exaggeration is over (small slack: Z comes from the Barnes–Hut approximation).
    const after = res.klHistory.filter((h) => h.iter >= 300);
    for (let i = 1; i < after.length; i++) assert.ok(after[i]!.kl <= after[i - 1]!.kl + 2e-3, `KL rose at ${after[i]!.iter}: ${after[i - 1]!.kl} → ${after[i]!.kl}`);
    assert.ok(after[after.length - 1]!.kl < after[0]!.kl);

    // Classes stay together: every point's nearest embedded neighbour mostly shares its label.
    let same = 0;
    for (let i = 0; i < X.rows; i++) {
      let best = -1, bd = Infinity;
      for (let j = 0; j < X.rows; j++) {
        if (j === i) continue;
        const d = (res.Y.data[2 * i]! - res.Y.data[2 * j]!) ** 2 + (res.Y.data[2 * i + 1]! - res.Y.data[2 * j + 1]!) ** 2;
        if (d < bd) { bd = d; best = j; }
      }
      if (c.labels[best] === c.labels[i]) same++;
    }
    if (c.name === "separated") assert.equal(same, X.rows);
  });
}

test("t-SNE is deterministic by seed and the seed matters for random init", () => {
  const X = Matrix.from(fx.affinities.X);
  const a = tsne(X, { perplexity: 10, maxIter: 300, init: "random", seed: 7 });
  const b = tsne(X, { perplexity: 10, maxIter: 300, init: "random", seed: 7 });
  const c = tsne(X, { perplexity: 10, maxIter: 300, init: "random", seed: 8 });
  assert.deepEqual(a.Y.data, b.Y.data);
  assert.notDeepEqual(a.Y.data, c.Y.data);
  const p1 = tsne(X, { perplexity: 10, maxIter: 300 });
  const p2 = tsne(X, { perplexity: 10, maxIter: 300 });
  assert.deepEqual(p1.Y.data, p2.Y.data);
});

test("t-SNE rejects bad input with typed errors", () => {
  const X = Matrix.from(fx.affinities.X);
  const bad = X.clone();
  bad.data[5] = NaN;
  assert.throws(() => tsne(bad), (e: unknown) => e instanceof TransferLabError && e.code === "NON_FINITE");
  assert.throws(() => tsne(X, { perplexity: 500 }), (e: unknown) => e instanceof TransferLabError && e.where.param === "perplexity");
  const ac = new AbortController();
  ac.abort();
  assert.throws(() => tsne(X, { signal: ac.signal }), (e: unknown) => e instanceof TransferLabError && e.code === "ABORTED");
});

test("t-SNE survives duplicate rows and identical inputs (no NaN, duplicates land together)", () => {
  const base = fx.affinities.X.slice(0, 40);
  const X = Matrix.from([...base, ...base.slice(0, 10)]); // rows 40..49 duplicate rows 0..9
  const res = tsne(X, { perplexity: 5, maxIter: 300 });
  for (const v of res.Y.data) assert.ok(Number.isFinite(v));
  for (let i = 0; i < 10; i++) {
    const d = Math.hypot(res.Y.data[2 * i]! - res.Y.data[2 * (40 + i)]!, res.Y.data[2 * i + 1]! - res.Y.data[2 * (40 + i) + 1]!);
    assert.ok(d < 1, `duplicate of row ${i} landed ${d} away`);
  }
  const same = tsne(Matrix.from(Array.from({ length: 12 }, () => [1, 2, 3])), { perplexity: 3, maxIter: 100 });
  for (const v of same.Y.data) assert.ok(Number.isFinite(v));
  assert.ok(Number.isFinite(same.kl));
});
