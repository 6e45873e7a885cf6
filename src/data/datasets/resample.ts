// Exact area-averaging resampling of square images: output cell (r, c) is the mean of the input over the
// cell's area, with input pixels that straddle a cell boundary counted by the fraction that overlaps.
// 28 -> 8 gives 3.5 input pixels per output cell.

/** weights[o][i] = overlap of input pixel i with output cell o, divided by the cell width (rows sum to 1). */
export function areaWeights(inSize: number, outSize: number): Float64Array[] {
  const w = inSize / outSize;
  const out: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const lo = o * w;
    const hi = (o + 1) * w;
    const row = new Float64Array(inSize);
    for (let i = Math.floor(lo); i < Math.min(inSize, Math.ceil(hi)); i++) {
      const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
      if (overlap > 0) row[i] = overlap / w;
    }
    out.push(row);
  }
  return out;
}

/**
 * Resamples every row of `images` (n × inSize², row-major pixels) to outSize × outSize, multiplying by `gain`.
 * Computed in float64 (separably: rows, then columns) and stored as float32.
 */
export function areaResample(images: Float32Array, n: number, inSize: number, outSize: number, gain = 1): Float32Array {
  const W = areaWeights(inSize, outSize);
  const out = new Float32Array(n * outSize * outSize);
  const tmp = new Float64Array(outSize * inSize); // (output row) × (input column)
  for (let k = 0; k < n; k++) {
    const img = images.subarray(k * inSize * inSize, (k + 1) * inSize * inSize);
    tmp.fill(0);
    for (let r = 0; r < outSize; r++) {
      const wr = W[r]!;
      for (let i = 0; i < inSize; i++) {
        const a = wr[i]!;
        if (a === 0) continue;
        for (let j = 0; j < inSize; j++) tmp[r * inSize + j]! += a * img[i * inSize + j]!;
      }
    }
    for (let r = 0; r < outSize; r++) {
      for (let c = 0; c < outSize; c++) {
        const wc = W[c]!;
        let s = 0;
        for (let j = 0; j < inSize; j++) s += wc[j]! * tmp[r * inSize + j]!;
        out[k * outSize * outSize + r * outSize + c] = s * gain;
      }
    }
  }
  return out;
}
