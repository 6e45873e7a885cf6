// Exact k nearest neighbours (squared Euclidean) through the engine's pairwise-distance kernel,
// computed in row blocks so memory stays O(block·n) rather than O(n²).
import { kernels } from "../../engine/index.js";
import type { Matrix } from "../../core/matrix.js";
import { invalidParam } from "../../core/errors.js";

export interface Neighbours {
  readonly n: number;
  readonly k: number;
  /** indices[i·k + r] = index of the r-th nearest neighbour of i (self excluded), nearest first. */
  readonly indices: Int32Array;
  /** Squared distances, same layout. */
  readonly sqdist: Float64Array;
}

/** The k nearest other rows of every row of X. */
export function nearestNeighbours(X: Matrix, k: number): Neighbours {
  const n = X.rows;
  const d = X.cols;
  if (!Number.isInteger(k) || k < 1 || k >= n) throw invalidParam("k", `needs 1 ≤ k < n = ${n}, got ${k}`);
  const indices = new Int32Array(n * k);
  const sq = new Float64Array(n * k);
  const block = Math.max(1, Math.min(n, Math.floor(4_000_000 / Math.max(1, n))));
  const D = new Float32Array(block * n);
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  const kern = kernels();
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    kern.sqdist(X.data.subarray(start * d, (start + rows) * d), rows, X.data, n, d, D);
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      const off = r * n;
      // Max-heap of the k best so far: the root is the worst kept neighbour.
      let size = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const v = D[off + j]!;
        if (size < k) {
          let c = size++;
          while (c > 0) {
            const p = (c - 1) >> 1;
            if (heapD[p]! >= v) break;
            heapD[c] = heapD[p]!;
            heapI[c] = heapI[p]!;
            c = p;
          }
          heapD[c] = v;
          heapI[c] = j;
        } else if (v < heapD[0]!) {
          let c = 0;
          for (;;) {
            const l = 2 * c + 1;
            if (l >= k) break;
            const rr = l + 1;
            const m = rr < k && heapD[rr]! > heapD[l]! ? rr : l;
            if (heapD[m]! <= v) break;
            heapD[c] = heapD[m]!;
            heapI[c] = heapI[m]!;
            c = m;
          }
          heapD[c] = v;
          heapI[c] = j;
        }
      }
      // Pop the heap from the back to get ascending order.
      for (let s = k - 1; s >= 0; s--) {
        indices[i * k + s] = heapI[0]!;
        sq[i * k + s] = heapD[0]!;
        const lastD = heapD[s]!;
        const lastI = heapI[s]!;
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          if (l >= s) break;
          const rr = l + 1;
          const m = rr < s && heapD[rr]! > heapD[l]! ? rr : l;
          if (heapD[m]! <= lastD) break;
          heapD[c] = heapD[m]!;
          heapI[c] = heapI[m]!;
          c = m;
        }
        heapD[c] = lastD;
        heapI[c] = lastI;
      }
    }
  }
  return { n, k, indices, sqdist: sq };
}
