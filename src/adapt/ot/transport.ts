// Shared by the OT methods: solve for a coupling between the source and target clouds, move every source point
// to its barycentric image, and keep the out-of-sample displacement map. When the dense n×m matrices the solver
// needs exceed the memory budget, the coupling is computed by mini-batch OT (Fatras, Zine, Flamary, Gribonval
// & Courty, "Learning with minibatch Wasserstein", AISTATS 2020): the source is split into random batches,
// each transported onto a random target batch of the same size, and each source point is mapped to its
// barycentre within its batch's coupling. The fit says so in its notes.
import type { Matrix } from "../../core/matrix.js";
import type { Labels } from "../../core/domain.js";
import { TransferLabError } from "../../core/errors.js";
import { denseBytes, fitsBudget, formatBytes, memoryBudget, requireBudget, throwIfAborted } from "../base.js";
import type { FitContext } from "../types.js";
import type { Mat64 } from "../../core/linalg.js";
import { normalizeCost, sqeuclideanCost, uniformWeights, type CostNorm } from "./cost.js";
import { barycentricMap, displacementMap, type SourceMap } from "./mapping.js";

/** Solves one OT problem between uniform clouds (ys: labels of the source rows in this problem). */
export type CouplingSolver = (a: Float64Array, b: Float64Array, M: Mat64, ys: Labels) => { plan: Mat64; notes?: string[]; info?: Record<string, unknown> };

export interface TransportOptions {
  costNorm: CostNorm;
  approximation: "auto" | "exact" | "minibatch";
  batchSize: number;
  /** How many n×m float64 matrices the solver holds at once (cost, kernel, plan, …). */
  denseCopies: number;
  method: string;
}

export interface TransportResult {
  mappedSource: Matrix;
  sourceMap: SourceMap;
  /** The full coupling (exact mode only). */
  coupling?: Mat64;
  notes: string[];
  approximation: "exact" | "minibatch";
  /** Solver facts (e.g. Sinkhorn iterations) of the exact solve. */
  info?: Record<string, unknown>;
}

export function transportSource(Xs: Matrix, ys: Labels, Xt: Matrix, solve: CouplingSolver, opts: TransportOptions, ctx: FitContext): TransportResult {
  const ns = Xs.rows, nt = Xt.rows;
  const need = opts.denseCopies * denseBytes(ns, nt);
  const exact = opts.approximation === "exact" || (opts.approximation === "auto" && fitsBudget(ctx, need));
  if (exact) {
    requireBudget(ctx, need, `${opts.method} on ${ns}×${nt} points (${opts.denseCopies} dense ${ns}×${nt} matrices)`, "use approximation 'minibatch' or 'auto'");
    // Large problems take their costs from the engine's fast kernel (float32; an error of ~1e-7 relative in M
    // is far below what moves a coupling at useful regularisations); small ones sum in float64.
    const M = normalizeCost(sqeuclideanCost(Xs, Xt, ns * nt * Xs.cols > 5e7 ? "float32" : "float64"), opts.costNorm);
    const solved = solve(uniformWeights(ns), uniformWeights(nt), M, ys);
    throwIfAborted(ctx.signal);
    const coupling = solved.plan;
    const mapped = barycentricMap(coupling, Xt);
    return { mappedSource: mapped, sourceMap: displacementMap(Xs, mapped), coupling, notes: solved.notes ?? [], approximation: "exact", info: solved.info };
  }
  // Mini-batch OT.
  const B = Math.max(2, Math.min(opts.batchSize, ns, nt));
  requireBudget(ctx, opts.denseCopies * denseBytes(B, B), `${opts.method} mini-batches of ${B}×${B}`, "lower batchSize");
  const rng = ctx.rng.fork(`${opts.method}:minibatch`);
  const order = rng.permutation(ns);
  const d = Xs.cols;
  const mapped = Xs.clone();
  const nBatches = Math.ceil(ns / B);
  const batchNotes = new Set<string>();
  for (let k = 0; k < nBatches; k++) {
    throwIfAborted(ctx.signal);
    ctx.progress?.(k / nBatches, `${opts.method}: mini-batch ${k + 1}/${nBatches}`);
    const sIdx = order.subarray(k * B, Math.min(ns, (k + 1) * B));
    const tIdx = rng.permutation(nt).subarray(0, Math.min(nt, B));
    const xs = Xs.takeRows(sIdx), xt = Xt.takeRows(tIdx);
    const ysB = Int32Array.from(sIdx, (i) => ys[i]!);
    const M = normalizeCost(sqeuclideanCost(xs, xt), opts.costNorm);
    const solved = solve(uniformWeights(xs.rows), uniformWeights(xt.rows), M, ysB);
    solved.notes?.forEach((n) => batchNotes.add(n));
    const P = solved.plan;
    const img = barycentricMap(P, xt);
    for (let r = 0; r < sIdx.length; r++) mapped.data.set(img.data.subarray(r * d, (r + 1) * d), sIdx[r]! * d);
  }
  if (mapped.data.some((v) => !Number.isFinite(v))) throw new TransferLabError("INTERNAL", `${opts.method}: mini-batch mapping produced non-finite values`);
  const note = `${opts.method}: the exact ${ns}×${nt} coupling needs ${formatBytes(need)}` +
    (opts.approximation === "auto" ? `, above the memory budget of ${formatBytes(memoryBudget(ctx))}` : "") +
    `; used mini-batch OT (${nBatches} source batches of ≤ ${B}, each onto a random target batch)`;
  return { mappedSource: mapped, sourceMap: displacementMap(Xs, mapped), notes: [note, ...batchNotes], approximation: "minibatch" };
}
