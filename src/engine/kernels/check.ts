// Shape checks shared by the TypeScript and WebAssembly tiers (the native addon checks in C): a bad
// size or leading dimension is a typed error, never an out-of-bounds read or a silently wrong result.
import { TransferLabError } from "../../core/errors.js";

function fits(what: string, rows: number, cols: number, ld: number, len: number): void {
  if (!Number.isInteger(ld) || ld < 0) throw new TransferLabError("SHAPE_MISMATCH", `gemm: leading dimension of ${what} must be a non-negative integer, got ${ld}`, { param: `ld${what.toLowerCase()}` });
  if (rows === 0 || cols === 0) return;
  if (!(ld >= cols)) throw new TransferLabError("SHAPE_MISMATCH", `gemm: leading dimension of ${what} (${ld}) is smaller than its width ${cols}`, { param: `ld${what.toLowerCase()}` });
  if ((rows - 1) * ld + cols > len) throw new TransferLabError("SHAPE_MISMATCH", `gemm: ${what} holds ${len} elements but a ${rows}×${cols} matrix with leading dimension ${ld} needs ${(rows - 1) * ld + cols}`, { param: what });
}

export function checkGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, c: Float32Array, ldc: number,
): void {
  if (!(Number.isInteger(m) && Number.isInteger(n) && Number.isInteger(k) && m >= 0 && n >= 0 && k >= 0))
    throw new TransferLabError("SHAPE_MISMATCH", `gemm: sizes must be non-negative integers, got m=${m} n=${n} k=${k}`);
  fits("A", transA ? k : m, transA ? m : k, lda, a.length);
  fits("B", transB ? n : k, transB ? k : n, ldb, b.length);
  fits("C", m, n, ldc, c.length);
}

export function checkSqdist(x: Float32Array, n: number, y: Float32Array, m: number, d: number, out: Float32Array): void {
  if (!(Number.isInteger(n) && Number.isInteger(m) && Number.isInteger(d) && n >= 0 && m >= 0 && d >= 0))
    throw new TransferLabError("SHAPE_MISMATCH", `sqdist: sizes must be non-negative integers, got n=${n} m=${m} d=${d}`);
  if (x.length < n * d || y.length < m * d || out.length < n * m)
    throw new TransferLabError("SHAPE_MISMATCH", `sqdist: X needs ${n * d}, Y ${m * d} and out ${n * m} elements; got ${x.length}, ${y.length}, ${out.length}`);
}

export function checkRbf(d: Float32Array, len: number, gammas: ArrayLike<number>, k: Float32Array, dk: Float32Array | null): void {
  if (!(Number.isInteger(len) && len >= 0)) throw new TransferLabError("SHAPE_MISMATCH", `rbf: len must be a non-negative integer, got ${len}`, { param: "len" });
  if (d.length < len || k.length < len || (dk !== null && dk.length < len))
    throw new TransferLabError("SHAPE_MISMATCH", `rbf: d, k and dk need ${len} elements; got ${d.length}, ${k.length}${dk ? `, ${dk.length}` : ""}`);
  if (gammas.length === 0) throw new TransferLabError("INVALID_PARAMETER", "rbf: at least one bandwidth γ is needed", { param: "gamma" });
  for (let b = 0; b < gammas.length; b++)
    if (!(Number.isFinite(gammas[b]!) && gammas[b]! >= 0)) throw new TransferLabError("INVALID_PARAMETER", `rbf: γ must be finite and ≥ 0, got ${gammas[b]}`, { param: "gamma" });
}
