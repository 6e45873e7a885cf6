// Entropic OT (Cuturi 2013) by Sinkhorn–Knopp, stabilised in the log domain by absorption (Schmitzer 2019,
// "Stabilized sparse scaling algorithms for entropy regularized transport problems"): a row's or column's
// scaling is folded into its dual potential whenever it leaves [1/tau, tau] or the scaled step under/overflows,
// by an exact log-sum-exp step for that row/column, and only that part of the kernel exp((f_i + g_j − M_ij)/reg)
// is rebuilt. So small reg (e.g. 0.01 on raw pixel costs) never under- or overflows, while most iterations
// cost two plain matrix–vector products. The iteration order, the start
// (u = 1/n, v = 1/m) and the stopping test (‖Pᵀ1 − b‖₂ < tol, checked every 10 iterations) are POT's
// sinkhorn_knopp, so both produce the same iterates where POT's plain version is still finite.
import { TransferLabError } from "../../core/errors.js";
import { mat64, type Mat64 } from "../feature/linalg.js";
import { kernels } from "../../engine/kernels/index.js";

export interface SinkhornOptions {
  maxIter?: number;
  tol?: number;
  /** Absorb a row's or column's scaling into its potential once it leaves [1/tau, tau] (or under/overflows). */
  tau?: number;
  signal?: AbortSignal;
  /**
   * "float64" (default) keeps the scaled kernel in double precision with TypeScript loops; "float32" stores it
   * in single precision and runs the two matrix–vector products per iteration on the engine's kernels
   * (kernels().gemm: native/wasm SIMD). The kernel's entries then carry ~1e-7 relative rounding, so the
   * marginal error cannot go much below ~1e-7·‖b‖₂ (so tol should be above that); potentials and the plan stay float64.
   */
  precision?: "float64" | "float32";
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
}

export function sinkhornPlan(a: Float64Array, b: Float64Array, M: Mat64, reg: number, opts: SinkhornOptions = {}): SinkhornResult {
  const n = a.length, m = b.length;
  if (M.rows !== n || M.cols !== m) throw new TransferLabError("SHAPE_MISMATCH", `cost matrix is ${M.rows}×${M.cols} but marginals have ${n} and ${m} entries`);
  if (!(reg > 0) || !Number.isFinite(reg)) throw new TransferLabError("INVALID_PARAMETER", `entropic regularisation must be positive, got ${reg}`, { param: "reg" });
  const maxIter = opts.maxIter ?? 1000;
  const tol = opts.tol ?? 1e-9;
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
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "Sinkhorn was aborted");
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
      if (error < tol) { converged = true; break; }
    }
  }
  for (let i = 0; i < n; i++) f[i]! += reg * Math.log(u[i]!);
  for (let j = 0; j < m; j++) g[j]! += reg * Math.log(v[j]!);
  const plan = mat64(n, m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) plan.data[o + j] = Math.exp((f[i]! + g[j]! - Md[o + j]!) / reg);
  }
  return { plan, f, g, iterations: Math.min(it + 1, maxIter), error, converged };
}
