// Subspace Alignment: project each domain on its own top-k PCA basis and align the source basis to the
// target's with M = Psᵀ·Pt. Fernando, Habrard, Sebban & Tuytelaars, "Unsupervised Visual Domain Adaptation
// Using Subspace Alignment", ICCV 2013.
import { z } from "zod";
import type { Matrix } from "../../core/matrix.js";
import { defineFeatureMethod, denseBytes, requireBudget } from "../base.js";
import { linearMap, type TargetMap } from "../target-map.js";
import { TransferLabError } from "../../core/errors.js";
import { center, colMeans, covariance, fixSigns, matmul, symEig, toMat64, toMatrix, topColumns, type Mat64 } from "../../core/linalg.js";

export interface SubspaceAlignment {
  /** Source basis Ps (d×k), target basis Pt (d×k), alignment M = Psᵀ·Pt (k×k). */
  Ps: Mat64;
  Pt: Mat64;
  M: Mat64;
  muS: Float64Array;
  muT: Float64Array;
  /** Source inputs into the aligned space: (X − μs)·Ps·M. */
  mapSource(X: Matrix): Matrix;
  /** Target inputs into the target subspace: (X − μt)·Pt. */
  mapTarget: TargetMap;
}

/** Top-k principal directions (columns, unit norm) of the rows of X, with a deterministic sign (float64 covariance: see core/linalg.ts). */
export function pcaBasis(X: Mat64 | Matrix, k: number): Mat64 {
  const { vectors } = symEig(covariance(X, 1));
  return fixSigns(topColumns(vectors, k));
}

export function subspaceAlignment(Xs: Matrix, Xt: Matrix, k: number): SubspaceAlignment {
  const d = Xs.cols;
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new TransferLabError("INVALID_PARAMETER", `subspace dimension must be an integer in [1, ${d}], got ${k}`, { param: "dim" });
  }
  const Ps = pcaBasis(Xs, k), Pt = pcaBasis(Xt, k);
  const M = matmul(Ps, Pt, true, false);
  const PsM = matmul(Ps, M);
  const muS = colMeans(Xs), muT = colMeans(Xt);
  return {
    Ps, Pt, M, muS, muT,
    mapSource: (X) => toMatrix(matmul(center(toMat64(X), muS), PsM)),
    mapTarget: linearMap(Pt, muT),
  };
}

/** Peak bytes of Subspace Alignment with n source rows and d features: ≈ 11 float64 d×d matrices (each PCA's
 *  covariance, its symmetrised copy, ml-matrix's copy and eigenvectors, the sorted eigenvectors — the first
 *  domain's not yet collected when the second's are made: peak RSS grew by 10.6 d²·8 bytes from d = 600 to
 *  1,000) plus the mapped source (3 float64 n×d). */
export function subspaceAlignmentMemoryBytes(n: number, d: number): number {
  return 11 * denseBytes(d, d) + 3 * denseBytes(n, d);
}

export const subspaceAlignmentMethod = defineFeatureMethod({
  name: "subspace-alignment",
  description: "Subspace Alignment: align the source PCA basis to the target's (M = Psᵀ·Pt), train in the target subspace",
  reference: "Fernando, Habrard, Sebban & Tuytelaars, Unsupervised Visual Domain Adaptation Using Subspace Alignment, ICCV 2013",
  params: z.object({
    dim: z.number().int().positive().default(20).describe("subspace dimension (capped at the number of features)"),
  }),
  fitMap({ source, target }, p, ctx) {
    const d = source.X.cols, k = Math.min(p.dim, d);
    requireBudget(ctx, subspaceAlignmentMemoryBytes(source.X.rows, d), `subspace-alignment on ${d} features (11 float64 ${d}×${d} matrices)`, "reduce the features first or raise --memory-budget");
    const sa = subspaceAlignment(source.X, target.X, k);
    const notes = k < p.dim ? [`subspace-alignment: dim ${p.dim} capped at ${k} features`] : [];
    return { mappedSource: sa.mapSource(source.X), mapTarget: sa.mapTarget, mapSource: sa.mapSource, notes, details: { Ps: sa.Ps, Pt: sa.Pt, M: sa.M } };
  },
});
