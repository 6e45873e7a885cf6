// GEMM throughput per kernel tier at 256, 1024 and 2048, numpy's sgemm (OpenBLAS) in the same run as the
// reference, and the per-call cost of the tiny products that dominate small-network training.
// `npm run bench -- gemm [--json] [--sizes 256,1024] [--quick]`. Numbers are best-of-N wall times, so
// noise from other processes on the machine shows up as lower, never higher, throughput.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableTiers, kernelsFor, type Tier } from "../src/engine/kernels/index.js";
import { Rng } from "../src/core/rng.js";

export interface TinyShape { m: number; n: number; k: number; transA: boolean; transB: boolean }

export interface GemmBenchResult {
  sizes: number[];
  /** GFLOPS (2mnk / best time) per tier and size; null where skipped as too slow. */
  gflops: Partial<Record<Tier, Array<number | null>>>;
  /** numpy float32 matmul in the same run, or why it is missing. */
  numpy: { gflops: number[]; tinyNs: number[] } | { missing: string };
  tiny: { shapes: TinyShape[]; ns: Partial<Record<Tier, number[]>> };
  /** µs per rbf() call over a 232×232 distance matrix (the reference workload's MMD batch), with ∂k/∂d. */
  rbf: { len: number; bandwidths: number[]; us: Partial<Record<Tier, number[]>> };
}

// Shapes of the reference workload (MLP 2→32→16→2, batch 32): forward, then the two backward products.
export const TINY_SHAPES: TinyShape[] = [
  { m: 32, n: 32, k: 2, transA: false, transB: false },
  { m: 32, n: 16, k: 32, transA: false, transB: false },
  { m: 32, n: 32, k: 16, transA: false, transB: true },
  { m: 32, n: 16, k: 32, transA: true, transB: false },
  { m: 32, n: 2, k: 32, transA: false, transB: false },
];

function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.range(-1, 1);
  return a;
}

/** Best GFLOPS over repeated n×n×n products within a time budget (at least `minReps` calls). */
function squareGflops(tier: Tier, n: number, budgetMs: number, minReps: number): number {
  const K = kernelsFor(tier);
  const rng = new Rng(n);
  const a = randomArray(rng, n * n), b = randomArray(rng, n * n), c = new Float32Array(n * n);
  K.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n); // warm-up: page faults, JIT, pack buffers
  let best = Infinity;
  const start = performance.now();
  for (let r = 0; r < minReps || performance.now() - start < budgetMs; r++) {
    const t = performance.now();
    K.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    best = Math.min(best, performance.now() - t);
    if (r > 200) break;
  }
  return (2 * n * n * n) / (best / 1e3) / 1e9;
}

/** Nanoseconds per call of a tiny product: best of 5 batches. */
function tinyNs(tier: Tier, s: TinyShape, calls: number): number {
  const K = kernelsFor(tier);
  const rng = new Rng(1);
  const a = randomArray(rng, s.m * s.k), b = randomArray(rng, s.k * s.n), c = new Float32Array(s.m * s.n);
  const lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n;
  for (let r = 0; r < calls; r++) K.gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n);
  let best = Infinity;
  for (let batch = 0; batch < 5; batch++) {
    const t = performance.now();
    for (let r = 0; r < calls; r++) K.gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n);
    best = Math.min(best, (performance.now() - t) / calls);
  }
  return best * 1e6;
}

const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
sizes = json.loads(sys.argv[1]); tiny = json.loads(sys.argv[2]); budget = float(sys.argv[3])
rng = np.random.default_rng(0)
out = {"gflops": [], "tinyNs": []}
for n in sizes:
    a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32); c = np.empty((n, n), np.float32)
    np.matmul(a, b, out=c)
    best = float("inf"); start = time.perf_counter(); r = 0
    while r < 3 or (time.perf_counter() - start) * 1e3 < budget:
        t = time.perf_counter(); np.matmul(a, b, out=c); best = min(best, time.perf_counter() - t); r += 1
        if r > 200: break
    out["gflops"].append(2 * n ** 3 / best / 1e9)
for s in tiny:
    a = rng.random((s["k"], s["m"]) if s["transA"] else (s["m"], s["k"]), dtype=np.float32)
    b = rng.random((s["n"], s["k"]) if s["transB"] else (s["k"], s["n"]), dtype=np.float32)
    A = a.T if s["transA"] else a; B = b.T if s["transB"] else b
    c = np.empty((s["m"], s["n"]), np.float32); calls = 20000; best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(calls): np.matmul(A, B, out=c)
        best = min(best, (time.perf_counter() - t) / calls)
    out["tinyNs"].append(best * 1e9)
print(json.dumps(out))
`;

function measureNumpy(sizes: number[], tiny: TinyShape[], budgetMs: number): GemmBenchResult["numpy"] {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return { missing: "/usr/bin/python3 not found" };
  // numpy's OpenBLAS picks its own kernel and cache sizes: drop overrides meant for other processes.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(python, ["-c", NUMPY_SCRIPT, JSON.stringify(sizes), JSON.stringify(tiny), String(budgetMs)], { env, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return { missing: (r.stderr || r.error?.message || "python failed").trim().split("\n").pop()! };
  return JSON.parse(r.stdout) as { gflops: number[]; tinyNs: number[] };
}

const RBF_BANDWIDTHS = [[1], [0.25, 1, 4, 16]];

function rbfUs(tier: Tier, len: number, gammas: number[]): number {
  const K = kernelsFor(tier);
  const rng = new Rng(5);
  const d = new Float32Array(len).map(() => rng.range(0, 20)), k = new Float32Array(len), dk = new Float32Array(len);
  let best = Infinity;
  for (let r = 0; r < 30; r++) {
    const t = performance.now();
    K.rbf(d, len, gammas, k, dk);
    best = Math.min(best, performance.now() - t);
  }
  return best * 1e3;
}

export async function measureGemm(opts: { sizes?: number[]; tiers?: Tier[]; budgetMs?: number; tinyCalls?: number } = {}): Promise<GemmBenchResult> {
  const sizes = opts.sizes ?? [256, 1024, 2048];
  const tiers = opts.tiers ?? availableTiers();
  const budgetMs = opts.budgetMs ?? 1500;
  const gflops: GemmBenchResult["gflops"] = {};
  for (const tier of tiers) gflops[tier] = [];
  // Size by size, numpy then every tier, so that load from other processes hits them alike.
  const npG: number[] = [];
  let npMissing: string | null = null;
  for (const n of sizes) {
    const np = measureNumpy([n], [], budgetMs);
    if ("missing" in np) npMissing = np.missing;
    else npG.push(np.gflops[0]!);
    for (const tier of tiers) {
      // One 2048³ product takes ~15 s in TypeScript: skip it there.
      gflops[tier]!.push(tier === "js" && n > 1024 ? null : squareGflops(tier, n, budgetMs, tier === "js" || tier === "wasm" ? 1 : 3));
    }
  }
  const npTiny = npMissing ? null : measureNumpy([], TINY_SHAPES, budgetMs);
  const numpy: GemmBenchResult["numpy"] = npMissing || !npTiny || "missing" in npTiny
    ? { missing: npMissing ?? (npTiny && "missing" in npTiny ? npTiny.missing : "numpy failed") }
    : { gflops: npG, tinyNs: npTiny.tinyNs };
  const ns: GemmBenchResult["tiny"]["ns"] = {};
  for (const tier of tiers) ns[tier] = TINY_SHAPES.map((s) => tinyNs(tier, s, opts.tinyCalls ?? 20000));
  const rbfLen = 232 * 232;
  const rbf: GemmBenchResult["rbf"] = { len: rbfLen, bandwidths: RBF_BANDWIDTHS.map((g) => g.length), us: {} };
  for (const tier of tiers) rbf.us[tier] = RBF_BANDWIDTHS.map((g) => rbfUs(tier, rbfLen, g));
  return { sizes, gflops, numpy, tiny: { shapes: TINY_SHAPES, ns }, rbf };
}

const fmt = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? "—" : x.toFixed(digits));

export function formatGemm(r: GemmBenchResult): string {
  const lines: string[] = [];
  const np = "gflops" in r.numpy ? r.numpy : null;
  lines.push(`GEMM GFLOPS (float32, n×n×n, best of repeated calls)${np ? "; ratio = tier / numpy in this run" : ""}`);
  lines.push(["tier".padEnd(10), ...r.sizes.map((n) => `${n}`.padStart(18))].join(""));
  for (const [tier, row] of Object.entries(r.gflops)) {
    lines.push([tier.padEnd(10), ...row!.map((g, i) => `${fmt(g)}${np && g !== null ? ` (${(g / np.gflops[i]!).toFixed(2)}×)` : ""}`.padStart(18))].join(""));
  }
  if (np) lines.push(["numpy".padEnd(10), ...np.gflops.map((g) => fmt(g).padStart(18))].join(""));
  else lines.push(`numpy: not measured (${"missing" in r.numpy ? r.numpy.missing : ""})`);
  lines.push("");
  lines.push("Tiny products, ns per call (best of 5 batches); ratio = tier / js");
  const label = (s: TinyShape): string => `${s.m}×${s.k}·${s.k}×${s.n}${s.transA ? " Aᵀ" : ""}${s.transB ? " Bᵀ" : ""}`;
  lines.push(["tier".padEnd(10), ...r.tiny.shapes.map((s) => label(s).padStart(20))].join(""));
  const js = r.tiny.ns.js;
  for (const [tier, row] of Object.entries(r.tiny.ns)) {
    lines.push([tier.padEnd(10), ...row!.map((t, i) => `${fmt(t, 0)}${js && tier !== "js" ? ` (${(t / js[i]!).toFixed(2)}×)` : ""}`.padStart(20))].join(""));
  }
  if (np) lines.push(["numpy".padEnd(10), ...np.tinyNs.map((t) => fmt(t, 0).padStart(20))].join(""));
  lines.push("");
  lines.push(`RBF kernel with derivative over ${r.rbf.len} distances, µs per call; ratio = tier / js`);
  lines.push(["tier".padEnd(10), ...r.rbf.bandwidths.map((b) => `${b} bandwidth${b > 1 ? "s" : ""}`.padStart(20))].join(""));
  const jsR = r.rbf.us.js;
  for (const [tier, row] of Object.entries(r.rbf.us)) {
    lines.push([tier.padEnd(10), ...row!.map((t, i) => `${fmt(t, 0)}${jsR && tier !== "js" ? ` (${(t / jsR[i]!).toFixed(2)}×)` : ""}`.padStart(20))].join(""));
  }
  return lines.join("\n");
}

export default async function (args: string[]): Promise<void> {
  const sizesArg = args.indexOf("--sizes");
  const sizes = sizesArg >= 0 ? args[sizesArg + 1]!.split(",").map(Number) : undefined;
  const quick = args.includes("--quick");
  const r = await measureGemm({ sizes, budgetMs: quick ? 300 : 1500, tinyCalls: quick ? 2000 : 20000 });
  if (args.includes("--json")) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else process.stdout.write(`${formatGemm(r)}\n`);
}
