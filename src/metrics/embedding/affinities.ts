// t-SNE input affinities: per-point Gaussian bandwidths found by binary search so each conditional
// distribution has the requested perplexity (entropy = ln perplexity), over the k nearest neighbours,
// then symmetrised P = (P_{j|i} + P_{i|j}) / Σ — as in van der Maaten (2014) and scikit-learn.
import type { Neighbours } from "./knn.js";

/** Symmetric sparse joint probabilities in CSR form; values sum to 1. */
export interface SparseP {
  readonly n: number;
  readonly rowPtr: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

const TOL = 1e-5;
const MAX_STEPS = 100;

/** Conditional P_{j|i} over each point's neighbours (rows sum to 1), same layout as nb.indices. */
export function conditionalP(nb: Neighbours, perplexity: number): Float64Array {
  const { n, k, sqdist } = nb;
  const P = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let step = 0; step < MAX_STEPS; step++) {
      let sum = 0;
      for (let r = 0; r < k; r++) {
        const p = Math.exp(-sqdist[off + r]! * beta);
        P[off + r] = p;
        sum += p;
      }
      if (sum === 0) sum = 1e-8;
      let dSum = 0;
      for (let r = 0; r < k; r++) {
        P[off + r]! /= sum;
        dSum += sqdist[off + r]! * P[off + r]!;
      }
      const entropy = Math.log(sum) + beta * dSum;
      const diff = entropy - target;
      if (Math.abs(diff) <= TOL) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return P;
}

/** P = (P_cond + P_condᵀ) / sum, merged per row and sorted by column. */
export function symmetrise(nb: Neighbours, Pc: Float64Array): SparseP {
  const { n, k, indices } = nb;
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    counts[i] += k;
    for (let r = 0; r < k; r++) counts[indices[i * k + r]!]!++;
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + counts[i]!;
  const fill = start.slice(0, n);
  const cc = new Int32Array(start[n]!);
  const vv = new Float64Array(start[n]!);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r]!;
      const p = Pc[i * k + r]!;
      cc[fill[i]!] = j; vv[fill[i]!++] = p;
      cc[fill[j]!] = i; vv[fill[j]!++] = p;
    }
  }
  // Sort each row by column and merge duplicates (pairs that are neighbours both ways).
  const rowPtr = new Int32Array(n + 1);
  const outC: number[] = [];
  const outV: number[] = [];
  let total = 0;
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let e = start[i]!; e < start[i + 1]!; e++) order.push(e);
    order.sort((a, b) => cc[a]! - cc[b]!);
    let last = -1;
    for (const e of order) {
      if (cc[e] === last) outV[outV.length - 1]! += vv[e]!;
      else {
        outC.push(cc[e]!);
        outV.push(vv[e]!);
        last = cc[e]!;
      }
      total += vv[e]!;
    }
    rowPtr[i + 1] = outC.length;
  }
  const vals = Float64Array.from(outV);
  const z = Math.max(total, Number.MIN_VALUE);
  for (let e = 0; e < vals.length; e++) vals[e]! /= z;
  return { n, rowPtr, cols: Int32Array.from(outC), vals };
}
