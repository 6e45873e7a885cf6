// Entropic Sinkhorn (src/adapt/ot/sinkhorn.ts) vs POT 0.8.2 (Debian python3-pot, when present) on the same
// cost matrix: squared Euclidean costs between two random 64-D clouds, divided by their maximum (uniform
// weights). At --reg (default 0.05) POT's plain ot.sinkhorn converges and is compared with ours (float64 and
// float32); at --reg-small (default 0.01) ours is compared with ot.bregman.sinkhorn_stabilized. Both run at most
// --iter iterations (default 1000, POT's default) with stopThr --tol (default 1e-8, ot-sinkhorn's; the float32
// path's marginal error floor is ~1e-7·‖b‖₂, about 1e-9 here). Reports CPU seconds, iterations and the
// marginal errors ‖P1 − a‖₂, ‖Pᵀ1 − b‖₂ of the returned plan. The machine is shared: times are noisy.
// The truncated-kernel path (kernel: "truncated", what ot-sinkhorn uses above 1e6 cells) runs at both regs too.
// `npm run bench -- sinkhorn [--json] [--n 3000] [--m 1797] [--d 64] [--reg 0.05] [--reg-small 0.01] [--iter 1000] [--tol 1e-8]`
//
// `--digits` instead times the issue-6 digits solves: the cost matrices ot-sinkhorn builds for MNIST→optdigits
// (10000×1797) and optdigits→MNIST (1797×10000) — squared Euclidean on pixels divided by the global max, float32
// costs — at reg 0.01, maxIter 1000, tol 1e-8 (ot-sinkhorn's defaults), with the dense float32 kernel (ot-sinkhorn's
// previous path) and the truncated kernel, alternating, --repeat times (default 1). `--pot` adds POT 0.8.2's
// sinkhorn_stabilized on the same matrices (minutes: POT's plain ot.sinkhorn underflows at this reg).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/core/rng.js";
import { mat64, type Mat64 } from "../src/core/linalg.js";
import { sinkhornPlan } from "../src/adapt/ot/sinkhorn.js";

const PY = "/usr/bin/python3";
const POT = `
import json, sys, time
import numpy as np, ot
n, m, reg, method, it, tol = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], int(sys.argv[6]), float(sys.argv[7])
M = np.fromfile(sys.argv[1], dtype=np.float64).reshape(n, m)
a, b = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
c = time.process_time()
if method == "plain":
    G, log = ot.sinkhorn(a, b, M, reg, numItermax=it, stopThr=tol, log=True)
else:
    G, log = ot.bregman.sinkhorn_stabilized(a, b, M, reg, numItermax=it, stopThr=tol, log=True)
cpu = time.process_time() - c
print(json.dumps({"cpu": cpu, "iterations": int(log.get("niter", log.get("n_iter", -1))),
  "errA": float(np.linalg.norm(G.sum(1) - a)), "errB": float(np.linalg.norm(G.sum(0) - b)),
  "finite": bool(np.isfinite(G).all())}))
`;

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
}

interface Run { cpu: number; iterations?: number; errA: number; errB: number; finite?: boolean; error?: string }

function marginalErrors(P: Mat64, a: Float64Array, b: Float64Array): { errA: number; errB: number } {
  const n = P.rows, m = P.cols, col = new Float64Array(m);
  let ea = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) { const p = P.data[i * m + j]!; s += p; col[j]! += p; }
    ea += (s - a[i]!) ** 2;
  }
  let eb = 0;
  for (let j = 0; j < m; j++) eb += (col[j]! - b[j]!) ** 2;
  return { errA: Math.sqrt(ea), errB: Math.sqrt(eb) };
}

type Path = "float64" | "float32" | "truncated";

function ours(a: Float64Array, b: Float64Array, M: Mat64, reg: number, iter: number, tol: number, path: Path): Run & { kept?: number; bound?: number } {
  const c0 = process.cpuUsage();
  const r = sinkhornPlan(a, b, M, reg, { maxIter: iter, tol, ...(path === "truncated" ? { kernel: "truncated" as const } : { precision: path }) });
  const cu = process.cpuUsage(c0);
  const t = r.truncation;
  return { cpu: (cu.user + cu.system) / 1e6, iterations: r.iterations, ...marginalErrors(r.plan, a, b), ...(t ? { kept: t.kept / (a.length * b.length), bound: t.droppedMassBound } : {}) };
}

async function digits(args: string[], json: boolean): Promise<void> {
  const { resolveDomainPair } = await import("../src/data/registry.js");
  const { scalePair } = await import("../src/data/prepare.js");
  const { sqeuclideanCost } = await import("../src/adapt/ot/cost.js");
  const repeat = arg(args, "--repeat", 1), reg = 0.01, iter = 1000, tol = 1e-8;
  const pair = await resolveDomainPair("mnist→optdigits", { scaling: "none", seed: 0 });
  const sc = scalePair(pair.source.X, pair.target.X, "global");
  const out: Record<string, unknown>[] = [];
  for (const [label, S, T] of [["mnist→optdigits", sc.source, sc.target], ["optdigits→mnist", sc.target, sc.source]] as const) {
    const M = sqeuclideanCost(S, T, "float32"); // what transport.ts builds for problems this large
    const n = M.rows, m = M.cols, a = new Float64Array(n).fill(1 / n), b = new Float64Array(m).fill(1 / m);
    const runs: Record<string, Run[]> = { dense32: [], truncated: [] };
    for (let k = 0; k < repeat; k++) {
      runs.dense32!.push(ours(a, b, M, reg, iter, tol, "float32"));
      runs.truncated!.push(ours(a, b, M, reg, iter, tol, "truncated"));
    }
    let pot: Run | undefined;
    if (args.includes("--pot") && existsSync(PY)) {
      const dir = mkdtempSync(join(tmpdir(), "bench-sinkhorn-"));
      try {
        const f = join(dir, "M.f64");
        writeFileSync(f, new Uint8Array(M.data.buffer, M.data.byteOffset, M.data.byteLength));
        pot = runPot(f, n, m, reg, "stabilized", iter, tol);
      } finally { rmSync(dir, { recursive: true, force: true }); }
    }
    out.push({ pair: label, n, m, runs, pot });
    if (!json) {
      console.log(`${label} ${n}×${m}, reg ${reg}, maxIter ${iter}, tol ${tol}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs, so times are noisy`);
      const line = (l: string, r: Run & { kept?: number; bound?: number }): string =>
        `  ${l.padEnd(30)} ${r.cpu.toFixed(2).padStart(7)} s CPU, ${String(r.iterations).padStart(5)} it, ‖P1−a‖ ${r.errA.toExponential(1)}, ‖Pᵀ1−b‖ ${r.errB.toExponential(1)}` +
        (r.kept !== undefined ? `, kept ${(100 * r.kept).toFixed(2)} %, dropped mass ≤ ${r.bound!.toExponential(1)}` : "");
      for (let k = 0; k < repeat; k++) {
        console.log(line("dense float32 kernel", runs.dense32![k]!));
        console.log(line("truncated kernel", runs.truncated![k]!) + `  (${(runs.dense32![k]!.cpu / runs.truncated![k]!.cpu).toFixed(1)}× faster)`);
      }
      if (pot) console.log(pot.error ? `  POT: ${pot.error}` : line("POT sinkhorn_stabilized", pot));
    }
  }
  if (json) console.log(JSON.stringify({ reg, iter, tol, load: loadavg()[0], cpus: cpus().length, pairs: out }));
}

function runPot(file: string, n: number, m: number, reg: number, method: string, iter: number, tol: number): Run {
  // POT gets the machine's default OpenBLAS tuning, not the engine's.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(PY, ["-c", POT, file, String(n), String(m), String(reg), method, String(iter), String(tol)], { encoding: "utf8", maxBuffer: 1 << 20, env });
  if (r.status !== 0) return { cpu: NaN, errA: NaN, errB: NaN, error: r.stderr.trim().split("\n").pop() };
  return JSON.parse(r.stdout.trim()) as Run;
}

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  if (args.includes("--digits")) return digits(args, json);
  const n = arg(args, "--n", 3000), m = arg(args, "--m", 1797), d = arg(args, "--d", 64);
  const reg = arg(args, "--reg", 0.05), regSmall = arg(args, "--reg-small", 0.01), iter = arg(args, "--iter", 1000), tol = arg(args, "--tol", 1e-8);
  const rng = new Rng(6);
  const X = Float64Array.from({ length: n * d }, () => rng.uniform()), Y = Float64Array.from({ length: m * d }, () => rng.uniform());
  const M = mat64(n, m);
  let mx = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let t = 0;
    for (let k = 0; k < d; k++) { const q = X[i * d + k]! - Y[j * d + k]!; t += q * q; }
    M.data[i * m + j] = t;
    if (t > mx) mx = t;
  }
  for (let k = 0; k < M.data.length; k++) M.data[k]! /= mx;
  const a = new Float64Array(n).fill(1 / n), b = new Float64Array(m).fill(1 / m);
  const rows: { label: string; run: Run; ref?: string }[] = [];
  rows.push({ label: `ours float64, reg ${reg}`, run: ours(a, b, M, reg, iter, tol, "float64"), ref: "pot-plain" });
  rows.push({ label: `ours float32, reg ${reg}`, run: ours(a, b, M, reg, iter, tol, "float32"), ref: "pot-plain" });
  rows.push({ label: `ours float64, reg ${regSmall}`, run: ours(a, b, M, regSmall, iter, tol, "float64"), ref: "pot-stab" });
  rows.push({ label: `ours float32, reg ${regSmall}`, run: ours(a, b, M, regSmall, iter, tol, "float32"), ref: "pot-stab" });
  rows.push({ label: `ours truncated, reg ${reg}`, run: ours(a, b, M, reg, iter, tol, "truncated"), ref: "pot-plain" });
  rows.push({ label: `ours truncated, reg ${regSmall}`, run: ours(a, b, M, regSmall, iter, tol, "truncated"), ref: "pot-stab" });
  const refs: Record<string, Run> = {};
  if (existsSync(PY) && spawnSync(PY, ["-c", "import ot"], { stdio: "ignore" }).status === 0) {
    const dir = mkdtempSync(join(tmpdir(), "bench-sinkhorn-"));
    try {
      const f = join(dir, "M.f64");
      writeFileSync(f, new Uint8Array(M.data.buffer, M.data.byteOffset, M.data.byteLength));
      refs["pot-plain"] = runPot(f, n, m, reg, "plain", iter, tol);
      refs["pot-stab"] = runPot(f, n, m, regSmall, "stabilized", iter, tol);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }
  const out = { n, m, d, reg, regSmall, iter, tol, load: loadavg()[0], cpus: cpus().length, rows, pot: refs };
  if (json) { console.log(JSON.stringify(out)); return; }
  console.log(`Sinkhorn ${n}×${m} (d = ${d}, costs / max); load average ${out.load.toFixed(1)} on ${out.cpus} CPUs, so times are noisy`);
  const line = (label: string, r: Run): string => r.error ? `  ${label}: ${r.error}` :
    `  ${label.padEnd(34)} ${r.cpu.toFixed(2).padStart(7)} s CPU, ${String(r.iterations ?? "?").padStart(5)} it, ‖P1−a‖ ${r.errA.toExponential(1)}, ‖Pᵀ1−b‖ ${r.errB.toExponential(1)}`;
  if (refs["pot-plain"]) console.log(line(`POT ot.sinkhorn, reg ${reg}`, refs["pot-plain"]));
  if (refs["pot-stab"]) console.log(line(`POT sinkhorn_stabilized, reg ${regSmall}`, refs["pot-stab"]));
  for (const r of rows) {
    const p = r.ref ? refs[r.ref] : undefined;
    console.log(line(r.label, r.run) + (p && !p.error ? `  (${(r.run.cpu / p.cpu).toFixed(2)}× POT)` : ""));
  }
  if (!refs["pot-plain"]) console.log("  POT (python3-pot) not available");
  for (const [k, r] of Object.entries(refs)) {
    if (!r.error && (r.iterations ?? 0) >= iter - 1) console.log(`  note: POT ${k} stopped at the iteration cap without reaching tol ${tol}; its ratio compares unequal work`);
  }
}
