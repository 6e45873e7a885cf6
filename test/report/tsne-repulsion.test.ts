// Barnes–Hut repulsion (flattened quadtree walk) against the exact O(n²) sums, and the two-thread t-SNE
// against the one-thread t-SNE (the split must not change a single bit of the map).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { tsne } from "../../src/metrics/tsne.js";
import { QuadTree, repelRange } from "../../src/metrics/embedding/quadtree.js";
import { ForcePool } from "../../src/metrics/embedding/parallel-forces.js";
import { attractRange } from "../../src/metrics/embedding/attraction.js";
import type { SparseP } from "../../src/metrics/embedding/affinities.js";

/** Exact t-SNE repulsion: Σ_{j≠i} q²(y_i − y_j) and Σ_{j≠i} q with q = 1/(1 + ‖y_i − y_j‖²). */
function exact(Y: Float64Array, n: number): Float64Array {
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = Y[2 * i]! - Y[2 * j]!, dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      out[3 * i]! += q * q * dx;
      out[3 * i + 1]! += q * q * dy;
      out[3 * i + 2]! += q;
    }
  }
  return out;
}

function points(n: number, seed: number, dupes: number): Float64Array {
  const rng = new Rng(seed);
  const Y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    Y[2 * i] = 4 * c + rng.normal();
    Y[2 * i + 1] = -2 * c + 0.5 * rng.normal();
  }
  for (let d = 0; d < dupes; d++) { Y[2 * (n - 1 - d)] = Y[2 * d]!; Y[2 * (n - 1 - d) + 1] = Y[2 * d + 1]!; }
  return Y;
}

test("θ = 0 repulsion equals the exact pairwise sums (duplicates included: q = 1, no force)", () => {
  const n = 150;
  const Y = points(n, 3, 5);
  const tree = new QuadTree();
  tree.build(Y, n);
  const got = new Float64Array(3 * n);
  repelRange(tree.records, tree.recordCount, Y, 0, 0, n, got);
  const want = exact(Y, n);
  for (let e = 0; e < 3 * n; e++) assert.ok(Math.abs(got[e]! - want[e]!) <= 1e-10 * (1 + Math.abs(want[e]!)), `entry ${e}: ${got[e]} vs ${want[e]}`);
});

test("θ = 0.5 repulsion stays within a few per cent of the exact sums", () => {
  const n = 400;
  const Y = points(n, 4, 0);
  const tree = new QuadTree();
  tree.build(Y, n);
  const got = new Float64Array(3 * n);
  repelRange(tree.records, tree.recordCount, Y, 0.25 / 4, 0, n, got);
  const want = exact(Y, n);
  let zGot = 0, zWant = 0, fErr = 0, fNorm = 0;
  for (let i = 0; i < n; i++) {
    zGot += got[3 * i + 2]!; zWant += want[3 * i + 2]!;
    fErr += Math.hypot(got[3 * i]! - want[3 * i]!, got[3 * i + 1]! - want[3 * i + 1]!);
    fNorm += Math.hypot(want[3 * i]!, want[3 * i + 1]!);
  }
  assert.ok(Math.abs(zGot - zWant) / zWant < 0.01, `Z ${zGot} vs ${zWant}`);
  assert.ok(fErr / fNorm < 0.05, `relative force error ${fErr / fNorm}`);
  assert.notDeepEqual(got, want); // θ > 0 really approximates (the tree is used)
});

/** A random sparse P (CSR) with about 20 entries per row. */
function sparseP(n: number, seed: number): SparseP {
  const rng = new Rng(seed);
  const rowPtr = new Int32Array(n + 1), cols: number[] = [], vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (j !== i && rng.uniform() < 20 / n) { cols.push(j); vals.push(rng.uniform() / n); }
    rowPtr[i + 1] = cols.length;
  }
  return { n, rowPtr, cols: Int32Array.from(cols), vals: Float64Array.from(vals) };
}

test("the worker-thread pool gives bit-identical forces to one thread", () => {
  const n = 700;
  const Y = points(n, 5, 3);
  const P = sparseP(n, 6);
  const pool = ForcePool.create(P);
  if (!pool) return; // no worker threads here: t-SNE runs on one thread, nothing to compare
  try {
    for (const t4 of [0.0625, 0.01]) {
      pool.begin(Y, 12);
      pool.tree.build(Y, n);
      pool.finish(t4);
      const tree = new QuadTree();
      tree.build(Y, n);
      const one = new Float64Array(3 * n);
      repelRange(tree.records, tree.recordCount, Y, t4, 0, n, one);
      assert.deepEqual(Float64Array.from(pool.out), one);
      const att = new Float64Array(2 * n);
      attractRange(P.rowPtr, P.cols, P.vals, Y, 12, 0, n, att);
      assert.deepEqual(Float64Array.from(pool.att), att);
    }
  } finally {
    pool.close();
  }
});

test("t-SNE on two threads returns the same map, bit for bit, as on one", () => {
  const rng = new Rng(11);
  const X = new Matrix(300, 5);
  for (let i = 0; i < 300; i++) for (let j = 0; j < 5; j++) X.data[i * 5 + j] = (i % 2) * 3 + rng.normal();
  const one = tsne(X, { perplexity: 20, maxIter: 150, threads: 1 });
  const two = tsne(X, { perplexity: 20, maxIter: 150, threads: 2 });
  assert.deepEqual(two.Y.data, one.Y.data);
  assert.equal(two.kl, one.kl);
  assert.throws(() => tsne(X, { threads: 3 as 2 }), /threads/);
});
