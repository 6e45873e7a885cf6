// OT solvers against POT 0.8.2 (fixtures from test/fixtures/adapt/ot/make_ot.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { relErr, flat } from "./reference.js";
import { sqeuclideanCost } from "../../src/adapt/ot/cost.js";
import { sinkhornPlan } from "../../src/adapt/ot/sinkhorn.js";
import { emdPlan } from "../../src/adapt/ot/emd.js";
import { sinkhornLpl1Plan } from "../../src/adapt/ot/lpl1.js";
import { linearMongeMap } from "../../src/adapt/ot/linear-map.js";
import { barycentricMap, displacementMap } from "../../src/adapt/ot/mapping.js";
import { mat64, type Mat64 } from "../../src/core/linalg.js";
import { Rng } from "../../src/core/rng.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/adapt/ot/ot_reference.json", import.meta.url), "utf8"));

const f64 = (v: number[]): Float64Array => Float64Array.from(v);

test("EMD plans and costs equal POT's ot.emd (unequal sizes, non-uniform weights)", () => {
  for (const c of ref.cases) {
    const M = sqeuclideanCost(Matrix.from(c.Xs), Matrix.from(c.Xt));
    const r = emdPlan(f64(c.a), f64(c.b), M);
    assert.ok(Math.abs(r.cost - c.emd_cost) <= 1e-10 * Math.abs(c.emd_cost), `${c.name}: cost ${r.cost} vs ${c.emd_cost}`);
    assert.ok(relErr(r.plan.data, flat(c.emd_plan)) < 1e-8, `${c.name}: plan differs by ${relErr(r.plan.data, flat(c.emd_plan))}`);
  }
});

test("EMD is optimal by LP duality: u_i + v_j ≤ M_ij and Σ a u + Σ b v equals the primal cost", () => {
  const rng = new Rng(3);
  for (const [n, m] of [[1, 1], [1, 5], [6, 1], [25, 40], [80, 80]] as const) {
    const M = mat64(n, m);
    for (let k = 0; k < n * m; k++) M.data[k] = rng.uniform() < 0.2 ? 1 : Math.floor(rng.uniform() * 5); // many ties: degenerate pivots
    const a = new Float64Array(n).fill(1 / n), b = new Float64Array(m).fill(1 / m);
    const r = emdPlan(a, b, M);
    let dual = 0;
    for (let i = 0; i < n; i++) dual += a[i]! * r.u[i]!;
    for (let j = 0; j < m; j++) dual += b[j]! * r.v[j]!;
    assert.ok(Math.abs(dual - r.cost) < 1e-12, `n=${n} m=${m}: dual ${dual} primal ${r.cost}`);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) assert.ok(r.u[i]! + r.v[j]! <= M.data[i * m + j]! + 1e-12);
    checkMarginals(r.plan, a, b, 1e-12);
  }
});

test("Sinkhorn plans equal POT's sinkhorn (reg 1, 0.1) and sinkhorn_log (small reg) at convergence", () => {
  for (const c of ref.cases) {
    const M = sqeuclideanCost(Matrix.from(c.Xs), Matrix.from(c.Xt));
    for (const s of c.sinkhorn) {
      const r = sinkhornPlan(f64(c.a), f64(c.b), M, s.reg, { maxIter: 200000, tol: 1e-13 });
      const e = relErr(r.plan.data, flat(s.plan));
      assert.ok(e < 1e-6, `${c.name} reg ${s.reg} (${s.method}): relative error ${e}`);
    }
  }
});

test("Sinkhorn's float32 kernel path (engine GEMM) gives POT's plan to 1e-4 relative", () => {
  const c = ref.cases[2];
  const M = sqeuclideanCost(Matrix.from(c.Xs), Matrix.from(c.Xt));
  for (const s of c.sinkhorn) {
    const r = sinkhornPlan(f64(c.a), f64(c.b), M, s.reg, { maxIter: 20000, tol: 1e-7, precision: "float32" });
    const e = relErr(r.plan.data, flat(s.plan));
    assert.ok(e < 1e-4, `reg ${s.reg}: relative error ${e}`);
  }
});

test("Sinkhorn reproduces POT's iterates when stopped early (same start, order and stopping rule)", () => {
  const s = ref.sinkhorn_budget;
  const Xs = Matrix.from(s.Xs), Xt = Matrix.from(s.Xt);
  const M = sqeuclideanCost(Xs, Xt);
  const r = sinkhornPlan(new Float64Array(Xs.rows).fill(1 / Xs.rows), new Float64Array(Xt.rows).fill(1 / Xt.rows), M, s.reg, { maxIter: s.max_iter, tol: 1e-9 });
  assert.equal(r.converged, false);
  assert.ok(relErr(r.plan.data, flat(s.plan)) < 1e-9, `relative error ${relErr(r.plan.data, flat(s.plan))}`);
});

test("Sinkhorn at reg 1e-3 of the cost scale stays finite and feasible (plain scaling would underflow)", () => {
  const c = ref.cases[2];
  const M = sqeuclideanCost(Matrix.from(c.Xs), Matrix.from(c.Xt));
  let mx = 0; for (const v of M.data) mx = Math.max(mx, v);
  const r = sinkhornPlan(f64(c.a), f64(c.b), M, 1e-3 * mx, { maxIter: 5000, tol: 1e-9 });
  for (const v of r.plan.data) assert.ok(Number.isFinite(v) && v >= 0);
  checkMarginals(r.plan, f64(c.a), f64(c.b), 1e-6);
  // Near the unregularised optimum: cost within 1 % of the exact EMD cost.
  let cost = 0; for (let k = 0; k < M.data.length; k++) cost += r.plan.data[k]! * M.data[k]!;
  assert.ok(cost >= c.emd_cost - 1e-12 && cost < 1.01 * c.emd_cost, `entropic cost ${cost} vs EMD ${c.emd_cost}`);
});

test("ot.da transports: barycentric and out-of-sample maps (EMD, Sinkhorn) equal POT", () => {
  const d = ref.da;
  const Xs = Matrix.from(d.Xs), Xt = Matrix.from(d.Xt), Xnew = Matrix.from(d.Xnew);
  const a = new Float64Array(Xs.rows).fill(1 / Xs.rows), b = new Float64Array(Xt.rows).fill(1 / Xt.rows);
  const M = sqeuclideanCost(Xs, Xt);
  const emd = emdPlan(a, b, M);
  const emdMap = displacementMap(Xs, barycentricMap(emd.plan, Xt));
  assert.ok(relErr(emdMap.mapped.data, flat(d.emd_transform_train)) < 1e-6);
  assert.ok(relErr(emdMap.apply(Xnew).data, flat(d.emd_transform_new)) < 1e-6);
  const sk = sinkhornPlan(a, b, M, d.sinkhorn_reg, { maxIter: 100000, tol: 1e-13 });
  assert.ok(relErr(sk.plan.data, flat(d.sinkhorn_coupling)) < 1e-6);
  const skMap = displacementMap(Xs, barycentricMap(sk.plan, Xt));
  assert.ok(relErr(skMap.mapped.data, flat(d.sinkhorn_transform_train)) < 1e-5);
  assert.ok(relErr(skMap.apply(Xnew).data, flat(d.sinkhorn_transform_new)) < 1e-5);
});

test("linear Gaussian (Monge) map equals POT's LinearTransport", () => {
  const d = ref.da;
  const lin = linearMongeMap(Matrix.from(d.Xs), Matrix.from(d.Xt), d.linear_reg);
  assert.ok(relErr(lin.A.data, flat(d.linear_A)) < 1e-8, `A: ${relErr(lin.A.data, flat(d.linear_A))}`);
  assert.ok(relErr(lin.b, d.linear_b) < 1e-8, `b: ${relErr(lin.b, d.linear_b)}`);
  assert.ok(relErr(lin.apply(Matrix.from(d.Xnew)).data, flat(d.linear_transform_new)) < 1e-5);
});

test("Sinkhorn with Lp-L1 class regularisation equals POT's sinkhorn_lpl1_mm", () => {
  const d = ref.da;
  const Xs = Matrix.from(d.Xs), Xt = Matrix.from(d.Xt);
  const a = new Float64Array(Xs.rows).fill(1 / Xs.rows), b = new Float64Array(Xt.rows).fill(1 / Xt.rows);
  const P = sinkhornLpl1Plan(a, Int32Array.from(d.ys), b, sqeuclideanCost(Xs, Xt), d.lpl1.reg_e, d.lpl1.reg_cl,
    { maxIter: d.lpl1.max_iter, maxInnerIter: d.lpl1.max_inner_iter, innerTol: d.lpl1.inner_tol });
  const e = relErr(P.data, flat(d.lpl1.coupling));
  assert.ok(e < 1e-6, `relative error ${e}`);
});

function checkMarginals(P: Mat64, a: Float64Array, b: Float64Array, tol: number): void {
  const n = a.length, m = b.length;
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < m; j++) s += P.data[i * m + j]!; assert.ok(Math.abs(s - a[i]!) < tol, `row ${i}: ${s} vs ${a[i]}`); }
  for (let j = 0; j < m; j++) { let s = 0; for (let i = 0; i < n; i++) s += P.data[i * m + j]!; assert.ok(Math.abs(s - b[j]!) < tol, `col ${j}: ${s} vs ${b[j]}`); }
}
