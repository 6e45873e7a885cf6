// Trustworthiness (Venna & Kaski 2001), exactly as sklearn.manifold.trustworthiness with the Euclidean
// metric: 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ N_k^Y(i)} max(0, r_X(i, j) − k), where r_X(i, j) is the
// rank of j among i's neighbours in the input space. 1 means no false neighbours in the embedding.
import type { Matrix } from "../../core/matrix.js";
import { invalidParam, shapeMismatch } from "../../core/errors.js";

function sqdist64(M: Matrix, i: number, j: number): number {
  const d = M.cols;
  let s = 0;
  for (let p = 0; p < d; p++) {
    const t = M.data[i * d + p]! - M.data[j * d + p]!;
    s += t * t;
  }
  return s;
}

export function trustworthiness(X: Matrix, Y: Matrix, k = 5): number {
  const n = X.rows;
  if (Y.rows !== n) throw shapeMismatch(`X has ${n} rows but the embedding has ${Y.rows}`);
  if (!Number.isInteger(k) || k < 1 || k >= n / 2) throw invalidParam("k", `needs 1 ≤ k < n/2 = ${n / 2}, got ${k}`);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  const nbr = new Int32Array(k);
  const nbrD = new Float64Array(k);
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      dx[j] = j === i ? Infinity : sqdist64(X, i, j);
      dy[j] = j === i ? Infinity : sqdist64(Y, i, j);
    }
    // k nearest in the embedding (insertion into a sorted list; ties: lower index first).
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const v = dy[j]!;
      if (m === k && v >= nbrD[k - 1]!) continue;
      let p = m < k ? m++ : k - 1;
      while (p > 0 && nbrD[p - 1]! > v) { nbrD[p] = nbrD[p - 1]!; nbr[p] = nbr[p - 1]!; p--; }
      nbrD[p] = v; nbr[p] = j;
    }
    for (let r = 0; r < k; r++) {
      const j = nbr[r]!;
      const dij = dx[j]!;
      // Rank of j among i's input-space neighbours, 1-based; ties broken by index like a stable sort.
      let rank = 1;
      for (let l = 0; l < n; l++) {
        const v = dx[l]!;
        if (v < dij || (v === dij && l < j)) rank++;
      }
      if (rank > k) t += rank - k;
    }
  }
  return 1 - t * (2 / (n * k * (2 * n - 3 * k - 1)));
}
