// Exact optimal transport (earth mover's distance) by the transportation (network) simplex method:
// min ⟨P, M⟩ s.t. P·1 = a, Pᵀ·1 = b, P ≥ 0. The basis is a spanning tree over the n row nodes and m column
// nodes (n + m − 1 arcs); dual potentials pot[row] + pot[col] = M on tree arcs; entering arcs are chosen by
// block search pricing (most negative reduced cost within a block of ≈√(nm) cells, as in LEMON's network
// simplex used by POT's ot.emd); the leaving arc follows Cunningham's strongly-feasible-tree rule (last
// blocking arc from the apex), which guards against cycling on degenerate pivots. Written for this project;
// it returns an exact vertex of the transport polytope, not an approximation.
import { TransferLabError } from "../../core/errors.js";
import { mat64, type Mat64 } from "../feature/linalg.js";

export interface EmdOptions {
  /** Pivot limit (POT's numItermax default is 100000; we scale with the problem size). */
  maxPivots?: number;
  signal?: AbortSignal;
}

export interface EmdResult {
  plan: Mat64;
  cost: number;
  pivots: number;
  /** Dual potentials with u_i + v_j ≤ M_ij everywhere (equality on the basis). */
  u: Float64Array;
  v: Float64Array;
}

export function emdPlan(aIn: Float64Array, bIn: Float64Array, M: Mat64, opts: EmdOptions = {}): EmdResult {
  const n0 = aIn.length, m0 = bIn.length;
  if (M.rows !== n0 || M.cols !== m0) throw new TransferLabError("SHAPE_MISMATCH", `cost matrix is ${M.rows}×${M.cols} but marginals have ${n0} and ${m0} entries`);
  let sa = 0, sb = 0;
  for (const x of aIn) { if (!(x >= 0) || !Number.isFinite(x)) throw new TransferLabError("INVALID_PARAMETER", "source weights must be finite and non-negative", { param: "a" }); sa += x; }
  for (const x of bIn) { if (!(x >= 0) || !Number.isFinite(x)) throw new TransferLabError("INVALID_PARAMETER", "target weights must be finite and non-negative", { param: "b" }); sb += x; }
  if (!(sa > 0) || !(sb > 0)) throw new TransferLabError("INVALID_PARAMETER", "marginals must have positive mass", { param: "a" });
  for (const x of M.data) if (!Number.isFinite(x)) throw new TransferLabError("NON_FINITE", "cost matrix has a non-finite entry");
  // Same total mass, as POT does (b rescaled to a's mass); zero-weight points take no part.
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < n0; i++) if (aIn[i]! > 0) rows.push(i);
  for (let j = 0; j < m0; j++) if (bIn[j]! > 0) cols.push(j);
  const n = rows.length, m = cols.length;
  const a = Float64Array.from(rows, (i) => aIn[i]!);
  const b = Float64Array.from(cols, (j) => (bIn[j]! * sa) / sb);
  const C = new Float64Array(n * m);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const c = M.data[rows[i]! * m0 + cols[j]!]!;
    C[i * m + j] = c;
    if (Math.abs(c) > maxAbs) maxAbs = Math.abs(c);
  }
  const eps = 1e-13 * Math.max(1, maxAbs);

  // ---- basis: arcs k = 0..N−2 with endpoints (arcRow, arcCol) and flow; nodes 0..n−1 rows, n..n+m−1 columns.
  const N = n + m;
  const nArcs = N - 1;
  const arcRow = new Int32Array(nArcs), arcCol = new Int32Array(nArcs);
  const flow = new Float64Array(nArcs);
  // Initial basis: a row-minimum greedy allocation (each row, in order, fills its cheapest columns that still
  // need mass). Every allocation exhausts its row or its column, so the allocated cells form a forest; zero-flow
  // arcs then join the trees into a spanning tree. Far fewer pivots than the north-west corner on real costs.
  {
    const ra = a.slice(), rb = b.slice();
    const uf = new Int32Array(N);
    for (let x = 0; x < N; x++) uf[x] = x;
    const find = (x: number): number => { while (uf[x] !== x) { uf[x] = uf[uf[x]!]!; x = uf[x]!; } return x; };
    let k = 0;
    const open: number[] = [];
    for (let j = 0; j < m; j++) if (rb[j]! > 0) open.push(j);
    for (let i = 0; i < n && open.length > 0; i++) {
      while (ra[i]! > 0 && open.length > 0) {
        let best = Infinity, bp = -1;
        const o = i * m;
        for (let p = 0; p < open.length; p++) { const c = C[o + open[p]!]!; if (c < best) { best = c; bp = p; } }
        const j = open[bp]!;
        const x = Math.min(ra[i]!, rb[j]!);
        arcRow[k] = i; arcCol[k] = j; flow[k] = x; k++;
        uf[find(i)] = find(n + j);
        ra[i]! -= x; rb[j]! -= x;
        if (rb[j]! <= 0) { open[bp] = open[open.length - 1]!; open.pop(); }
        if (k === nArcs) break;
      }
      if (k === nArcs) break;
    }
    // Join the trees: every column to row 0's tree, then every row to column 0's (now the same) tree.
    for (let j = 0; j < m && k < nArcs; j++) if (find(n + j) !== find(0)) { arcRow[k] = 0; arcCol[k] = j; flow[k] = 0; k++; uf[find(n + j)] = find(0); }
    for (let i = 0; i < n && k < nArcs; i++) if (find(i) !== find(n)) { arcRow[k] = i; arcCol[k] = 0; flow[k] = 0; k++; uf[find(i)] = find(n); }
    if (k !== nArcs) throw new TransferLabError("INTERNAL", `EMD initial basis has ${k} arcs, expected ${nArcs}`);
  }
  // Adjacency of basis arcs per node as doubly linked lists in typed arrays: arc k has slot 2k at its row node and
  // slot 2k+1 at its column node (O(1) insert/remove, and a cache-friendly walk when re-hanging subtrees).
  const headSlot = new Int32Array(N).fill(-1);
  const nextSlot = new Int32Array(2 * nArcs).fill(-1);
  const prevSlot = new Int32Array(2 * nArcs).fill(-1);
  const link = (sl: number, node: number): void => {
    const h = headSlot[node]!;
    nextSlot[sl] = h; prevSlot[sl] = -1;
    if (h >= 0) prevSlot[h] = sl;
    headSlot[node] = sl;
  };
  const unlink = (sl: number, node: number): void => {
    const p = prevSlot[sl]!, q = nextSlot[sl]!;
    if (p >= 0) nextSlot[p] = q; else headSlot[node] = q;
    if (q >= 0) prevSlot[q] = p;
  };
  for (let k = 0; k < nArcs; k++) { link(2 * k, arcRow[k]!); link(2 * k + 1, n + arcCol[k]!); }
  const parent = new Int32Array(N).fill(-1);
  const parentArc = new Int32Array(N).fill(-1);
  // Cycle search marks: mark[x] = 2·pivot + 1 (reached from the row end) or + 2 (from the column end); pos = steps.
  const mark = new Float64Array(N);
  const pos = new Int32Array(N);
  const pot = new Float64Array(N);
  const potCol = pot.subarray(n); // column potentials (a view)
  const queue = new Int32Array(N);

  // Roots the initial tree at node 0: parents and potentials by a breadth-first walk.
  const hangRoot = (): void => {
    parent[0] = -1; parentArc[0] = -1; pot[0] = 0;
    let head = 0, tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
      const x = queue[head++]!;
      const px = parentArc[x]!;
      for (let sl = headSlot[x]!; sl >= 0; sl = nextSlot[sl]!) {
        const k = sl >> 1;
        if (k === px) continue;
        const y = (sl & 1) === 0 ? n + arcCol[k]! : arcRow[k]!;
        parent[y] = x; parentArc[y] = k;
        setPot(y, k);
        queue[tail++] = y;
      }
    }
  };
  // Re-hangs the subtree cut off by the leaving arc `k` (now holding the entering arc) below `up`, from its node
  // `start`. Only the stem (start up to the subtree's old top) changes parents: it is reversed. Arcs inside the
  // subtree keep their reduced cost 0, so its potentials all move by one constant (+δ on the side of `start`, −δ on
  // the other): a shift per node instead of a cost lookup (the cost matrix is far too big for cache).
  const rehang = (start: number, up: number, k: number): void => {
    let cur = start, pNode = up, pArc = k;
    while (true) {
      const oArc = parentArc[cur]!, oPar = parent[cur]!;
      parent[cur] = pNode; parentArc[cur] = pArc;
      if (oArc === k) break;
      pNode = cur; pArc = oArc; cur = oPar;
    }
    const old = pot[start]!;
    setPot(start, k);
    const delta = pot[start]! - old;
    const dRow = start < n ? delta : -delta, dCol = -dRow;
    let head = 0, tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const x = queue[head++]!;
      const px = parentArc[x]!;
      for (let sl = headSlot[x]!; sl >= 0; sl = nextSlot[sl]!) {
        if (sl >> 1 === px) continue;
        const y = (sl & 1) === 0 ? n + arcCol[sl >> 1]! : arcRow[sl >> 1]!;
        pot[y]! += y < n ? dRow : dCol;
        queue[tail++] = y;
      }
    }
  };
  const setPot = (y: number, k: number): void => {
    const c = C[arcRow[k]! * m + arcCol[k]!]!;
    if (y < n) pot[y] = c - pot[n + arcCol[k]!]!;
    else pot[y] = c - pot[arcRow[k]!]!;
  };
  hangRoot();

  const total = n * m;
  const block = Math.max(Math.min(total, 10), Math.ceil(Math.sqrt(total)));
  const maxPivots = opts.maxPivots ?? Math.max(100000, 50 * total);
  let next = 0, pivots = 0;
  const iPath: number[] = [], jPath: number[] = [];

  while (true) {
    if ((pivots & 1023) === 0 && opts.signal?.aborted) throw new TransferLabError("ABORTED", "EMD was aborted");
    // Block search pricing: scan cells cyclically from where the last scan stopped, a block at a time, and take
    // the most negative reduced cost of the first block that has one. A block is walked as runs within one row, so
    // the inner loop is a plain sweep over a row of C and the column potentials.
    let best = -eps, bestCell = -1, scanned = 0, cell = next;
    while (scanned < total) {
      let left = Math.min(block, total - scanned);
      scanned += left;
      while (left > 0) {
        const ci = (cell / m) | 0, o = ci * m, j0 = cell - o;
        const j1 = Math.min(m, j0 + left);
        const potI = pot[ci]!;
        for (let j = j0; j < j1; j++) {
          const rc = C[o + j]! - potI - potCol[j]!;
          if (rc < best) { best = rc; bestCell = o + j; }
        }
        left -= j1 - j0;
        cell = o + j1;
        if (cell === total) cell = 0;
      }
      if (bestCell >= 0) break;
    }
    next = cell;
    if (bestCell < 0) break; // optimal: no negative reduced cost
    if (++pivots > maxPivots) {
      throw new TransferLabError("INTERNAL", `EMD network simplex did not finish within ${maxPivots} pivots`, { param: "maxPivots" }, "raise maxPivots or use Sinkhorn");
    }
    const ei = (bestCell / m) | 0, ej = bestCell - ei * m;
    // Cycle: entering arc (ei → ej) plus the tree path between the two nodes.
    iPath.length = 0; jPath.length = 0;
    let x = ei, y = n + ej;
    // Apex: walk up from both ends in lockstep, marking; the first node reached from both sides (work ≤ 2× the
    // longer side of the cycle, and no depth labels to keep up to date).
    const sx = 2 * pivots + 1, sy = sx + 1;
    mark[x] = sx; pos[x] = 0; mark[y] = sy; pos[y] = 0;
    while (true) {
      if (parent[x]! >= 0) {
        iPath.push(parentArc[x]!); x = parent[x]!;
        if (mark[x] === sy) { jPath.length = pos[x]!; break; }
        mark[x] = sx; pos[x] = iPath.length;
      }
      if (parent[y]! >= 0) {
        jPath.push(parentArc[y]!); y = parent[y]!;
        if (mark[y] === sx) { iPath.length = pos[y]!; break; }
        mark[y] = sy; pos[y] = jPath.length;
      }
    }
    // Arcs at even positions from either end lose flow. Leaving arc: the last blocking arc in cycle order
    // apex → ei → ej → apex, i.e. on the column side the one nearest the apex, else on the row side the one nearest ei.
    let theta = Infinity;
    for (let p = 0; p < jPath.length; p += 2) theta = Math.min(theta, flow[jPath[p]!]!);
    for (let p = 0; p < iPath.length; p += 2) theta = Math.min(theta, flow[iPath[p]!]!);
    let leave = -1, leaveOnJ = false;
    for (let p = 0; p < jPath.length; p += 2) if (flow[jPath[p]!] === theta) { leave = jPath[p]!; leaveOnJ = true; }
    if (leave < 0) {
      for (let p = 0; p < iPath.length; p += 2) if (flow[iPath[p]!] === theta) { leave = iPath[p]!; break; }
    }
    for (let p = 0; p < jPath.length; p++) flow[jPath[p]!]! += p % 2 === 0 ? -theta : theta;
    for (let p = 0; p < iPath.length; p++) flow[iPath[p]!]! += p % 2 === 0 ? -theta : theta;
    // The leaving arc's slot becomes the entering arc.
    const lr = arcRow[leave]!, lc = n + arcCol[leave]!;
    unlink(2 * leave, lr); unlink(2 * leave + 1, lc);
    arcRow[leave] = ei; arcCol[leave] = ej; flow[leave] = theta;
    link(2 * leave, ei); link(2 * leave + 1, n + ej);
    // Re-hang the detached subtree from the entering arc's endpoint inside it.
    if (leaveOnJ) rehang(n + ej, ei, leave);
    else rehang(ei, n + ej, leave);
  }

  const plan = mat64(n0, m0);
  let cost = 0;
  for (let k = 0; k < nArcs; k++) {
    const f = flow[k]!;
    if (f <= 0) continue;
    plan.data[rows[arcRow[k]!]! * m0 + cols[arcCol[k]!]!]! += f;
    cost += f * C[arcRow[k]! * m + arcCol[k]!]!;
  }
  const u = new Float64Array(n0).fill(NaN), v = new Float64Array(m0).fill(NaN);
  for (let i = 0; i < n; i++) u[rows[i]!] = pot[i]!;
  for (let j = 0; j < m; j++) v[cols[j]!] = pot[n + j]!;
  return { plan, cost, pivots, u, v };
}

