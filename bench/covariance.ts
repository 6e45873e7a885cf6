// The engine's covariance (src/engine/covariance.ts: float64 centring, float32 products on the kernel tier, blocks
// summed in float64) against core's float64 one (src/core/linalg.ts) on the same matrices, same run, each also
// against an independent float64 two-pass reference. Rows: 784 features shaped like pixels (a fifth exactly zero,
// the rest uniform in [0, 1) plus a per-feature offset), 3000 and 10,000 rows; and a badly-centred case (mean 1e4,
// unit variance), where the one-pass float32 formula E[xxᵀ] − μμᵀ (the "naive" row) loses every digit.
// Errors: max |C_ij − R_ij| / √(R_ii·R_jj) (the error on the correlation scale) and ‖C − R‖_F / ‖R‖_F.
// Times are CPU seconds (user + sys of the whole process, every GEMM thread included) on a shared machine.
// `npm run bench -- covariance [--json] [--rows 3000,10000] [--d 784]`
import { cpus } from "node:os";
import { Matrix } from "../src/core/matrix.js";
import { Rng } from "../src/core/rng.js";
import { covariance as covariance64 } from "../src/core/linalg.js";
import { covariance, kernels } from "../src/engine/index.js";

function cpu<T>(f: () => T): { value: T; cpu: number; wall: number } {
  const c = process.cpuUsage(), w = performance.now();
  const value = f();
  const u = process.cpuUsage(c);
  return { value, cpu: (u.user + u.system) / 1e6, wall: (performance.now() - w) / 1e3 };
}

/** Σ (x − μ)(x − μ)ᵀ / (n − 1) in float64, two passes, as column dot products (compensated sums). */
export function referenceCovariance(X: Matrix): Float64Array {
  const n = X.rows, d = X.cols;
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j]! += X.data[i * d + j]!;
  for (let j = 0; j < d; j++) mu[j]! /= n;
  const cols = new Float64Array(n * d); // centred, feature-major
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) cols[j * n + i] = X.data[i * d + j]! - mu[j]!;
  const R = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) {
    let s = 0, c = 0; // Neumaier-compensated sum
    for (let i = 0, oa = a * n, ob = b * n; i < n; i++) {
      const p = cols[oa + i]! * cols[ob + i]!, t = s + p;
      c += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
      s = t;
    }
    R[a * d + b] = R[b * d + a] = (s + c) / (n - 1);
  }
  return R;
}

/** E[xxᵀ]·n/(n−1) − μμᵀ·n/(n−1) with float32 products and a float32 result: the formula that fails off-centre. */
function naiveFloat32(X: Matrix): Float64Array {
  const n = X.rows, d = X.cols;
  const S = new Float32Array(d * d);
  kernels().gemm(true, false, d, d, n, 1, X.data, d, X.data, d, 0, S, d);
  const mu = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] = Math.fround(mu[j]! + X.data[i * d + j]!);
  for (let j = 0; j < d; j++) mu[j] = Math.fround(mu[j]! / n);
  return Float64Array.from(S, (s, q) => Math.fround((s - n * Math.fround(mu[Math.floor(q / d)]! * mu[q % d]!)) / (n - 1)));
}

function errors(C: Float64Array, R: Float64Array, d: number): { maxCorr: number; frob: number } {
  let maxCorr = 0, e2 = 0, r2 = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    const e = Math.abs(C[a * d + b]! - R[a * d + b]!);
    const scale = Math.sqrt(R[a * d + a]! * R[b * d + b]!);
    if (scale > 0) maxCorr = Math.max(maxCorr, e / scale);
    else if (e > 0) maxCorr = Infinity;
    e2 += e * e;
    r2 += R[a * d + b]! ** 2;
  }
  return { maxCorr, frob: Math.sqrt(e2 / r2) };
}

function pixels(n: number, d: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return new Matrix(n, d, Float32Array.from({ length: n * d }, (_, q) => (rng.uniform() < 0.2 ? 0 : rng.uniform() + (q % d) / d)));
}

function offCentre(n: number, d: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return new Matrix(n, d, Float32Array.from({ length: n * d }, () => 1e4 + rng.normal()));
}

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const ri = args.indexOf("--rows"), di = args.indexOf("--d");
  const rows = ri >= 0 ? args[ri + 1]!.split(",").map(Number) : [3000, 10000];
  const d = di >= 0 ? Number(args[di + 1]) : 784;
  const out: Array<Record<string, unknown>> = [];
  const cases: Array<[string, Matrix]> = [
    ...rows.map((n) => [`pixels ${n}×${d}`, pixels(n, d, n)] as [string, Matrix]),
    [`mean 1e4, sd 1, 3000×${Math.min(d, 256)}`, offCentre(3000, Math.min(d, 256), 7)],
  ];
  for (const [name, X] of cases) {
    const ref = cpu(() => referenceCovariance(X));
    const eng = cpu(() => covariance(X, { ddof: 1 }).data);
    const f64 = cpu(() => covariance64(X, 1).data);
    const naive = name.startsWith("mean") ? errors(naiveFloat32(X), ref.value, X.cols) : undefined;
    out.push({
      case: name, tier: kernels().tier,
      engine: { cpu: eng.cpu, wall: eng.wall, ...errors(eng.value, ref.value, X.cols) },
      core64: { cpu: f64.cpu, wall: f64.wall, ...errors(f64.value, ref.value, X.cols) },
      reference: { cpu: ref.cpu },
      ratioCore64OverEngine: f64.cpu / eng.cpu,
      ...(naive ? { naiveFloat32: naive } : {}),
    });
  }
  if (json) {
    console.log(JSON.stringify({ cpu: cpus()[0]?.model, results: out }, null, 2));
    return;
  }
  console.log(`covariance, CPU seconds (user+sys), ${cpus()[0]?.model}, kernel tier ${kernels().tier}`);
  const e = (v: number) => v.toExponential(1);
  const rowsOut = (out as Array<any>).map((r) => [
    r.case, r.engine.cpu.toFixed(2), r.core64.cpu.toFixed(2), r.ratioCore64OverEngine.toFixed(1),
    `${e(r.engine.maxCorr)}, ${e(r.engine.frob)}`, `${e(r.core64.maxCorr)}, ${e(r.core64.frob)}`,
    r.naiveFloat32 ? `${e(r.naiveFloat32.maxCorr)}, ${e(r.naiveFloat32.frob)}` : "—",
  ]);
  const head = ["case", "engine s", "core64 s", "core64/engine", "engine err (corr, frob)", "core64 err (corr, frob)", "naive f32 err"];
  const w = head.map((h, c) => Math.max(h.length, ...rowsOut.map((r) => String(r[c]).length)));
  for (const r of [head, ...rowsOut]) console.log(r.map((v, c) => String(v).padEnd(w[c]!)).join(" | "));
}
