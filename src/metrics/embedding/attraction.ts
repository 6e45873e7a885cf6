// The attractive t-SNE forces over the sparse P: for points lo..hi−1, att[2i..2i+1] = Σ_j ex·p_ij·q_ij·(y_i − y_j)
// with q_ij = 1/(1 + ‖y_i − y_j‖²) unnormalised. Self-contained plain code: the parallel runner ships its
// source (Function.prototype.toString) to a worker thread, so both threads run the same arithmetic.
export function attractRange(rowPtr: Int32Array, cols: Int32Array, vals: Float64Array, Y: Float64Array, ex: number, lo: number, hi: number, att: Float64Array): void {
  for (let i = lo; i < hi; i++) {
    const xi = Y[2 * i]!, yi = Y[2 * i + 1]!;
    let fx = 0, fy = 0;
    for (let e = rowPtr[i]!; e < rowPtr[i + 1]!; e++) {
      const j = cols[e]!;
      const dx = xi - Y[2 * j]!;
      const dy = yi - Y[2 * j + 1]!;
      const m = (ex * vals[e]!) / (1 + dx * dx + dy * dy);
      fx += m * dx;
      fy += m * dy;
    }
    att[2 * i] = fx;
    att[2 * i + 1] = fy;
  }
}
