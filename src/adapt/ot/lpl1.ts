// Entropic OT with a class-based group-lasso regulariser (Lp-L1, p = 1/2), solved by majorisation–
// minimisation: each outer step re-weights the cost with the derivative of Σ_c Σ_j (Σ_{i∈c} P_ij + ε)^p and
// solves a Sinkhorn problem. Courty, Flamary, Tuia & Rakotomamonjy, "Optimal Transport for Domain
// Adaptation", IEEE TPAMI 2017; the same scheme and constants (p = 1/2, ε = 1e−3, W starts at 0) as POT's
// ot.da.sinkhorn_lpl1_mm, so plans agree iterate by iterate.
// The weights W_ij depend on i only through its class, so W is held as C×m and the step's cost M + η·W is formed
// row by row (or column by column) where the solver reads it: no dense W or M + η·W on the truncated path, and
// its intermediate steps take the class masses from the kept plan entries instead of forming a dense plan.
import type { Labels } from "../../core/domain.js";
import { TransferLabError } from "../../core/errors.js";
import { mat64, type Mat64 } from "../../core/linalg.js";
import { finish, sinkhornPlan, sinkhornTruncated, type GroupedCost, type SinkhornResult } from "./sinkhorn.js";

export interface Lpl1Options {
  /** Outer majorisation–minimisation steps (POT default 10). */
  maxIter?: number;
  /** Sinkhorn iterations per step (POT default 200) and their tolerance (1e-9). */
  maxInnerIter?: number;
  innerTol?: number;
  signal?: AbortSignal;
  /** Passed to each inner Sinkhorn solve (see SinkhornOptions.precision, .kernel and .tau). */
  precision?: "float32" | "float64";
  kernel?: "dense" | "truncated";
  tau?: number;
  /** Called after each majorisation–minimisation step (1-based) with the facts of that step's Sinkhorn solve. */
  onStep?: (step: number, of: number, solve: Lpl1Step) => void;
}

/** One step's Sinkhorn solve, without its plan. */
export type Lpl1Step = Pick<SinkhornResult, "iterations" | "error" | "converged" | "kernel" | "truncation">;

export function sinkhornLpl1Plan(a: Float64Array, ys: Labels, b: Float64Array, M: Mat64, reg: number, eta: number, opts: Lpl1Options = {}): Mat64 {
  const n = a.length, m = b.length;
  if (ys.length !== n) throw new TransferLabError("SHAPE_MISMATCH", `${ys.length} source labels for ${n} source points`);
  if (!(eta >= 0)) throw new TransferLabError("INVALID_PARAMETER", `class regularisation must be ≥ 0, got ${eta}`, { param: "regClass" });
  const p = 0.5, epsilon = 1e-3;
  const classes = Array.from(new Set(ys)).sort((x, y) => x - y);
  const cls = Int32Array.from(ys, (c) => classes.indexOf(c));
  const C = classes.length;
  // The step's cost M + η·W with W_ij = W[class(i)·m + j] (W starts at 0): M plus the class offsets η·W.
  const cost: GroupedCost = { rows: n, cols: m, base: M.data, group: cls, offset: new Float64Array(C * m) };
  const mass = new Float64Array(C * m);
  const maxIter = opts.maxIter ?? 10;
  const inner = { maxIter: opts.maxInnerIter ?? 200, tol: opts.innerTol ?? 1e-9, signal: opts.signal, precision: opts.precision, ...(opts.tau !== undefined ? { tau: opts.tau } : {}) };
  let plan: Mat64 | null = null;
  let Mreg: Mat64 | null = null;
  for (let it = 0; it < maxIter; it++) {
    const last = it === maxIter - 1;
    mass.fill(0);
    const solved = opts.kernel === "truncated" ? sinkhornTruncated(a, b, cost, reg, inner) : null;
    if (solved !== null) {
      if (last) {
        delete cost.baseT;
        plan = finish(solved.f, solved.g, solved.u, solved.v, cost, reg).plan;
      } else {
        // Σ_{i∈c} P_ij over the kept entries; the mass outside them is < truncation.droppedMassBound.
        const { start, len, cols, vals } = solved.support;
        for (let i = 0; i < n; i++) {
          const o = cls[i]! * m;
          for (let q = start[i]!, e = q + len[i]!; q < e; q++) mass[o + cols[q]!]! += vals[q]!;
        }
      }
      opts.onStep?.(it + 1, maxIter, { iterations: solved.iterations, error: solved.error, converged: solved.converged, kernel: "truncated", truncation: solved.truncation });
    } else {
      // Dense kernel (small problems, or a truncated kernel that is not sparse): the step's cost materialised.
      Mreg ??= mat64(n, m);
      for (let i = 0; i < n; i++) {
        const r = i * m, w = cls[i]! * m;
        for (let j = 0; j < m; j++) Mreg.data[r + j] = M.data[r + j]! + cost.offset[w + j]!;
      }
      const s = sinkhornPlan(a, b, Mreg, reg, inner);
      plan = s.plan;
      for (let i = 0; i < n; i++) {
        const o = cls[i]! * m, r = i * m;
        for (let j = 0; j < m; j++) mass[o + j]! += s.plan.data[r + j]!;
      }
      opts.onStep?.(it + 1, maxIter, s);
    }
    // W_ij = p·(Σ_{i'∈class(i)} P_i'j + ε)^{p−1}
    if (!last) for (let k = 0; k < C * m; k++) cost.offset[k] = eta * (p * (mass[k]! + epsilon) ** (p - 1));
  }
  return plan ?? mat64(n, m);
}
