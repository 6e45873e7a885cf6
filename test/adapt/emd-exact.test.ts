// Exact EMD on mid-size problems against POT 0.8.2 run to optimality (fixtures from
// test/fixtures/adapt/ot/make_emd_large.py) and against LP duality: the returned potentials must be dual feasible
// (u_i + v_j ≤ M_ij), tight on every transported cell, and give the primal cost (Σ a u + Σ b v).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { sqeuclideanCost } from "../../src/adapt/ot/cost.js";
import { emdPlan } from "../../src/adapt/ot/emd.js";

interface Case { name: string; Xs: number[][]; Xt: number[][]; a: number[]; b: number[]; emd_cost: number; nnz: number }
const ref = JSON.parse(readFileSync(new URL("../fixtures/adapt/ot/emd_large_reference.json", import.meta.url), "utf8")) as { cases: Case[] };

test("EMD reaches POT's optimal cost on mid-size problems (tall, wide, weighted with zero weights) at a dual-feasible vertex", () => {
  for (const c of ref.cases) {
    const M = sqeuclideanCost(Matrix.from(c.Xs), Matrix.from(c.Xt));
    const a = Float64Array.from(c.a), b = Float64Array.from(c.b);
    const n = a.length, m = b.length;
    const r = emdPlan(a, b, M);
    assert.ok(Math.abs(r.cost - c.emd_cost) <= 1e-9 * c.emd_cost, `${c.name}: cost ${r.cost} vs POT ${c.emd_cost}`);
    let maxM = 0;
    for (const x of M.data) maxM = Math.max(maxM, x);
    const tol = 1e-12 * maxM;
    const liveRows = c.a.filter((x) => x > 0).length, liveCols = c.b.filter((x) => x > 0).length;
    let nnz = 0, dual = 0;
    for (let i = 0; i < n; i++) if (a[i]! > 0) dual += a[i]! * r.u[i]!;
    for (let j = 0; j < m; j++) if (b[j]! > 0) dual += b[j]! * r.v[j]!;
    for (let i = 0; i < n; i++) {
      let rowSum = 0;
      for (let j = 0; j < m; j++) {
        const p = r.plan.data[i * m + j]!;
        rowSum += p;
        if (p !== 0) {
          nnz++;
          assert.ok(p > 0 && a[i]! > 0 && b[j]! > 0, `${c.name}: mass ${p} at (${i}, ${j})`);
          assert.ok(Math.abs(M.data[i * m + j]! - r.u[i]! - r.v[j]!) <= tol, `${c.name}: transported cell (${i}, ${j}) has reduced cost ${M.data[i * m + j]! - r.u[i]! - r.v[j]!}`);
        }
        if (a[i]! > 0 && b[j]! > 0) assert.ok(r.u[i]! + r.v[j]! <= M.data[i * m + j]! + tol, `${c.name}: dual infeasible at (${i}, ${j})`);
      }
      assert.ok(Math.abs(rowSum - a[i]!) <= 1e-12, `${c.name}: row ${i} carries ${rowSum}, not ${a[i]}`);
    }
    for (let j = 0; j < m; j++) {
      let colSum = 0;
      for (let i = 0; i < n; i++) colSum += r.plan.data[i * m + j]!;
      assert.ok(Math.abs(colSum - b[j]!) <= 1e-12, `${c.name}: column ${j} receives ${colSum}, not ${b[j]}`);
    }
    assert.ok(Math.abs(dual - r.cost) <= 1e-12 * r.cost, `${c.name}: dual ${dual} vs primal ${r.cost}`);
    // A vertex of the transport polytope: the support is a forest, at most (live rows + live columns − 1) cells.
    assert.ok(nnz <= liveRows + liveCols - 1, `${c.name}: ${nnz} transported cells, a vertex has at most ${liveRows + liveCols - 1}`);
  }
});

test("EMD is deterministic: the same problem gives the same plan bit for bit", () => {
  const c = ref.cases[0]!;
  const M = sqeuclideanCost(Matrix.from(c.Xs), Matrix.from(c.Xt));
  const a = Float64Array.from(c.a), b = Float64Array.from(c.b);
  const r1 = emdPlan(a, b, M), r2 = emdPlan(a, b, M);
  assert.equal(r1.pivots, r2.pivots);
  assert.deepEqual(new Uint8Array(r1.plan.data.buffer), new Uint8Array(r2.plan.data.buffer));
});
