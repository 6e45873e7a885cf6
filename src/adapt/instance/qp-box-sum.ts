// Convex QP over a box with a bounded sum — the problem Kernel Mean Matching solves:
//   minimise ½ βᵀKβ − κᵀβ   subject to   0 ≤ β_i ≤ B,   lo ≤ Σβ_i ≤ hi,
// with K positive semi-definite. Solved by accelerated projected gradient (FISTA, Beck & Teboulle 2009) with
// adaptive restart (O'Donoghue & Candès 2015); the projection onto {box ∩ sum slab} is exact (a 1-D root of a
// monotone piecewise-linear function). K is only touched through `mul` (β ↦ Kβ), so the same solver runs on a
// dense matrix or on a low-rank (Nyström) factor.

export interface BoxSumQp {
  n: number;
  /** out ← K·v */
  mul(v: Float64Array, out: Float64Array): void;
  kappa: Float64Array;
  upper: number;
  sumLo: number;
  sumHi: number;
}

export interface QpResult {
  beta: Float64Array;
  iterations: number;
  objective: number;
  converged: boolean;
}

/** Euclidean projection of v onto {0 ≤ x ≤ B, lo ≤ Σx ≤ hi}, written into out. */
export function projectBoxSum(v: Float64Array, B: number, lo: number, hi: number, out: Float64Array): void {
  const n = v.length;
  const sumAt = (tau: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.min(B, Math.max(0, v[i]! - tau));
    return s;
  };
  const s0 = sumAt(0);
  let tau = 0;
  if (s0 > hi || s0 < lo) {
    const target = s0 > hi ? hi : lo;
    // Σ clip(v − τ) is non-increasing in τ; bracket the root, bisect, then solve exactly on the final linear piece.
    let vmin = Infinity, vmax = -Infinity;
    for (let i = 0; i < n; i++) { if (v[i]! < vmin) vmin = v[i]!; if (v[i]! > vmax) vmax = v[i]!; }
    let a = vmin - B, b = vmax; // sumAt(a) = n·B ≥ target, sumAt(b) = 0 ≤ target
    for (let it = 0; it < 100 && b - a > 1e-15 * (1 + Math.abs(a) + Math.abs(b)); it++) {
      const mid = 0.5 * (a + b);
      if (sumAt(mid) > target) a = mid;
      else b = mid;
    }
    tau = 0.5 * (a + b);
    // On the piece containing τ the free coordinates (0 < v − τ < B) fix the slope: solve for τ exactly.
    let free = 0, sFree = 0, sUp = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i]! - tau;
      if (x >= B) sUp += B;
      else if (x > 0) { free++; sFree += v[i]!; }
    }
    if (free > 0) {
      const exact = (sFree + sUp - target) / free;
      if (Number.isFinite(exact) && exact >= a - 1e-12 && exact <= b + 1e-12) tau = exact;
    }
  }
  for (let i = 0; i < n; i++) out[i] = Math.min(B, Math.max(0, v[i]! - tau));
}

/** Largest eigenvalue of K by power iteration (an estimate; the caller adds a margin). */
export function powerIteration(n: number, mul: (v: Float64Array, out: Float64Array) => void, iters = 50): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let w = new Float64Array(n);
  let lambda = 0;
  for (let k = 0; k < iters; k++) {
    mul(v, w);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += w[i]! * w[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    lambda = norm;
    for (let i = 0; i < n; i++) w[i]! /= norm;
    [v, w] = [w, v];
  }
  return lambda;
}

export function solveBoxSumQp(qp: BoxSumQp, opts: { maxIter: number; tol: number; lipschitz?: number; signal?: AbortSignal; onIter?: (k: number) => void }): QpResult {
  const { n, kappa, upper: B, sumLo, sumHi } = qp;
  const L = (opts.lipschitz ?? powerIteration(n, qp.mul) * 1.05) || 1;
  const step = 1 / L;
  // Feasible start: the uniform point with Σβ = n clipped into the slab (β = 1 is KMM's "no reweighting").
  let x = new Float64Array(n);
  projectBoxSum(new Float64Array(n).fill(1), B, sumLo, sumHi, x);
  let xPrev = x.slice();
  const y = x.slice();
  const g = new Float64Array(n), Kx = new Float64Array(n), tmp = new Float64Array(n);
  const objective = (v: Float64Array, Kv: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i]! * (0.5 * Kv[i]! - kappa[i]!);
    return s;
  };
  let t = 1, it = 0, converged = false;
  for (; it < opts.maxIter; it++) {
    if (opts.signal?.aborted) break;
    qp.mul(y, g);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! - step * (g[i]! - kappa[i]!);
    [xPrev, x] = [x, xPrev];
    projectBoxSum(tmp, B, sumLo, sumHi, x);
    // Convergence: relative change of the iterate.
    let dn = 0, xn = 0, restart = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i]! - xPrev[i]!;
      dn += d * d;
      xn += x[i]! * x[i]!;
      restart += (y[i]! - x[i]!) * d; // gradient-mapping restart test: (y − x_new)·(x_new − x_old) > 0
    }
    if (Math.sqrt(dn) <= opts.tol * Math.max(1, Math.sqrt(xn))) { converged = true; it++; break; }
    let tNext: number;
    if (restart > 0) { t = 1; tNext = 1; } else tNext = 0.5 * (1 + Math.sqrt(1 + 4 * t * t));
    const mom = (t - 1) / tNext;
    for (let i = 0; i < n; i++) y[i] = x[i]! + mom * (x[i]! - xPrev[i]!);
    t = tNext;
    opts.onIter?.(it);
  }
  qp.mul(x, Kx);
  return { beta: x, iterations: it, objective: objective(x, Kx), converged };
}
