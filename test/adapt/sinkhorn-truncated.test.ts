// Sinkhorn's truncated-kernel path (sinkhorn.ts, kernel: "truncated") against POT 0.8.2 (fixtures from
// test/fixtures/adapt/ot/make_sinkhorn_truncated.py and make_ot.py), against the dense float64 path on the same
// problems, and against its own dropped-mass bound.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { relErr, flat } from "./reference.js";
import { sqeuclideanCost } from "../../src/adapt/ot/cost.js";
import { sinkhornPlan, type SinkhornResult } from "../../src/adapt/ot/sinkhorn.js";
import { sinkhornLpl1Plan, type Lpl1Step } from "../../src/adapt/ot/lpl1.js";
import { barycentricMap } from "../../src/adapt/ot/mapping.js";
import { mat64, type Mat64 } from "../../src/core/linalg.js";
import { getMethod } from "../../src/adapt/registry.js";
import { KnnClassifier } from "../../src/estimators/knn.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/adapt/ot/${name}`, import.meta.url), "utf8"));
const small = fixture("sinkhorn_truncated.json");
const ref = fixture("ot_reference.json");
const f64 = (v: number[]): Float64Array => Float64Array.from(v);

/** Random clouds (d-dimensional, target shifted) with optionally non-uniform weights. */
function problem(seed: number, n: number, m: number, d: number, uniform: boolean): { a: Float64Array; b: Float64Array; M: Mat64 } {
  const rng = new Rng(seed);
  const X = Float64Array.from({ length: n * d }, () => rng.uniform()), Y = Float64Array.from({ length: m * d }, () => rng.uniform() * 1.3 + 0.2);
  const M = mat64(n, m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let t = 0;
    for (let k = 0; k < d; k++) t += (X[i * d + k]! - Y[j * d + k]!) ** 2;
    M.data[i * m + j] = t;
  }
  const w = (k: number): Float64Array => {
    const x = Float64Array.from({ length: k }, () => (uniform ? 1 : 0.2 + rng.uniform()));
    const s = x.reduce((p, q) => p + q, 0);
    return x.map((v) => v / s);
  };
  return { a: w(n), b: w(m), M };
}

function marginals(P: Mat64): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(P.rows), cols = new Float64Array(P.cols);
  for (let i = 0; i < P.rows; i++) for (let j = 0; j < P.cols; j++) { const p = P.data[i * P.cols + j]!; rows[i]! += p; cols[j]! += p; }
  return { rows, cols };
}

const maxAbsDiff = (x: Float64Array, y: Float64Array): number => x.reduce((s, v, i) => Math.max(s, Math.abs(v - y[i]!)), 0);

test("truncated Sinkhorn equals POT's sinkhorn_log at a small reg, converged and after a fixed budget, while dropping most entries", () => {
  const M = sqeuclideanCost(Matrix.from(small.Xs), Matrix.from(small.Xt));
  const a = f64(small.a), b = f64(small.b);
  const conv = sinkhornPlan(a, b, M, small.reg, { maxIter: 200000, tol: small.converged.tol, kernel: "truncated" });
  assert.equal(conv.kernel, "truncated");
  assert.ok(conv.converged);
  assert.ok(relErr(conv.plan.data, flat(small.converged.plan)) < 1e-6, `converged: ${relErr(conv.plan.data, flat(small.converged.plan))}`);
  // The test means something only if the kernel really was truncated.
  assert.ok(conv.truncation!.kept < 0.6 * M.rows * M.cols, `kept ${conv.truncation!.kept} of ${M.rows * M.cols}`);
  const bud = sinkhornPlan(a, b, M, small.reg, { maxIter: small.budget.max_iter, tol: 1e-14, kernel: "truncated" });
  assert.equal(bud.converged, false);
  assert.equal(bud.iterations, small.budget.max_iter);
  assert.ok(relErr(bud.plan.data, flat(small.budget.plan)) < 1e-9, `budget: ${relErr(bud.plan.data, flat(small.budget.plan))}`);
});

test("truncated Sinkhorn equals POT on the shared OT fixtures (reg 1, 0.1 and small; unequal sizes, non-uniform weights)", () => {
  for (const c of ref.cases) {
    const M = sqeuclideanCost(Matrix.from(c.Xs), Matrix.from(c.Xt));
    for (const s of c.sinkhorn) {
      const r = sinkhornPlan(f64(c.a), f64(c.b), M, s.reg, { maxIter: 200000, tol: 1e-13, kernel: "truncated" });
      assert.equal(r.kernel, "truncated");
      const e = relErr(r.plan.data, flat(s.plan));
      assert.ok(e < 1e-6, `${c.name} reg ${s.reg} (${s.method}): relative error ${e}`);
    }
  }
  const s = ref.sinkhorn_budget;
  const Xs = Matrix.from(s.Xs), Xt = Matrix.from(s.Xt);
  const r = sinkhornPlan(new Float64Array(Xs.rows).fill(1 / Xs.rows), new Float64Array(Xt.rows).fill(1 / Xt.rows), sqeuclideanCost(Xs, Xt), s.reg, { maxIter: s.max_iter, tol: 1e-9, kernel: "truncated" });
  assert.equal(r.converged, false);
  assert.ok(relErr(r.plan.data, flat(s.plan)) < 1e-9, `budget: ${relErr(r.plan.data, flat(s.plan))}`);
});

test("truncated and dense float64 Sinkhorn agree: plans, potentials, iterations and marginal error (many absorptions)", () => {
  const cases: [number, number, number, number, number, boolean][] = [
    // seed, n, m, d, reg, uniform weights
    [1, 400, 260, 6, 0.01, true], // more rows than columns, digits-like uniform weights
    [2, 180, 420, 3, 0.004, false], // more columns than rows, non-uniform weights
    [3, 300, 300, 2, 0.002, false],
  ];
  for (const [seed, n, m, d, reg, uniform] of cases) {
    const { a, b, M } = problem(seed, n, m, d, uniform);
    for (const maxIter of [37, 400]) {
      const D = sinkhornPlan(a, b, M, reg, { maxIter, tol: 1e-11 });
      const T = sinkhornPlan(a, b, M, reg, { maxIter, tol: 1e-11, kernel: "truncated" });
      const tag = `seed ${seed} ${n}×${m} reg ${reg} maxIter ${maxIter}`;
      assert.equal(T.kernel, "truncated", tag);
      const t = T.truncation!;
      assert.ok(t.kept < 0.5 * n * m, `${tag}: kept ${t.kept}`);
      assert.ok(t.columnAbsorptions > m && t.rowAbsorptions > 0, `${tag}: absorptions ${t.rowAbsorptions}/${t.columnAbsorptions}`);
      assert.equal(T.iterations, D.iterations, tag);
      assert.equal(T.converged, D.converged, tag);
      assert.ok(relErr(T.plan.data, D.plan.data) < 1e-10, `${tag}: plan ${relErr(T.plan.data, D.plan.data)}`);
      assert.ok(maxAbsDiff(T.f, D.f) < 1e-10 * reg && maxAbsDiff(T.g, D.g) < 1e-10 * reg, `${tag}: potentials ${maxAbsDiff(T.f, D.f)} ${maxAbsDiff(T.g, D.g)}`);
      assert.ok(Math.abs(T.error - D.error) <= 1e-9 * D.error + 1e-15, `${tag}: error ${T.error} vs ${D.error}`);
    }
  }
});

test("the returned plan's marginals match a, b to the reported error plus the dropped-mass bound; the bound holds at a coarse theta", () => {
  const { a, b, M } = problem(4, 250, 200, 3, false);
  const reg = 0.005;
  // Default theta: the bound is ≤ 1e-3·tol.
  const r = sinkhornPlan(a, b, M, reg, { maxIter: 5000, tol: 1e-9, kernel: "truncated" });
  const t = r.truncation!;
  assert.ok(r.converged);
  assert.ok(t.droppedMassBound <= 1e-3 * 1e-9, `bound ${t.droppedMassBound}`);
  assert.equal(t.droppedMassBound, (250 * 200 - t.kept) * t.theta * t.tau * t.tau);
  const { rows, cols } = marginals(r.plan);
  let colErr = 0;
  for (let j = 0; j < 200; j++) colErr += (cols[j]! - b[j]!) ** 2;
  assert.ok(Math.abs(Math.sqrt(colErr) - r.error) <= t.droppedMassBound + 1e-14, `‖Pᵀ1 − b‖ ${Math.sqrt(colErr)} vs reported ${r.error}`);
  assert.ok(maxAbsDiff(rows, a) <= t.droppedMassBound + 1e-15, `‖P1 − a‖∞ ${maxAbsDiff(rows, a)}`);
  // A coarse theta with a small tau drops measurable mass: the row step makes the kept part of row i sum to a_i,
  // so the full plan's row i exceeds a_i by exactly its dropped mass, which must be positive and within the bound.
  const c = sinkhornPlan(a, b, M, reg, { maxIter: 5000, tol: 1e-9, kernel: "truncated", theta: 1e-9, tau: 10 });
  const ct = c.truncation!;
  const cr = marginals(c.plan).rows;
  let dropped = 0;
  for (let i = 0; i < 250; i++) {
    const excess = cr[i]! - a[i]!;
    assert.ok(excess >= -1e-16, `row ${i}: ${excess}`);
    dropped += excess;
  }
  assert.ok(dropped > 1e-12, `dropped mass ${dropped} should be measurable at theta 1e-9`);
  assert.ok(dropped <= ct.droppedMassBound, `dropped mass ${dropped} > bound ${ct.droppedMassBound}`);
});

test("truncated Sinkhorn is deterministic (bitwise) and falls back to the dense path when the kernel is not sparse", () => {
  const { a, b, M } = problem(5, 500, 450, 4, false);
  const run = (): SinkhornResult => sinkhornPlan(a, b, M, 0.003, { maxIter: 100, tol: 1e-10, kernel: "truncated" });
  const x = run(), y = run();
  assert.deepEqual(Buffer.from(x.plan.data.buffer), Buffer.from(y.plan.data.buffer));
  assert.deepEqual(Buffer.from(x.f.buffer), Buffer.from(y.f.buffer));
  assert.deepEqual(Buffer.from(x.g.buffer), Buffer.from(y.g.buffer));
  assert.deepEqual(x.truncation, y.truncation);
  // At a large reg every entry is kept: the pool would outgrow a float32 kernel's memory, so the solve restarts
  // on the dense path and gives exactly its result.
  const dense = sinkhornPlan(a, b, M, 5, { maxIter: 100, tol: 1e-10 });
  const fb = sinkhornPlan(a, b, M, 5, { maxIter: 100, tol: 1e-10, kernel: "truncated" });
  assert.equal(fb.kernel, "dense");
  assert.equal(fb.truncation, undefined);
  assert.deepEqual(Buffer.from(fb.plan.data.buffer), Buffer.from(dense.plan.data.buffer));
});

test("ot-sinkhorn uses the truncated kernel on a problem above 1e6 cells and reports the dropped-mass bound", async () => {
  const rng = new Rng(9);
  const ns = 1100, nt = 1000;
  const X = (n: number, shift: number): Matrix => new Matrix(n, 2, Float32Array.from({ length: 2 * n }, () => rng.uniform() + shift));
  const Xs = X(ns, 0), Xt = X(nt, 0.3);
  const ys = Int32Array.from({ length: ns }, (_, i) => i % 2);
  const fitted = await getMethod("ot-sinkhorn").fit(
    { source: { name: "s", X: Xs, y: ys }, target: { name: "t", X: Xt } },
    { rng: new Rng(0), estimator: () => new KnnClassifier({ k: 1 }) },
    { reg: 0.002, maxIter: 200, tol: 1e-8 },
  );
  const tr = fitted.details.truncation as { kept: number; droppedMassBound: number } | undefined;
  assert.ok(tr, "details.truncation missing");
  assert.equal(fitted.details.kernel, "truncated");
  assert.ok(tr.kept < 0.5 * ns * nt, `kept ${tr.kept}`);
  assert.ok(tr.droppedMassBound <= 1e-3 * 1e-8);
  assert.ok(fitted.notes.some((n) => n.includes("truncated kernel") && n.includes("neglected plan mass")), fitted.notes.join("; "));
  // The coupling it returns is the dense plan exp((f + g − M)/reg): its row sums are the source weights.
  const P = fitted.details.coupling as Mat64;
  const rows = marginals(P).rows;
  assert.ok(maxAbsDiff(rows, new Float64Array(ns).fill(1 / ns)) < 1e-12);
});

test("Lp-L1 on the truncated kernel equals Lp-L1 on the dense float64 kernel (class offsets, sparse class masses), and POT on its fixture", () => {
  // Labels in blocks of rows, so each class is a group of the grouped cost; tau 1e4 and 1e8 (ot-lpl1's).
  for (const [seed, n, m, reg, eta, tau] of [[6, 300, 240, 0.01, 0.1, 1e4], [7, 220, 310, 0.006, 1, 1e8]] as const) {
    const { a, b, M } = problem(seed, n, m, 3, seed === 6);
    const ys = Int32Array.from({ length: n }, (_, i) => (i * 5) % 3 + (i % 7 === 0 ? 3 : 0)); // 4 classes, interleaved
    const steps: Lpl1Step[] = [];
    const T = sinkhornLpl1Plan(a, ys, b, M, reg, eta, { maxIter: 6, maxInnerIter: 150, innerTol: 1e-11, kernel: "truncated", tau, onStep: (_s, _o, st) => steps.push(st) });
    const D = sinkhornLpl1Plan(a, ys, b, M, reg, eta, { maxIter: 6, maxInnerIter: 150, innerTol: 1e-11 });
    const tag = `seed ${seed} ${n}×${m} reg ${reg} eta ${eta} tau ${tau}`;
    assert.equal(steps.length, 6, tag);
    for (const st of steps) {
      assert.equal(st.kernel, "truncated", tag);
      assert.ok(st.truncation!.kept < 0.5 * n * m, `${tag}: kept ${st.truncation!.kept}`);
    }
    assert.ok(relErr(T.data, D.data) < 1e-9, `${tag}: plan ${relErr(T.data, D.data)}`);
  }
  // POT's sinkhorn_lpl1_mm fixture (reg 1: the kernel is not sparse, so each step falls back to the dense path).
  const d = ref.da;
  const Xs = Matrix.from(d.Xs), Xt = Matrix.from(d.Xt);
  const P = sinkhornLpl1Plan(new Float64Array(Xs.rows).fill(1 / Xs.rows), Int32Array.from(d.ys), new Float64Array(Xt.rows).fill(1 / Xt.rows), sqeuclideanCost(Xs, Xt), d.lpl1.reg_e, d.lpl1.reg_cl,
    { maxIter: d.lpl1.max_iter, maxInnerIter: d.lpl1.max_inner_iter, innerTol: d.lpl1.inner_tol, kernel: "truncated" });
  assert.ok(relErr(P.data, flat(d.lpl1.coupling)) < 1e-6, `POT fixture: ${relErr(P.data, flat(d.lpl1.coupling))}`);
});

test("the barycentric map's skipped entries (< 2⁻⁶⁴ of their row's largest) change no image beyond rounding", () => {
  const { a, b, M } = problem(8, 200, 150, 4, false);
  const P = sinkhornPlan(a, b, M, 0.003, { maxIter: 300, tol: 1e-12 }).plan;
  const rng = new Rng(9);
  const Xt = new Matrix(150, 4, Float32Array.from({ length: 600 }, () => rng.uniform() * 10 - 5));
  const fast = barycentricMap(P, Xt);
  let skipped = 0;
  for (let i = 0; i < 200; i++) {
    let top = 0, mass = 0;
    const acc = new Float64Array(4);
    for (let j = 0; j < 150; j++) top = Math.max(top, P.data[i * 150 + j]!);
    for (let j = 0; j < 150; j++) {
      const p = P.data[i * 150 + j]!;
      if (p > 0 && p <= top * 2 ** -64) skipped++;
      mass += p;
      for (let k = 0; k < 4; k++) acc[k]! += p * Xt.data[j * 4 + k]!;
    }
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(fast.data[i * 4 + k]! - Math.fround(acc[k]! / mass)) <= 1e-6, `row ${i}: ${fast.data[i * 4 + k]} vs ${acc[k]! / mass}`);
  }
  assert.ok(skipped > 0.3 * 200 * 150, `only ${skipped} entries were negligible: the test would not exercise the skip`);
});
