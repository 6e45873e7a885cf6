// Entropic OT (Cuturi 2013) by Sinkhorn–Knopp, stabilised in the log domain by absorption (Schmitzer 2019,
// "Stabilized sparse scaling algorithms for entropy regularized transport problems"): the scalings u, v are
// folded into dual potentials f, g whenever they grow, and the kernel is rebuilt as exp((f_i + g_j − M_ij)/reg),
// so small reg (e.g. 0.01 on raw pixel costs) never under- or overflows. The iteration order, the start
// (u = 1/n, v = 1/m) and the stopping test (‖Pᵀ1 − b‖₂ < tol, checked every 10 iterations) are POT's
// sinkhorn_knopp, so both produce the same iterates where POT's plain version is still finite.
import { TransferLabError } from "../../core/errors.js";
import { mat64, type Mat64 } from "../feature/linalg.js";

export interface SinkhornOptions {
  maxIter?: number;
  tol?: number;
  /** Absorb scalings into the potentials once they leave [1/tau, tau]. */
  tau?: number;
  signal?: AbortSignal;
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
  const tau = opts.tau ?? 1e30;
  const Md = M.data;
  // Potentials start at reg·log(1/n), reg·log(1/m): POT's u = 1/n, v = 1/m.
  const f = new Float64Array(n).fill(reg * Math.log(1 / n));
  const g = new Float64Array(m).fill(reg * Math.log(1 / m));
  const u = new Float64Array(n).fill(1);
  const v = new Float64Array(m).fill(1);
  const K = new Float64Array(n * m);
  const logA = Float64Array.from(a, Math.log), logB = Float64Array.from(b, Math.log);
  const colSum = new Float64Array(m);
  const rowSum = new Float64Array(n);

  const rebuild = (): void => {
    for (let i = 0; i < n; i++) {
      const fi = f[i]!, o = i * m;
      for (let j = 0; j < m; j++) K[o + j] = Math.exp((fi + g[j]! - Md[o + j]!) / reg);
    }
  };
  const absorb = (): void => {
    for (let i = 0; i < n; i++) { f[i]! += reg * Math.log(u[i]!); u[i] = 1; }
    for (let j = 0; j < m; j++) { g[j]! += reg * Math.log(v[j]!); v[j] = 1; }
  };
  // Exact log-domain half steps (log-sum-exp), used to start and whenever a scaled step is not finite.
  const exactG = (): void => {
    const mx = new Float64Array(m).fill(-Infinity);
    for (let i = 0; i < n; i++) { const o = i * m, fi = f[i]!; for (let j = 0; j < m; j++) { const t = (fi - Md[o + j]!) / reg; if (t > mx[j]!) mx[j] = t; } }
    const s = new Float64Array(m);
    for (let i = 0; i < n; i++) { const o = i * m, fi = f[i]!; for (let j = 0; j < m; j++) s[j]! += Math.exp((fi - Md[o + j]!) / reg - mx[j]!); }
    for (let j = 0; j < m; j++) g[j] = reg * (logB[j]! - mx[j]! - Math.log(s[j]!));
  };
  const exactF = (): void => {
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let mx = -Infinity;
      for (let j = 0; j < m; j++) { const t = (g[j]! - Md[o + j]!) / reg; if (t > mx) mx = t; }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp((g[j]! - Md[o + j]!) / reg - mx);
      f[i] = reg * (logA[i]! - mx - Math.log(s));
    }
  };

  let kernelFresh = false;
  let error = Infinity, converged = false, it = 0;
  for (it = 0; it < maxIter; it++) {
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "Sinkhorn was aborted");
    if (!kernelFresh) {
      // First step (and recovery): exact half steps in the log domain, then a kernel scaled to them.
      exactG();
      exactF();
      rebuild();
      kernelFresh = true;
    } else {
      // v = b / (Kᵀu), then u = a / (K v), on the absorbed kernel.
      colSum.fill(0);
      for (let i = 0; i < n; i++) { const ui = u[i]!, o = i * m; for (let j = 0; j < m; j++) colSum[j]! += K[o + j]! * ui; }
      let ok = true;
      for (let j = 0; j < m; j++) { const vj = b[j]! / colSum[j]!; v[j] = vj; if (!(vj > 0 && vj < Infinity)) ok = false; }
      if (ok) {
        for (let i = 0; i < n; i++) { let s = 0; const o = i * m; for (let j = 0; j < m; j++) s += K[o + j]! * v[j]!; rowSum[i] = s; }
        for (let i = 0; i < n; i++) { const ui = a[i]! / rowSum[i]!; u[i] = ui; if (!(ui > 0 && ui < Infinity)) ok = false; }
      }
      if (!ok) {
        // A kernel column or row underflowed: fall back to the exact log-domain step from the last finite potentials.
        u.fill(1); v.fill(1);
        exactG(); exactF(); rebuild();
      } else {
        let big = false;
        for (let i = 0; i < n && !big; i++) if (u[i]! > tau || u[i]! < 1 / tau) big = true;
        for (let j = 0; j < m && !big; j++) if (v[j]! > tau || v[j]! < 1 / tau) big = true;
        if (big) { absorb(); rebuild(); }
      }
    }
    if (it % 10 === 0) {
      colSum.fill(0);
      for (let i = 0; i < n; i++) { const ui = u[i]!, o = i * m; for (let j = 0; j < m; j++) colSum[j]! += K[o + j]! * ui; }
      let e = 0;
      for (let j = 0; j < m; j++) { const t = colSum[j]! * v[j]! - b[j]!; e += t * t; }
      error = Math.sqrt(e);
      if (error < tol) { converged = true; break; }
    }
  }
  absorb();
  const plan = mat64(n, m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) plan.data[o + j] = Math.exp((f[i]! + g[j]! - Md[o + j]!) / reg);
  }
  return { plan, f, g, iterations: Math.min(it + 1, maxIter), error, converged };
}
