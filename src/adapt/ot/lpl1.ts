// Entropic OT with a class-based group-lasso regulariser (Lp-L1, p = 1/2), solved by majorisation–
// minimisation: each outer step re-weights the cost with the derivative of Σ_c Σ_j (Σ_{i∈c} P_ij + ε)^p and
// solves a Sinkhorn problem. Courty, Flamary, Tuia & Rakotomamonjy, "Optimal Transport for Domain
// Adaptation", IEEE TPAMI 2017; the same scheme and constants (p = 1/2, ε = 1e−3, W starts at 0) as POT's
// ot.da.sinkhorn_lpl1_mm, so plans agree iterate by iterate.
import type { Labels } from "../../core/domain.js";
import { TransferLabError } from "../../core/errors.js";
import { mat64, type Mat64 } from "../../core/linalg.js";
import { sinkhornPlan, type SinkhornResult } from "./sinkhorn.js";

export interface Lpl1Options {
  /** Outer majorisation–minimisation steps (POT default 10). */
  maxIter?: number;
  /** Sinkhorn iterations per step (POT default 200) and their tolerance (1e-9). */
  maxInnerIter?: number;
  innerTol?: number;
  signal?: AbortSignal;
  /** Passed to each inner Sinkhorn solve (see SinkhornOptions.precision and .kernel). */
  precision?: "float64" | "float32";
  kernel?: "dense" | "truncated";
  /** Called after each majorisation–minimisation step (1-based) with that step's Sinkhorn solve. */
  onStep?: (step: number, of: number, solve: SinkhornResult) => void;
}

export function sinkhornLpl1Plan(a: Float64Array, ys: Labels, b: Float64Array, M: Mat64, reg: number, eta: number, opts: Lpl1Options = {}): Mat64 {
  const n = a.length, m = b.length;
  if (ys.length !== n) throw new TransferLabError("SHAPE_MISMATCH", `${ys.length} source labels for ${n} source points`);
  if (!(eta >= 0)) throw new TransferLabError("INVALID_PARAMETER", `class regularisation must be ≥ 0, got ${eta}`, { param: "regClass" });
  const p = 0.5, epsilon = 1e-3;
  const classes = Array.from(new Set(ys)).sort((x, y) => x - y);
  const members = classes.map((c) => { const idx: number[] = []; for (let i = 0; i < n; i++) if (ys[i] === c) idx.push(i); return idx; });
  const W = mat64(n, m);
  const Mreg = mat64(n, m);
  let plan = mat64(n, m);
  const maxIter = opts.maxIter ?? 10;
  for (let it = 0; it < maxIter; it++) {
    for (let k = 0; k < M.data.length; k++) Mreg.data[k] = M.data[k]! + eta * W.data[k]!;
    const solved = sinkhornPlan(a, b, Mreg, reg, { maxIter: opts.maxInnerIter ?? 200, tol: opts.innerTol ?? 1e-9, signal: opts.signal, precision: opts.precision, kernel: opts.kernel });
    plan = solved.plan;
    opts.onStep?.(it + 1, maxIter, solved);
    // W_ij = p·(Σ_{i'∈class(i)} P_i'j + ε)^{p−1}
    for (const idx of members) {
      const mass = new Float64Array(m);
      for (const i of idx) for (let j = 0; j < m; j++) mass[j]! += plan.data[i * m + j]!;
      for (let j = 0; j < m; j++) mass[j] = p * (mass[j]! + epsilon) ** (p - 1);
      for (const i of idx) W.data.set(mass, i * m);
    }
  }
  return plan;
}
