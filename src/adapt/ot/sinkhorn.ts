// Entropic OT (Cuturi 2013) by Sinkhorn–Knopp, stabilised in the log domain by absorption (Schmitzer 2019,
// "Stabilized sparse scaling algorithms for entropy regularized transport problems"): a row's or column's
// scaling is folded into its dual potential whenever it leaves [1/tau, tau] or the scaled step under/overflows,
// by an exact log-sum-exp step for that row/column, and only that part of the kernel exp((f_i + g_j − M_ij)/reg)
// is rebuilt. So small reg (e.g. 0.01 on raw pixel costs) never under- or overflows, while most iterations
// cost two plain matrix–vector products. The iteration order, the start
// (u = 1/n, v = 1/m) and the stopping test (‖Pᵀ1 − b‖₂ < tol, checked every 10 iterations) are POT's
// sinkhorn_knopp, so both produce the same iterates where POT's plain version is still finite.
// At small reg almost all of the stabilised kernel is negligible (MNIST→optdigits at reg 0.01: ~98 % below 1e-30
// after the first step); kernel: "truncated" (Schmitzer's kernel truncation, below) iterates on the ~1.5 % that
// is not, with a proven bound on the plan mass it neglects.
import { TransferLabError } from "../../core/errors.js";
import { mat64, type Mat64 } from "../../core/linalg.js";
import { kernels } from "../../engine/index.js";

export interface SinkhornOptions {
  maxIter?: number;
  tol?: number;
  /**
   * Absorb a row's or column's scaling into its potential once it leaves [1/tau, tau] (or under/overflows).
   * Default 1e20 on the dense kernel; 1e4 on the truncated one, where tau² also enters the dropped-mass bound.
   */
  tau?: number;
  signal?: AbortSignal;
  /** Called every 10 iterations with the iteration, maxIter and the marginal error ‖Pᵀ1 − b‖₂. */
  onCheck?: (iteration: number, maxIter: number, error: number) => void;
  /**
   * "float64" (default) keeps the scaled kernel in double precision with TypeScript loops; "float32" stores it
   * in single precision and runs the two matrix–vector products per iteration on the engine's kernels
   * (kernels().gemm: native/wasm SIMD). The kernel's entries then carry ~1e-7 relative rounding, so the
   * marginal error cannot go much below ~1e-7·‖b‖₂ (so tol should be above that); potentials and the plan stay float64.
   */
  precision?: "float64" | "float32";
  /**
   * "dense" (default) stores the whole n×m kernel. "truncated" keeps, row by row, only the entries
   * K_ij ≥ theta of the stabilised kernel (Schmitzer 2019, §3.3 kernel truncation), sums in float64, and never
   * materialises a dense kernel: each iteration costs O(kept entries) instead of O(n·m), plus the absorptions.
   * An entry dropped when its row or column was last absorbed stays < theta in the stabilised kernel until one
   * of them is absorbed again (then it is recomputed), and u, v stay in [1/tau, tau], so its plan entry
   * u_i K_ij v_j is < theta·tau². The neglected mass is therefore < (#dropped)·theta·tau² (reported as
   * `truncation.droppedMassBound`). `precision` is ignored on this path. If the kept entries would need more
   * memory than a dense float32 kernel (more than n·m/3 and 65536 pooled entries: the kernel is not sparse at this reg), the solve
   * restarts on the dense path with `precision` and the result says `kernel: "dense"`.
   */
  kernel?: "dense" | "truncated";
  /**
   * Truncation threshold of the "truncated" kernel. Default: tol·1e-3 / (n·m·tau²), so the dropped-mass bound
   * n·m·theta·tau² stays a thousandth of the stopping tolerance.
   */
  theta?: number;
}

/** Facts of the truncated-kernel path. */
export interface SinkhornTruncation {
  theta: number;
  tau: number;
  /** Kernel entries kept at the end (of n·m). */
  kept: number;
  /** (#dropped entries)·theta·tau²: bounds the plan mass the iterations neglected, so both ‖P1 − a‖₁ and
   * ‖Pᵀ1 − b‖₁ of the returned plan differ from the truncated iterate's by at most this. */
  droppedMassBound: number;
  rowAbsorptions: number;
  columnAbsorptions: number;
}

export interface SinkhornResult {
  plan: Mat64;
  /** Dual potentials: plan_ij = exp((f_i + g_j − M_ij)/reg). */
  f: Float64Array;
  g: Float64Array;
  iterations: number;
  /** Last measured ‖Pᵀ1 − b‖₂. */
  error: number;
  converged: boolean;
  /** The kernel the iterations ran on. */
  kernel: "dense" | "truncated";
  /** Set on the truncated-kernel path. */
  truncation?: SinkhornTruncation;
}

export function sinkhornPlan(a: Float64Array, b: Float64Array, M: Mat64, reg: number, opts: SinkhornOptions = {}): SinkhornResult {
  const n = a.length, m = b.length;
  if (M.rows !== n || M.cols !== m) throw new TransferLabError("SHAPE_MISMATCH", `cost matrix is ${M.rows}×${M.cols} but marginals have ${n} and ${m} entries`);
  if (!(reg > 0) || !Number.isFinite(reg)) throw new TransferLabError("INVALID_PARAMETER", `entropic regularisation must be positive, got ${reg}`, { param: "reg" });
  const maxIter = opts.maxIter ?? 1000;
  const tol = opts.tol ?? 1e-9;
  if (opts.kernel === "truncated") {
    const cost = plainCost(M);
    const r = sinkhornTruncated(a, b, cost, reg, { ...opts, maxIter, tol });
    delete cost.baseT; // the solve's transposed copy of M is garbage before the dense plan is made (as in lpl1)
    if (r !== null) return { ...finish(r.f, r.g, r.u, r.v, cost, reg), iterations: r.iterations, error: r.error, converged: r.converged, kernel: "truncated", truncation: r.truncation };
  }
  const tau = opts.tau ?? 1e20;
  const Md = M.data;
  // True scalings are exp(f/reg)·u and exp(g/reg)·v; the kernel holds K_ij = exp((f_i + g_j − M_ij)/reg).
  // Potentials start at reg·log(1/n), reg·log(1/m): POT's u = 1/n, v = 1/m.
  const f = new Float64Array(n).fill(reg * Math.log(1 / n));
  const g = new Float64Array(m).fill(reg * Math.log(1 / m));
  const u = new Float64Array(n).fill(1);
  const v = new Float64Array(m).fill(1);
  const f32 = opts.precision === "float32";
  const K: Float64Array | Float32Array = f32 ? new Float32Array(n * m) : new Float64Array(n * m);
  const k32 = f32 ? kernels() : null;
  const u32 = f32 ? new Float32Array(n) : null, v32 = f32 ? new Float32Array(m) : null;
  const c32 = f32 ? new Float32Array(m) : null, r32 = f32 ? new Float32Array(n) : null;
  const rowBlock = Math.max(1, Math.floor(65536 / m)); // ≈ 256 KB of float32 kernel per block
  // colSum = Kᵀu (rowSum = K v is formed inside the single pass below).
  const kTu = (): void => {
    if (k32) {
      for (let i = 0; i < n; i++) u32![i] = u[i]!;
      k32.gemm(true, false, m, 1, n, 1, K as Float32Array, m, u32!, 1, 0, c32!, 1);
      for (let j = 0; j < m; j++) colSum[j] = c32![j]!;
      return;
    }
    colSum.fill(0);
    for (let i = 0; i < n; i++) { const ui = u[i]!, o = i * m; for (let j = 0; j < m; j++) colSum[j]! += K[o + j]! * ui; }
  };
  const logA = Float64Array.from(a, Math.log), logB = Float64Array.from(b, Math.log);
  const colSum = new Float64Array(m);
  const rowSum = new Float64Array(n);
  const F = new Float64Array(n); // effective row potentials f + reg·log u, for exact column steps
  const G = new Float64Array(m);
  const badCols: number[] = [];


  // Exact log-domain step for column j given effective row potentials F: the new g_j, with v_j = 1 and
  // column j of the kernel rebuilt. Used when the scaled step under/overflows or v_j leaves [1/tau, tau].
  // The exponentials of the log-sum-exp are kept and rescaled into the kernel: with F_i = f_i + reg·log u_i,
  // K_ij = exp((f_i + g_j − M_ij)/reg) = e_ij · (b_j / s) / u_i where e_ij = exp((F_i − M_ij)/reg − max).
  const tmpN = new Float64Array(n), tmpM = new Float64Array(m);
  const exactColumn = (j: number): void => {
    let mx = -Infinity;
    for (let i = 0; i < n; i++) { const t = (F[i]! - Md[i * m + j]!) / reg; if (t > mx) mx = t; }
    let s = 0;
    for (let i = 0; i < n; i++) { const e = Math.exp((F[i]! - Md[i * m + j]!) / reg - mx); tmpN[i] = e; s += e; }
    g[j] = reg * (logB[j]! - mx - Math.log(s));
    v[j] = 1;
    const c = b[j]! / s;
    for (let i = 0; i < n; i++) K[i * m + j] = (tmpN[i]! * c) / u[i]!;
  };
  const exactRow = (i: number): void => {
    const o = i * m;
    let mx = -Infinity;
    for (let j = 0; j < m; j++) { const t = (G[j]! - Md[o + j]!) / reg; if (t > mx) mx = t; }
    let s = 0;
    for (let j = 0; j < m; j++) { const e = Math.exp((G[j]! - Md[o + j]!) / reg - mx); tmpM[j] = e; s += e; }
    f[i] = reg * (logA[i]! - mx - Math.log(s));
    u[i] = 1;
    const c = a[i]! / s;
    for (let j = 0; j < m; j++) K[o + j] = (tmpM[j]! * c) / v[j]!;
  };
  const outside = (x: number): boolean => !(x > 1 / tau && x < tau);

  // The float64 path makes one pass over K per iteration: once row i's K v is summed, u_i is known and the row,
  // still in cache, adds its share to Kᵀu for the next column step (and for the stopping test). The sums run in
  // the same order as two separate products would, so the iterates are bit-identical to that.
  let colSumFresh = false; // colSum = Kᵀu for the current K and u
  let error = Infinity, converged = false, it = 0;
  for (it = 0; it < maxIter; it++) {
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "Sinkhorn was aborted", { param: "signal" });
    // v = b / (Kᵀu); the first step is done exactly for every column, which also builds the kernel.
    badCols.length = 0;
    if (it === 0) {
      for (let j = 0; j < m; j++) badCols.push(j);
    } else {
      if (!colSumFresh) kTu();
      for (let j = 0; j < m; j++) { const vj = b[j]! / colSum[j]!; v[j] = vj; if (outside(vj)) badCols.push(j); }
    }
    colSumFresh = false;
    if (badCols.length > 0) {
      for (let i = 0; i < n; i++) F[i] = f[i]! + reg * Math.log(u[i]!);
      for (const j of badCols) exactColumn(j);
    }
    // u = a / (K v); a row that leaves [1/tau, tau] is absorbed at once (it only needs g and v, final here).
    if (k32) {
      // The same single pass in blocks of rows that stay in cache between the two products (K_B v, then K_Bᵀ u_B
      // added into Kᵀu, whose per-block parts are summed in float64 so the marginal error keeps the unblocked floor).
      const K32 = K as Float32Array;
      let gReady = false;
      for (let j = 0; j < m; j++) v32![j] = v[j]!;
      colSum.fill(0);
      for (let i0 = 0; i0 < n; i0 += rowBlock) {
        const nb = Math.min(rowBlock, n - i0), Kb = K32.subarray(i0 * m, (i0 + nb) * m);
        // K_B v in column chunks of ≤ 256 summed in float64: one float32 dot over all m columns loses ~10× the
        // accuracy (the marginal error then stalls near 1e-8, above ot-sinkhorn's default tol).
        rowSum.fill(0, i0, i0 + nb);
        for (let c0 = 0; c0 < m; c0 += 256) {
          const kc = Math.min(256, m - c0);
          k32.gemm(false, false, nb, 1, kc, 1, K32.subarray(i0 * m + c0), m, v32!.subarray(c0, c0 + kc), 1, 0, r32!, 1);
          for (let i = 0; i < nb; i++) rowSum[i0 + i]! += r32![i]!;
        }
        for (let i = i0; i < i0 + nb; i++) {
          const ui = a[i]! / rowSum[i]!;
          u[i] = ui;
          if (outside(ui)) {
            if (!gReady) { for (let j = 0; j < m; j++) G[j] = g[j]! + reg * Math.log(v[j]!); gReady = true; }
            exactRow(i);
          }
          u32![i] = u[i]!;
        }
        k32.gemm(true, false, m, 1, nb, 1, Kb, m, u32!.subarray(i0, i0 + nb), 1, 0, c32!, 1);
        for (let j = 0; j < m; j++) colSum[j]! += c32![j]!;
      }
      colSumFresh = true;
    } else {
      const Kd = K as Float64Array;
      let gReady = false;
      colSum.fill(0);
      for (let i = 0; i < n; i++) {
        const o = i * m;
        let s = 0;
        for (let j = 0; j < m; j++) s += Kd[o + j]! * v[j]!;
        const ui = a[i]! / s;
        u[i] = ui;
        if (outside(ui)) {
          if (!gReady) { for (let j = 0; j < m; j++) G[j] = g[j]! + reg * Math.log(v[j]!); gReady = true; }
          exactRow(i);
        }
        const uu = u[i]!;
        for (let j = 0; j < m; j++) colSum[j]! += Kd[o + j]! * uu;
      }
      colSumFresh = true;
    }
    if (it % 10 === 0) {
      if (!colSumFresh) { kTu(); colSumFresh = true; }
      let e = 0;
      for (let j = 0; j < m; j++) { const t = colSum[j]! * v[j]! - b[j]!; e += t * t; }
      error = Math.sqrt(e);
      opts.onCheck?.(it, maxIter, error);
      if (error < tol) { converged = true; break; }
    }
  }
  return { ...finish(f, g, u, v, plainCost(M), reg), iterations: Math.min(it + 1, maxIter), error, converged, kernel: "dense" };
}

/**
 * Absorption bound of the truncated path. Small, so a dropped entry's plan value (< theta·tau²) is provably
 * tiny at a truncation threshold that still drops most of a small-reg kernel; each absorption costs O(m) or O(n).
 */
const TRUNCATED_TAU = 1e4;

// The kept entries of the truncated kernel, row by row (CSR): row i holds len[i] entries, columns ascending, at
// start[i] in one pool, with room for cap[i]. A row that outgrows its room moves to the end of the pool; when
// the pool is full it is rebuilt in row order with room to spare (deterministic, amortised O(1) per insert).
class SparseRows {
  cols: Int32Array;
  vals: Float64Array;
  readonly start: Int32Array;
  readonly len: Int32Array;
  private readonly cap: Int32Array;
  private top = 0;

  /** maxEntries: the pool never grows past it; needing more throws TOO_DENSE (the kernel is not sparse). */
  constructor(readonly n: number, capacity: number, private readonly maxEntries: number) {
    this.cols = new Int32Array(capacity);
    this.vals = new Float64Array(capacity);
    this.start = new Int32Array(n);
    this.len = new Int32Array(n);
    this.cap = new Int32Array(n);
  }

  /** Room for `need` entries in row i, keeping its current entries. */
  private reserve(i: number, need: number): void {
    if (this.cap[i]! >= need) return;
    const room = need + (need >> 1) + 4;
    if (this.top + room > this.cols.length) this.repack(room);
    if (this.top + room > this.cols.length) throw TOO_DENSE;
    const s = this.start[i]!, L = this.len[i]!;
    this.cols.copyWithin(this.top, s, s + L);
    this.vals.copyWithin(this.top, s, s + L);
    this.start[i] = this.top; this.cap[i] = room; this.top += room;
  }

  private repack(extra: number): void {
    let used = extra;
    for (let i = 0; i < this.n; i++) used += this.len[i]! + (this.len[i]! >> 2) + 4;
    if (used > this.maxEntries) throw TOO_DENSE;
    const size = Math.min(2 * used, this.maxEntries), cols = new Int32Array(size), vals = new Float64Array(size);
    let p = 0;
    for (let i = 0; i < this.n; i++) {
      const s = this.start[i]!, L = this.len[i]!, room = L + (L >> 2) + 4;
      cols.set(this.cols.subarray(s, s + L), p); vals.set(this.vals.subarray(s, s + L), p);
      this.start[i] = p; this.cap[i] = room; p += room;
    }
    this.cols = cols; this.vals = vals; this.top = p;
  }

  /** Replace row i by the first L entries of (c, k). */
  setRow(i: number, c: Int32Array, k: Float64Array, L: number): void {
    this.len[i] = 0;
    this.reserve(i, L);
    const s = this.start[i]!;
    this.cols.set(c.subarray(0, L), s); this.vals.set(k.subarray(0, L), s);
    this.len[i] = L;
  }

  /** Set entry (i, j) to k if k ≥ theta, else drop it. */
  setEntry(i: number, j: number, k: number, theta: number): void {
    const s = this.start[i]!, L = this.len[i]!, c = this.cols;
    let lo = s, hi = s + L;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (c[mid]! < j) lo = mid + 1; else hi = mid; }
    if (lo < s + L && c[lo] === j) {
      if (k >= theta) { this.vals[lo] = k; return; }
      const kv = this.vals; // rows are short: a plain loop beats copyWithin's call overhead
      for (let p = lo; p < s + L - 1; p++) { c[p] = c[p + 1]!; kv[p] = kv[p + 1]!; }
      this.len[i] = L - 1;
      return;
    }
    if (!(k >= theta)) return;
    const at = lo - s;
    this.reserve(i, L + 1);
    const s2 = this.start[i]!, q = s2 + at, c2 = this.cols, kv = this.vals;
    for (let p = s2 + L; p > q; p--) { c2[p] = c2[p - 1]!; kv[p] = kv[p - 1]!; }
    c2[q] = j; kv[q] = k;
    this.len[i] = L + 1;
  }

  /** Repack in row order. */
  compact(): void {
    this.repack(0);
  }

  count(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.len[i]!;
    return s;
  }
}

/** Thrown inside the truncated path when the kept entries outgrow their memory cap. */
const TOO_DENSE = new Error("truncated kernel too dense");

// Sinkhorn on a truncated kernel (Schmitzer 2019, §3.3): the same start, iteration order, absorption rule and
// stopping test as the dense path, but the stabilised kernel is held as sparse rows of its entries ≥ theta.
// A row absorption rebuilds its row from M; a column absorption recomputes column j from Mᵀ and updates, inserts
// or drops its entry in every row that has or gets one. Every product is summed in float64. The first column
// step absorbs every column, which builds the kernel without ever forming a dense one.
//
// Log-sum-exp terms e^d with d below a cut (≤ −60) are skipped: each is < e^-60 of the largest term (1), so
// they change a sum of up to 1e9 terms by < 1e-17 relative; and since u, v ≤ tau and a_i, b_j ≤ 1, the cut
// (≤ log theta − log a_i − log tau − 1) also makes the skipped entries' kernel values < theta.
//
// The cost is a GroupedCost, M_ij = base_ij + offset[group(i)·m + j]: a plain matrix is one group with zero
// offsets, and Lp-L1's step cost M + η·W (W constant within a source class) is the same base for every step with
// new offsets, so it is never formed densely and Mᵀ is made once for all steps.
//
// Returns the potentials and scalings (not folded) and the kept plan entries u_i K_ij v_j, row by row; the caller
// forms a dense plan if it needs one (finish). Null when the kernel is too dense for the pool's memory cap.
export interface TruncatedState {
  f: Float64Array; g: Float64Array; u: Float64Array; v: Float64Array;
  iterations: number; error: number; converged: boolean; truncation: SinkhornTruncation;
  /** The plan on the kept entries: row i's entries are cols/vals[start[i] .. start[i] + len[i]). The plan mass
   *  outside them is below truncation.droppedMassBound. */
  support: { start: Int32Array; len: Int32Array; cols: Int32Array; vals: Float64Array };
}

/** An n×m cost M_ij = base_ij + offset[group[i]·m + j], summed in float64 in that order. */
export interface GroupedCost {
  rows: number;
  cols: number;
  /** Row-major n×m. */
  base: Float64Array;
  group: Int32Array;
  offset: Float64Array;
  /** baseᵀ (m×n), made by the first truncated solve that needs it and kept for later solves on the same base;
   *  float32 when every base entry is a float32 value (costs from the engine's float32 kernel are): then it holds
   *  them exactly in half the bytes, and the column absorptions, which stream it from memory, run faster. */
  baseT?: Float64Array | Float32Array;
}

/** A plain cost matrix as a GroupedCost (one group, zero offsets: M_ij + 0 is M_ij exactly). */
export function plainCost(M: Mat64): GroupedCost {
  return { rows: M.rows, cols: M.cols, base: M.data, group: new Int32Array(M.rows), offset: new Float64Array(M.cols) };
}

function exactInFloat32(A: Float64Array): boolean {
  for (let k = 0; k < A.length; k++) if (Math.fround(A[k]!) !== A[k]) return false;
  return true;
}

/** The m×n transpose of a row-major n×m array (float32 when lossless), in 64×64 blocks that stay in cache. */
function transpose(A: Float64Array, n: number, m: number): Float64Array | Float32Array {
  const T = exactInFloat32(A) ? new Float32Array(n * m) : new Float64Array(n * m);
  for (let i0 = 0; i0 < n; i0 += 64) {
    const i1 = Math.min(n, i0 + 64);
    for (let j0 = 0; j0 < m; j0 += 64) {
      const j1 = Math.min(m, j0 + 64);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) T[j * n + i] = A[i * m + j]!;
    }
  }
  return T;
}

/** Truncated-kernel Sinkhorn (see above) on a GroupedCost; opts.maxIter/tol default as
 *  sinkhornPlan's, opts.tau to 1e4. Null when the kernel is not sparse enough (then use the dense path). */
export function sinkhornTruncated(a: Float64Array, b: Float64Array, cost: GroupedCost, reg: number, opts: SinkhornOptions = {}): TruncatedState | null {
  if (cost.rows !== a.length || cost.cols !== b.length) throw new TransferLabError("SHAPE_MISMATCH", `cost matrix is ${cost.rows}×${cost.cols} but marginals have ${a.length} and ${b.length} entries`);
  if (!(reg > 0) || !Number.isFinite(reg)) throw new TransferLabError("INVALID_PARAMETER", `entropic regularisation must be positive, got ${reg}`, { param: "reg" });
  try {
    return truncatedIterations(a, b, cost, reg, opts.maxIter ?? 1000, opts.tol ?? 1e-9, opts.tau ?? TRUNCATED_TAU, opts);
  } catch (e) {
    if (e === TOO_DENSE) return null;
    throw e;
  }
}

function truncatedIterations(a: Float64Array, b: Float64Array, cost: GroupedCost, reg: number, maxIter: number, tol: number, tau: number, opts: SinkhornOptions): TruncatedState {
  const n = a.length, m = b.length;
  if (!(tau > 1) || !Number.isFinite(tau)) throw new TransferLabError("INVALID_PARAMETER", `absorption bound tau must be a finite number > 1, got ${tau}`, { param: "tau" });
  // (A tol so small that this underflows keeps everything above 1e-300, and the reported bound says so.)
  const theta = opts.theta ?? Math.max(1e-300, (tol * 1e-3) / (n * m * tau * tau));
  if (!(theta > 0) || !Number.isFinite(theta)) throw new TransferLabError("INVALID_PARAMETER", `truncation threshold theta must be positive, got ${theta}`, { param: "theta" });
  const logTheta = Math.log(theta), logTau = Math.log(tau), invReg = 1 / reg;
  const f = new Float64Array(n).fill(reg * Math.log(1 / n));
  const g = new Float64Array(m).fill(reg * Math.log(1 / m));
  const u = new Float64Array(n).fill(1);
  const v = new Float64Array(m).fill(1);
  const logA = Float64Array.from(a, Math.log), logB = Float64Array.from(b, Math.log);
  // Cuts in cost units (reg·d): a term with t < max + cut is skipped.
  const cutRow = Float64Array.from(logA, (la) => reg * Math.min(-60, logTheta - la - logTau - 1));
  const cutCol = Float64Array.from(logB, (lb) => reg * Math.min(-60, logTheta - lb - logTau - 1));
  const colSum = new Float64Array(m); // Kᵀu of the last row pass
  const G = new Float64Array(m);
  const candI = new Int32Array(Math.max(n, m)), candE = new Float64Array(Math.max(n, m));
  const held = new Int32Array(n), mark = new Int32Array(n), kNew = new Float64Array(n);
  let stamp = 0;
  // Pool cap: n·m/3 entries of 12 bytes, the memory of a dense float32 kernel (at least 65536 entries, 768 KB).
  const maxEntries = Math.max(65536, Math.floor((n * m) / 3));
  const K = new SparseRows(n, Math.min(maxEntries, Math.max(1024, 16 * (n + m))), maxEntries);
  // baseᵀ, so a column absorption reads its costs contiguously (in place of the dense path's n×m kernel); each
  // cost is formed as base + offset where it is read.
  const Mb = cost.base, grp = cost.group, off = cost.offset, Mt = (cost.baseT ??= transpose(Mb, n, m));
  const colOff = new Float64Array(off.length / m);

  // Keeps the first r candidates whose exponent t exceeds lim, each replaced by exp((t − mx)/reg), packed to the
  // front of candI/candE; returns their sum and leaves their count in `expKept`.
  let expKept = 0;
  const expAbove = (r: number, mx: number, lim: number): number => {
    let s = 0, q = 0;
    for (let p = 0; p < r; p++) {
      const t = candE[p]!;
      if (t > lim) { const e = Math.exp((t - mx) * invReg); candI[q] = candI[p]!; candE[q] = e; q++; s += e; }
    }
    expKept = q;
    return s;
  };
  // Exact log-domain step for column j given F_i = f_i + reg·log u_i: the new g_j (v_j = 1) and column j of the
  // kernel. Only rows whose old entry exp((f_i + g_j − M_ij)/reg) is ≥ theta/e ("held": f_i − M_ij ≥ heldBelow)
  // can hold column j (an entry's stabilised value is fixed between absorptions); the others skip the search
  // unless they gain an entry. The scan uses f_i − M_ij, no logarithms: F_i = f_i + reg·log u_i lies within
  // w = reg·log tau of f_i, so a row whose t = F_i − M_ij is above max t + cut has f_i − M_ij above the running
  // max − 2w + cut (w2 adds a margin of reg for rounding). Only those candidates and the held rows get F_i; the sum
  // then runs over the rows with t > max t + cut, in row order, as a full pass over F would.
  // fresh: the kernel has no entries yet (the first step), so no row holds column j.
  const absorbColumn = (j: number, fresh: boolean): void => {
    for (let c = 0; c < colOff.length; c++) colOff[c] = off[c * m + j]!;
    const o = j * n, heldBelow = reg * (logTheta - 1) - g[j]!, cut = cutCol[j]!, w2 = 2 * reg * (logTau + 1);
    let mx0 = -Infinity, low = -Infinity, h = 0, r = 0;
    for (let i = 0; i < n; i++) {
      const t0 = f[i]! - (Mt[o + i]! + colOff[grp[i]!]!);
      if (t0 >= low) {
        if (t0 > mx0) { mx0 = t0; low = Math.min(t0 - w2 + cut, heldBelow); }
        candI[r] = i; candE[r] = t0; r++;
      }
    }
    let mx = -Infinity;
    for (let p = 0; p < r; p++) {
      const i = candI[p]!;
      if (!fresh && candE[p]! >= heldBelow) held[h++] = i;
      const t = candE[p]! + reg * Math.log(u[i]!); // = F_i − M_ij
      candE[p] = t;
      if (t > mx) mx = t;
    }
    const lim = mx + cut;
    const s = expAbove(r, mx, lim), q = expKept;
    g[j] = reg * logB[j]! - mx - reg * Math.log(s);
    v[j] = 1;
    const c = b[j]! / s;
    stamp++;
    for (let p = 0; p < q; p++) {
      const i = candI[p]!, k = (candE[p]! * c) / u[i]!;
      kNew[i] = k; mark[i] = stamp;
      if (k >= theta) K.setEntry(i, j, k, theta);
    }
    for (let p = 0; p < h; p++) {
      const i = held[p]!, k = mark[i] === stamp ? kNew[i]! : 0;
      if (!(k >= theta)) K.setEntry(i, j, k, theta);
    }
  };
  // Exact log-domain step for row i given G_j = g_j + reg·log v_j: the new f_i (u_i = 1) and row i rebuilt.
  const absorbRow = (i: number): void => {
    const o = i * m, w = grp[i]! * m, cut = cutRow[i]!;
    let mx = -Infinity, lim = -Infinity, r = 0;
    for (let j = 0; j < m; j++) {
      const t = G[j]! - (Mb[o + j]! + off[w + j]!);
      if (t > lim) { if (t > mx) { mx = t; lim = t + cut; } candI[r] = j; candE[r] = t; r++; }
    }
    const s = expAbove(r, mx, lim), q = expKept;
    f[i] = reg * logA[i]! - mx - reg * Math.log(s);
    u[i] = 1;
    const c = a[i]! / s;
    let L = 0;
    for (let p = 0; p < q; p++) {
      const j = candI[p]!, k = (candE[p]! * c) / v[j]!;
      if (k >= theta) { candI[L] = j; candE[L] = k; L++; }
    }
    K.setRow(i, candI, candE, L);
  };
  const outside = (x: number): boolean => !(x > 1 / tau && x < tau);

  const badCols: number[] = [];
  let rowAbsorptions = 0, columnAbsorptions = 0;
  let error = Infinity, converged = false, it = 0;
  for (it = 0; it < maxIter; it++) {
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "Sinkhorn was aborted", { param: "signal" });
    // v = b / (Kᵀu), Kᵀu from the previous row pass; the first step absorbs every column and builds the kernel.
    if (it === 0) {
      // Every column exactly, which builds the kernel column by column (entries append at the rows' ends);
      // then the pool is repacked in row order for the products.
      for (let j = 0; j < m; j++) absorbColumn(j, true);
      K.compact();
      columnAbsorptions += m;
    } else {
      badCols.length = 0;
      for (let j = 0; j < m; j++) { const vj = b[j]! / colSum[j]!; v[j] = vj; if (outside(vj)) badCols.push(j); }
      if (badCols.length > 0) {
        for (const j of badCols) absorbColumn(j, false);
        columnAbsorptions += badCols.length;
      }
    }
    // u = a / (K v) row by row; an out-of-range row is absorbed at once; then the row adds its share to Kᵀu.
    let gReady = false;
    colSum.fill(0);
    // Locals, not the closures' captured variables, so the hot loops keep them in registers.
    const vv = v, cs = colSum, uu = u, aa = a, start = K.start, len = K.len, lo = 1 / tau;
    for (let i = 0; i < n; i++) {
      let o = start[i]!, e = o + len[i]!, kc = K.cols, kv = K.vals;
      // Two partial sums (even and odd positions) halve the add latency chain; fixed order, so deterministic.
      let s0 = 0, s1 = 0, p = o;
      for (; p + 1 < e; p += 2) { s0 += kv[p]! * vv[kc[p]!]!; s1 += kv[p + 1]! * vv[kc[p + 1]!]!; }
      if (p < e) s0 += kv[p]! * vv[kc[p]!]!;
      const ui = aa[i]! / (s0 + s1);
      uu[i] = ui;
      if (!(ui > lo && ui < tau)) {
        if (!gReady) { for (let j = 0; j < m; j++) G[j] = g[j]! + reg * Math.log(v[j]!); gReady = true; }
        absorbRow(i);
        rowAbsorptions++;
        o = start[i]!; e = o + len[i]!; kc = K.cols; kv = K.vals;
      }
      const ui2 = uu[i]!;
      let p2 = o;
      for (; p2 + 1 < e; p2 += 2) { cs[kc[p2]!]! += kv[p2]! * ui2; cs[kc[p2 + 1]!]! += kv[p2 + 1]! * ui2; }
      if (p2 < e) cs[kc[p2]!]! += kv[p2]! * ui2;
    }
    if (it % 10 === 0) {
      let e = 0;
      for (let j = 0; j < m; j++) { const t = colSum[j]! * v[j]! - b[j]!; e += t * t; }
      error = Math.sqrt(e);
      opts.onCheck?.(it, maxIter, error);
      if (error < tol) { converged = true; break; }
    }
  }
  const kept = K.count();
  const truncation: SinkhornTruncation = { theta, tau, kept, droppedMassBound: (n * m - kept) * theta * tau * tau, rowAbsorptions, columnAbsorptions };
  // The kept kernel entries become plan entries u_i K_ij v_j in place.
  for (let i = 0; i < n; i++) {
    const o = K.start[i]!, e = o + K.len[i]!, ui = u[i]!;
    for (let p = o; p < e; p++) K.vals[p] = ui * K.vals[p]! * v[K.cols[p]!]!;
  }
  return { f, g, u, v, iterations: Math.min(it + 1, maxIter), error, converged, truncation, support: { start: K.start, len: K.len, cols: K.cols, vals: K.vals } };
}

// Folds the scalings into the potentials and forms the plan exp((f_i + g_j − M_ij)/reg) (0 where it underflows).
export function finish(f: Float64Array, g: Float64Array, u: Float64Array, v: Float64Array, cost: GroupedCost, reg: number): { plan: Mat64; f: Float64Array; g: Float64Array } {
  const n = f.length, m = g.length, Mb = cost.base, off = cost.offset;
  for (let i = 0; i < n; i++) f[i]! += reg * Math.log(u[i]!);
  for (let j = 0; j < m; j++) g[j]! += reg * Math.log(v[j]!);
  const plan = mat64(n, m);
  for (let i = 0; i < n; i++) {
    const o = i * m, w = cost.group[i]! * m, fi = f[i]!;
    for (let j = 0; j < m; j++) { const x = (fi + g[j]! - (Mb[o + j]! + off[w + j]!)) / reg; plan.data[o + j] = x < -746 ? 0 : Math.exp(x); }
  }
  return { plan, f, g };
}
