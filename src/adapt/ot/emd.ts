// Exact optimal transport (earth mover's distance) by the transportation (network) simplex method:
// min ⟨P, M⟩ s.t. P·1 = a, Pᵀ·1 = b, P ≥ 0. The basis is a spanning tree over the n row nodes and m column
// nodes (n + m − 1 arcs); dual potentials u_row + v_col = M on tree arcs; entering arcs are chosen by block
// search pricing with a candidate list (a scan of a block of ≈4√(nm) cells keeps the cells with negative reduced
// cost; later pivots re-price only that list until it runs dry, in the spirit of LEMON's candidate-list rules —
// POT's ot.emd uses LEMON's plain block search); the leaving arc follows Cunningham's strongly-feasible-tree rule
// (last blocking arc from the apex), which guards against cycling on degenerate pivots. Written for this project;
// it returns an exact vertex of the transport polytope, not an approximation.
import { TransferLabError } from "../../core/errors.js";
import { mat64, type Mat64 } from "../../core/linalg.js";

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
  let maxAbs = 0;
  for (let t = 0; t < M.data.length; t++) {
    const x = Math.abs(M.data[t]!);
    if (!(x <= Number.MAX_VALUE)) throw new TransferLabError("NON_FINITE", "cost matrix has a non-finite entry");
    if (x > maxAbs) maxAbs = x;
  }
  // Same total mass, as POT does (b rescaled to a's mass); zero-weight points take no part.
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < n0; i++) if (aIn[i]! > 0) rows.push(i);
  for (let j = 0; j < m0; j++) if (bIn[j]! > 0) cols.push(j);
  const n = rows.length, m = cols.length;
  const a = Float64Array.from(rows, (i) => aIn[i]!);
  const b = Float64Array.from(cols, (j) => (bIn[j]! * sa) / sb);
  // Costs of the points that take part: M itself (read only) when every weight is positive, else a compact copy.
  let C = M.data;
  if (n !== n0 || m !== m0) {
    C = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C[i * m + j] = M.data[rows[i]! * m0 + cols[j]!]!;
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
  // Adjacency of the initial basis (only to root it): CSR lists of arc slots per node (slot 2k at arc k's row node,
  // 2k+1 at its column node).
  const adjStart = new Int32Array(N + 1);
  for (let k = 0; k < nArcs; k++) { adjStart[arcRow[k]! + 1]!++; adjStart[n + arcCol[k]! + 1]!++; }
  for (let x = 0; x < N; x++) adjStart[x + 1]! += adjStart[x]!;
  const adj = new Int32Array(2 * nArcs);
  {
    const fill = adjStart.slice(0, N);
    for (let k = 0; k < nArcs; k++) { adj[fill[arcRow[k]!]!++] = 2 * k; adj[fill[n + arcCol[k]!]!++] = 2 * k + 1; }
  }
  const parent = new Int32Array(N).fill(-1);
  const parentArc = new Int32Array(N).fill(-1);
  // Tree as a preorder thread (the "thread index" of network simplex codes such as LEMON's): thread[x] is the next
  // node in preorder (circular, back to root 0), revThread its inverse, lastSucc[x] the last node of x's subtree.
  // A subtree is then one contiguous run of the thread, so shifting its potentials is a linear walk, and re-hanging
  // it re-threads only the stem instead of walking adjacency lists.
  // thread and revThread are 16-bit when the nodes fit: the potential shift is a chain of loads from them, and half
  // the bytes keep both in L1 (0–7% less CPU at 10000×1797, within the noise of a shared machine).
  const small = N <= 65535;
  const thread = small ? new Uint16Array(N) : new Int32Array(N), revThread = small ? new Uint16Array(N) : new Int32Array(N);
  const lastSucc = new Int32Array(N);
  // Subtree sizes (nodes), so a pivot can shift whichever side of the cut is smaller.
  const size = new Int32Array(N);
  // Cycle search marks: mark[x] = 2·pivot + 1 (reached from the row end) or + 2 (from the column end); pos = steps.
  const mark = new Float64Array(N);
  const pos = new Int32Array(N);
  // Signed potentials: pot[i] = u_i for a row, pot[n + j] = −v_j for a column. Re-hanging then moves every node of
  // a subtree by the same +δ (u by +δ, v by −δ), so the shift loop has no row/column branch; the reduced cost is
  // M_ij − pot[i] + pot[n + j], the same floating-point value as M_ij − u_i − v_j (negation is exact).
  const pot = new Float64Array(N);
  const potCol = pot.subarray(n); // −v (a view)
  const stack = new Int32Array(N);
  // Stem scratch: stem nodes and, per stem node, the two thread runs that make up its new preorder segment.
  const stem = new Int32Array(N), aEnd = new Int32Array(N), bBeg = new Int32Array(N), bEnd = new Int32Array(N);

  // Roots the initial tree at node 0: parents, potentials and the preorder thread by a depth-first walk.
  const hangRoot = (): void => {
    parent[0] = -1; parentArc[0] = -1; pot[0] = 0;
    const order = new Int32Array(N);
    let sp = 0, cnt = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const x = stack[--sp]!;
      order[cnt++] = x;
      const px = parentArc[x]!;
      for (let t = adjStart[x]!; t < adjStart[x + 1]!; t++) {
        const sl = adj[t]!, k = sl >> 1;
        if (k === px) continue;
        const y = (sl & 1) === 0 ? n + arcCol[k]! : arcRow[k]!;
        parent[y] = x; parentArc[y] = k;
        setPot(y, k);
        stack[sp++] = y;
      }
    }
    if (cnt !== N) throw new TransferLabError("INTERNAL", `EMD initial basis spans ${cnt} of ${N} nodes`);
    for (let t = 0; t < N; t++) { const x = order[t]!, y = order[(t + 1) % N]!; thread[x] = y; revThread[y] = x; }
    lastSucc.fill(-1);
    size.fill(1);
    for (let t = N - 1; t >= 0; t--) {
      const x = order[t]!;
      if (lastSucc[x]! < 0) lastSucc[x] = x;
      const p = parent[x]!;
      if (p >= 0 && lastSucc[p]! < 0) lastSucc[p] = lastSucc[x]!;
      if (p >= 0) size[p]! += size[x]!;
    }
  };
  // Re-hangs the subtree cut off by the leaving arc `k` (now holding the entering arc) below `up`, from its node
  // `start`. Only the stem (start up to the subtree's old top) changes parents: it is reversed. Arcs inside the
  // subtree keep their reduced cost 0, so its (signed) potentials all move by one constant δ: a shift per node
  // instead of a cost lookup (the cost matrix is far too big for cache).
  // Thread: with stem v0 = start … vK = old top, the new preorder of the subtree is seg(v0) seg(v1) … seg(vK), where
  // seg(vi) is vi's old run minus v(i−1)'s run: run A = vi … (node before v(i−1)), run B = after last(v(i−1)) …
  // last(vi) (possibly empty). The re-threaded run is then cut out and spliced in right after `up`.
  const rehang = (start: number, up: number, k: number): void => {
    let K = 0;
    for (let x = start; ; x = parent[x]!) { stem[K++] = x; if (parentArc[x] === k) break; }
    const top = stem[K - 1]!, topLast = lastSucc[top]!, before = revThread[top]!, after = thread[topLast]!;
    const oldTopParent = parent[top]!;
    // Sizes: the old ancestors lose the subtree, the reversed stem's nodes hold what their old child did not.
    const S = size[top]!;
    for (let x = oldTopParent; x >= 0; x = parent[x]!) size[x]! -= S;
    for (let i = K - 1; i > 0; i--) size[stem[i]!] = S - size[stem[i - 1]!]!;
    size[start] = S;
    // Runs, read from the old thread before any write.
    aEnd[0] = lastSucc[start]!; bBeg[0] = -1; bEnd[0] = -1;
    for (let i = 1; i < K; i++) {
      const v = stem[i]!, c = stem[i - 1]!, cl = lastSucc[c]!;
      aEnd[i] = revThread[c]!;
      if (cl !== lastSucc[v]!) { bBeg[i] = thread[cl]!; bEnd[i] = lastSucc[v]!; } else { bBeg[i] = -1; bEnd[i] = -1; }
    }
    // Parents: reverse the stem.
    let cur = start, pNode = up, pArc = k;
    while (true) {
      const oArc = parentArc[cur]!, oPar = parent[cur]!;
      parent[cur] = pNode; parentArc[cur] = pArc;
      if (oArc === k) break;
      pNode = cur; pArc = oArc; cur = oPar;
    }
    // Cut the old run out of the thread; ancestors that ended with it now end just before it.
    thread[before] = after; revThread[after] = before;
    for (let x = oldTopParent; x >= 0 && lastSucc[x] === topLast; x = parent[x]!) lastSucc[x] = before;
    // Chain the segments.
    let tail = aEnd[0]!;
    for (let i = 1; i < K; i++) {
      const v = stem[i]!;
      thread[tail] = v; revThread[v] = tail; tail = aEnd[i]!;
      const bb = bBeg[i]!;
      if (bb >= 0) { thread[tail] = bb; revThread[bb] = tail; tail = bEnd[i]!; }
    }
    for (let i = 0; i < K; i++) lastSucc[stem[i]!] = tail;
    // Splice right after `up`; if `up` was a leaf, it and the ancestors that ended with it now end with `tail`.
    const upNext = thread[up]!;
    thread[up] = start; revThread[start] = up;
    thread[tail] = upNext; revThread[upNext] = tail;
    for (let x = up; x >= 0 && lastSucc[x] === up; x = parent[x]!) lastSucc[x] = tail;
    for (let x = up; x >= 0; x = parent[x]!) size[x]! += S;
    // Potentials: the entering arc needs reduced cost 0, i.e. the subtree shifted by δ — or, equivalently for every
    // reduced cost, the rest of the tree shifted by −δ: whichever side is smaller is walked. The rest is the thread
    // from after `tail` round to `up` (which now precedes `start`).
    const old = pot[start]!;
    setPot(start, k);
    const delta = pot[start]! - old;
    if (S <= N - S) { if (start !== tail) shiftRun(thread[start]!, tail, delta); }
    else {
      pot[start] = old;
      shiftRun(thread[tail]!, up, -delta);
      // The root moved too: keep potentials near the costs' scale so reduced costs keep their precision.
      if (Math.abs(pot[0]!) > maxAbs) { const p0 = pot[0]!; for (let x = 0; x < N; x++) pot[x]! -= p0; }
    }
  };
  // Adds d to the potentials of the thread run f … r, walked from both ends at once (thread forwards, revThread
  // backwards): two independent load chains, so the walk, which is bound by load latency, takes about half as long.
  const shiftRun = (f: number, r: number, d: number): void => {
    const P = pot, T = thread, R = revThread; // locals, not context loads, in the loop
    while (true) {
      P[f]! += d;
      if (f === r) break;
      P[r]! += d;
      const fn = T[f]!;
      if (fn === r) break;
      f = fn; r = R[r]!;
    }
  };
  const setPot = (y: number, k: number): void => {
    const c = C[arcRow[k]! * m + arcCol[k]!]!;
    if (y < n) pot[y] = c + pot[n + arcCol[k]!]!;
    else pot[y] = pot[arcRow[k]!]! - c;
  };
  hangRoot();

  const total = n * m;
  // Block of ≈4√(nm) cells and a list of up to ≈√(nm)/4 candidates. Measured on the digits costs (10000×1797 and
  // 1797×10000): plain block search with a √(nm) block takes ≈211k pivots and ≈6.2k scanned cells per pivot; the
  // list takes ≈250k/185k pivots but scans far fewer cells, ≈25% less CPU in all.
  const block = Math.max(Math.min(total, 10), Math.ceil(4 * Math.sqrt(total)));
  const listCap = Math.max(16, Math.ceil(Math.sqrt(total) / 4));
  const cand = new Int32Array(listCap);
  let nCand = 0;
  const maxPivots = opts.maxPivots ?? Math.max(100000, 50 * total);
  let next = 0, pivots = 0;
  const iPath: number[] = [], jPath: number[] = [];

  // The arrays above are also used by the closures, so V8 keeps them in a context object and reloads them in every
  // loop; the pivot loop reads them through plain locals instead (6–12% less CPU on the digits problems).
  const CL = C, potL = pot, potColL = potCol, parentL = parent, parentArcL = parentArc, markL = mark, posL = pos, flowL = flow;
  while (true) {
    if ((pivots & 1023) === 0 && opts.signal?.aborted) throw new TransferLabError("ABORTED", "EMD was aborted", { param: "signal" });
    // Minor pricing: re-price the candidate list (dropping cells no longer negative) and take its most negative.
    let best = -eps, bestCell = -1;
    if (nCand > 0) {
      let w = 0;
      for (let q = 0; q < nCand; q++) {
        const c = cand[q]!, i = (c / m) | 0;
        const rc = CL[c]! - potL[i]! + potColL[c - i * m]!;
        if (rc < -eps) { cand[w++] = c; if (rc < best) { best = rc; bestCell = c; } }
      }
      nCand = w;
    }
    // Major pricing (the list ran dry): block search — scan cells cyclically from where the last scan stopped, a
    // block at a time, and take the most negative reduced cost of the first block that has one, keeping the block's
    // first negative cells as the new list. Optimal when a whole sweep finds none. A block is walked as runs within
    // one row, so the inner loop is a plain sweep over a row of C and the column potentials.
    if (bestCell < 0) {
      let scanned = 0, cell = next;
      while (scanned < total) {
        let left = Math.min(block, total - scanned);
        scanned += left;
        while (left > 0) {
          const ci = (cell / m) | 0, o = ci * m, j0 = cell - o;
          const j1 = Math.min(m, j0 + left);
          const potI = potL[ci]!;
          for (let j = j0; j < j1; j++) {
            const rc = CL[o + j]! - potI + potColL[j]!;
            if (rc < -eps) {
              if (nCand < listCap) cand[nCand++] = o + j;
              if (rc < best) { best = rc; bestCell = o + j; }
            }
          }
          left -= j1 - j0;
          cell = o + j1;
          if (cell === total) cell = 0;
        }
        if (bestCell >= 0) break;
      }
      next = cell;
    }
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
    markL[x] = sx; posL[x] = 0; markL[y] = sy; posL[y] = 0;
    while (true) {
      if (parentL[x]! >= 0) {
        iPath.push(parentArcL[x]!); x = parentL[x]!;
        if (markL[x] === sy) { jPath.length = posL[x]!; break; }
        markL[x] = sx; posL[x] = iPath.length;
      }
      if (parentL[y]! >= 0) {
        jPath.push(parentArcL[y]!); y = parentL[y]!;
        if (markL[y] === sx) { iPath.length = posL[y]!; break; }
        markL[y] = sy; posL[y] = jPath.length;
      }
    }
    // Arcs at even positions from either end lose flow. Leaving arc: the last blocking arc in cycle order
    // apex → ei → ej → apex, i.e. on the column side the one nearest the apex, else on the row side the one nearest ei.
    let theta = Infinity;
    for (let p = 0; p < jPath.length; p += 2) theta = Math.min(theta, flowL[jPath[p]!]!);
    for (let p = 0; p < iPath.length; p += 2) theta = Math.min(theta, flowL[iPath[p]!]!);
    let leave = -1, leaveOnJ = false;
    for (let p = 0; p < jPath.length; p += 2) if (flowL[jPath[p]!] === theta) { leave = jPath[p]!; leaveOnJ = true; }
    if (leave < 0) {
      for (let p = 0; p < iPath.length; p += 2) if (flowL[iPath[p]!] === theta) { leave = iPath[p]!; break; }
    }
    for (let p = 0; p < jPath.length; p++) flowL[jPath[p]!]! += p % 2 === 0 ? -theta : theta;
    for (let p = 0; p < iPath.length; p++) flowL[iPath[p]!]! += p % 2 === 0 ? -theta : theta;
    // The leaving arc's slot becomes the entering arc.
    arcRow[leave] = ei; arcCol[leave] = ej; flowL[leave] = theta;
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
  for (let j = 0; j < m; j++) v[cols[j]!] = -pot[n + j]!;
  return { plan, cost, pivots, u, v };
}

