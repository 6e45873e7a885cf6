// GEMM throughput per kernel tier at 256, 1024 and 2048, numpy's sgemm (OpenBLAS) in the same run as the
// reference, and the per-call cost of the tiny products that dominate small-network training. Then the
// native tier's GEMM paths (AVX-512, AVX2) at 1 and 2 threads, each beside numpy on the matching OpenBLAS
// kernel (its own choice for this CPU, and OPENBLAS_CORETYPE=Haswell, what an AVX2-only CPU runs).
// `npm run bench -- gemm [--json] [--sizes 256,1024] [--threads 1,2] [--repeat R] [--quick] [--no-paths] [--paths-only] [--clock cpu]`.
// Numbers are best-of-N wall times, so noise from other processes on the machine shows up as lower, never
// higher, throughput; the load average before and after is printed. On a loaded machine `--clock cpu` times
// the paths table by process CPU time instead (1 thread only: CPU time adds up over threads).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { availableTiers, kernelsFor, type Tier } from "../src/engine/kernels/index.js";
import { nativeAddon, type GemmIsa } from "../src/engine/kernels/native.js";
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

/** One row of the path table: a native GEMM path, the OpenBLAS tier or numpy, at one thread count. */
export interface PathRow { label: string; threads: number; gflops: number[]; kernel?: string }
export interface GemmPathsResult {
  cpu: string;
  /** wall: best wall time per call; cpu: best process CPU time per call (1 thread only). */
  clock: "wall" | "cpu";
  sizes: number[];
  rows: PathRow[];
  /** 1-minute load average before and after (the machine may be shared). */
  load: [number, number];
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

/** CPU seconds of this process (all its threads): with `--clock cpu`, time other processes take the core away is not counted. */
const cpuSeconds = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const wallSeconds = (): number => performance.now() / 1e3;

/** Best GFLOPS over repeated n×n×n products within a time budget (at least `minReps` calls). */
function squareGflops(tier: Tier, n: number, budgetMs: number, minReps: number, clock: "wall" | "cpu" = "wall"): number {
  const K = kernelsFor(tier);
  const now = clock === "cpu" ? cpuSeconds : wallSeconds;
  const rng = new Rng(n);
  const a = randomArray(rng, n * n), b = randomArray(rng, n * n), c = new Float32Array(n * n);
  K.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n); // warm-up: page faults, JIT, pack buffers
  let best = Infinity;
  const start = performance.now();
  for (let r = 0; r < minReps || performance.now() - start < budgetMs; r++) {
    const t = now();
    K.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    best = Math.min(best, now() - t);
    // Not a count cap of a few hundred: at 256 that is 20 ms, inside the time OpenBLAS's threads from the cell
    // before keep spinning on the other core, which made native 2-thread 256 read 0.46× here (330 GFLOPS alone).
    if (r > 20000) break;
  }
  return (2 * n * n * n) / best / 1e9;
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
clock = time.process_time if len(sys.argv) > 4 and sys.argv[4] == "cpu" else time.perf_counter
rng = np.random.default_rng(0)
out = {"gflops": [], "tinyNs": []}
try:
    from threadpoolctl import threadpool_info
    out["kernel"] = ", ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} {i.get('num_threads')} threads" for i in threadpool_info())
except ImportError:
    pass
for n in sizes:
    a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32); c = np.empty((n, n), np.float32)
    np.matmul(a, b, out=c)
    best = float("inf"); start = time.perf_counter(); r = 0
    while r < 3 or (time.perf_counter() - start) * 1e3 < budget:
        t = clock(); np.matmul(a, b, out=c); best = min(best, clock() - t); r += 1
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

type NumpyResult = { gflops: number[]; tinyNs: number[]; kernel?: string } | { missing: string };

/** numpy in a child process; `threads` sets OPENBLAS_NUM_THREADS, `coretype` OPENBLAS_CORETYPE (else its own choice). */
function measureNumpy(sizes: number[], tiny: TinyShape[], budgetMs: number, opts: { threads?: number; coretype?: string; clock?: "wall" | "cpu" } = {}): NumpyResult {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return { missing: "/usr/bin/python3 not found" };
  // numpy's OpenBLAS picks its own kernel and cache sizes: drop overrides meant for other processes.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (opts.coretype) env.OPENBLAS_CORETYPE = opts.coretype;
  if (opts.threads) env.OPENBLAS_NUM_THREADS = String(opts.threads);
  const r = spawnSync(python, ["-c", NUMPY_SCRIPT, JSON.stringify(sizes), JSON.stringify(tiny), String(budgetMs), opts.clock ?? "wall"], { env, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return { missing: (r.stderr || r.error?.message || "python failed").trim().split("\n").pop()! };
  return JSON.parse(r.stdout) as { gflops: number[]; tinyNs: number[]; kernel?: string };
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

// Each native path beside numpy on the OpenBLAS kernel a CPU with the same instructions would run.
const PATH_REFERENCE: Record<Exclude<GemmIsa, "portable">, string | undefined> = { avx512: undefined, avx2: "Haswell" };

/**
 * The native GEMM paths this CPU runs (portable left out: it is the fall-back, not a speed claim), the
 * OpenBLAS tier, and numpy on the matching kernel, at each thread count. Size by size and in alternating
 * order over `repeat` rounds, keeping each cell's best, so that load from other processes hits all alike.
 */
export function measurePaths(opts: { sizes?: number[]; threads?: number[]; budgetMs?: number; repeat?: number; clock?: "wall" | "cpu" } = {}): GemmPathsResult | { missing: string } {
  const addon = nativeAddon();
  if (typeof addon === "string") return { missing: addon };
  const sizes = opts.sizes ?? [256, 1024, 2048];
  const clock = opts.clock ?? "wall";
  // CPU time adds up over threads, so it only stands in for speed at one thread.
  const threadCounts = clock === "cpu" ? [1] : opts.threads ?? [1, 2];
  const budgetMs = opts.budgetMs ?? 1500;
  const info = addon.info();
  const isas = (["avx512", "avx2"] as const).filter((i) => i === info.bestIsa || (i === "avx2" && info.bestIsa === "avx512"));
  type Cell = { label: string; threads: number; run: (n: number) => number; kernel?: string };
  const cells: Cell[] = [];
  const openblasCell = (t: number): Cell => ({
    label: "openblas tier (same library as numpy)", threads: t, run: (n) => {
      addon.setThreads(t);
      try {
        return squareGflops("openblas", n, budgetMs, 3, clock);
      } finally {
        addon.setThreads(info.threads);
      }
    },
  });
  for (const t of threadCounts) {
    for (const isa of isas) {
      const coretype = PATH_REFERENCE[isa];
      const np: Cell = { label: `numpy${coretype ? ` (OPENBLAS_CORETYPE=${coretype})` : ""}`, threads: t, run: () => NaN };
      np.run = (n) => {
        const r = measureNumpy([n], [], budgetMs, { threads: t, coretype, clock });
        if ("missing" in r) return NaN;
        np.kernel = r.kernel;
        return r.gflops[0]!;
      };
      cells.push(np);
      if (isa === info.bestIsa && info.openblas) cells.push(openblasCell(t));
      cells.push({
        label: `native ${isa}`, threads: t, run: (n) => {
          addon.setIsa(isa);
          addon.setThreads(t);
          try {
            return squareGflops("native", n, budgetMs, 3, clock);
          } finally {
            addon.setIsa(info.isa);
            addon.setThreads(info.threads);
          }
        },
      });
    }
  }
  const best = cells.map(() => sizes.map(() => 0));
  const load0 = loadavg()[0]!;
  for (let r = 0; r < (opts.repeat ?? 1); r++) {
    for (const [si, n] of sizes.entries()) {
      const order = cells.map((_, i) => i);
      if (r % 2 === 1) order.reverse();
      for (const ci of order) {
        const g = cells[ci]!.run(n);
        if (g > best[ci]![si]! || Number.isNaN(g)) best[ci]![si] = g;
      }
    }
  }
  return {
    cpu: `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores; native best path ${info.bestIsa}`,
    clock,
    sizes,
    rows: cells.map((c, i) => ({ label: c.label, threads: c.threads, gflops: best[i]!, ...(c.kernel ? { kernel: c.kernel } : {}) })),
    load: [load0, loadavg()[0]!],
  };
}

export function formatPaths(p: GemmPathsResult | { missing: string }): string {
  if ("missing" in p) return `native GEMM paths: not measured (${p.missing})`;
  const lines = [`Native GEMM paths vs numpy, GFLOPS (float32, n×n×n, best ${p.clock === "cpu" ? "CPU" : "wall"} time per call); ratio = path / the numpy row above it, same run`];
  lines.push(`${p.cpu}; load average (1 min) ${p.load[0].toFixed(2)} before, ${p.load[1].toFixed(2)} after`);
  lines.push(["path".padEnd(34), "threads".padStart(8), ...p.sizes.map((n) => `${n}`.padStart(16))].join(""));
  let ref: PathRow | null = null;
  for (const row of p.rows) {
    if (row.label.startsWith("numpy")) ref = row;
    const cells = row.gflops.map((g, i) => `${fmt(g)}${ref && ref !== row && Number.isFinite(ref.gflops[i]) ? ` (${(g / ref.gflops[i]!).toFixed(2)}×)` : ""}`.padStart(16));
    lines.push([row.label.padEnd(34), String(row.threads).padStart(8), ...cells].join(""));
  }
  const kernels = [...new Set(p.rows.filter((r) => r.kernel).map((r) => `${r.label}: ${r.kernel}`))];
  if (kernels.length) lines.push(`numpy runs (threadpoolctl): ${kernels.join("; ")}`);
  return lines.join("\n");
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
  const threadsArg = args.indexOf("--threads");
  const threads = threadsArg >= 0 ? args[threadsArg + 1]!.split(",").map(Number) : undefined;
  const repeatArg = args.indexOf("--repeat");
  const repeat = repeatArg >= 0 ? Math.max(1, Number(args[repeatArg + 1])) : 1;
  const json = args.includes("--json");
  const r = args.includes("--paths-only") ? null : await measureGemm({ sizes, budgetMs: quick ? 300 : 1500, tinyCalls: quick ? 2000 : 20000 });
  if (r && !json) process.stdout.write(`${formatGemm(r)}\n\n`);
  const clockArg = args.indexOf("--clock");
  const clock = clockArg >= 0 && args[clockArg + 1] === "cpu" ? "cpu" : "wall";
  const paths = args.includes("--no-paths") ? null : measurePaths({ sizes, threads, budgetMs: quick ? 300 : 1500, repeat, clock });
  if (json) process.stdout.write(`${JSON.stringify({ ...r, paths }, null, 2)}\n`);
  else if (paths) process.stdout.write(`${formatPaths(paths)}\n`);
}
