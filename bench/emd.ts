// Exact EMD (network simplex, src/adapt/ot/emd.ts) vs POT 0.8.2's ot.emd (C++ network simplex, Debian
// python3-pot, when present) on the same cost matrix: squared Euclidean costs between two random 64-D clouds
// (uniform weights), the shape of the optdigits→MNIST pair when run with --n 10000 --m 1797. Reports CPU seconds,
// the ratio ours/POT and the relative difference of the optimal costs. The machine is shared: times are noisy.
// --pair mnist→optdigits (or optdigits→mnist) uses the real digits costs instead, as `transferlab evaluate
// --scale global` builds them for ot-emd (10000×1797 or 1797×10000, float32-computed squared Euclidean).
// POT runs to optimality (numItermax 1e9), not at its default cap of 100000 pivots.
// `npm run bench -- emd [--json] [--n 3000] [--m 1797] [--d 64] [--pair mnist→optdigits]`
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/core/rng.js";
import { mat64 } from "../src/core/linalg.js";
import { emdPlan } from "../src/adapt/ot/emd.js";
import { sqeuclideanCost } from "../src/adapt/ot/cost.js";
import { resolveDomainPair } from "../src/data/index.js";
import { scalePair } from "../src/data/prepare.js";
import type { Mat64 } from "../src/core/linalg.js";

const PY = "/usr/bin/python3";
const POT = `
import json, sys, time
import numpy as np, ot
n, m = int(sys.argv[2]), int(sys.argv[3])
M = np.fromfile(sys.argv[1], dtype=np.float64).reshape(n, m)
a, b = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
c = time.process_time()
G = ot.emd(a, b, M, numItermax=10**9)
cpu = time.process_time() - c
print(json.dumps({"cpu": cpu, "cost": float(np.sum(G * M))}))
`;

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
}

async function digitsCost(name: string): Promise<Mat64> {
  const pair = await resolveDomainPair(name.replace("-", "→"), { scaling: "none" });
  const scaled = scalePair(pair.source.X, pair.target.X, "global");
  return sqeuclideanCost(scaled.source, scaled.target, "float32");
}

function randomCost(n: number, m: number, d: number): Mat64 {
  const rng = new Rng(6);
  const X = Float64Array.from({ length: n * d }, () => rng.uniform()), Y = Float64Array.from({ length: m * d }, () => rng.uniform());
  const M = mat64(n, m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let t = 0;
    for (let k = 0; k < d; k++) { const q = X[i * d + k]! - Y[j * d + k]!; t += q * q; }
    M.data[i * m + j] = t;
  }
  return M;
}

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const pi = args.indexOf("--pair");
  const pairName = pi >= 0 ? args[pi + 1]! : undefined;
  const M = pairName ? await digitsCost(pairName) : randomCost(arg(args, "--n", 3000), arg(args, "--m", 1797), arg(args, "--d", 64));
  const n = M.rows, m = M.cols, d = pairName ? 64 : arg(args, "--d", 64);
  const a = new Float64Array(n).fill(1 / n), b = new Float64Array(m).fill(1 / m);
  const c0 = process.cpuUsage();
  const ours = emdPlan(a, b, M, { maxPivots: 1e12 });
  const cu = process.cpuUsage(c0);
  const out: Record<string, unknown> = { costs: pairName ? `digits ${pairName}` : "random clouds", n, m, d, load: loadavg()[0], cpus: cpus().length, ours: { cpu: (cu.user + cu.system) / 1e6, cost: ours.cost, pivots: ours.pivots } };
  if (existsSync(PY) && spawnSync(PY, ["-c", "import ot"], { stdio: "ignore" }).status === 0) {
    const dir = mkdtempSync(join(tmpdir(), "bench-emd-"));
    try {
      const f = join(dir, "M.f64");
      writeFileSync(f, new Uint8Array(M.data.buffer, M.data.byteOffset, M.data.byteLength));
      const r = spawnSync(PY, ["-c", POT, f, String(n), String(m)], { encoding: "utf8", maxBuffer: 1 << 20 });
      if (r.status === 0) {
        const pot = JSON.parse(r.stdout.trim()) as { cpu: number; cost: number };
        out.pot = pot;
        out.ratio = (out.ours as { cpu: number }).cpu / pot.cpu;
        out.costRelDiff = Math.abs(ours.cost - pot.cost) / Math.abs(pot.cost);
      } else out.pot = { error: r.stderr.trim().split("\n").pop() };
    } finally { rmSync(dir, { recursive: true, force: true }); }
  } else out.pot = { error: "POT (python3-pot) not available" };
  if (json) { console.log(JSON.stringify(out)); return; }
  const o = out.ours as { cpu: number; cost: number; pivots: number };
  console.log(`EMD ${n}×${m} (${out.costs as string}, d = ${d}); load average ${(out.load as number).toFixed(1)} on ${out.cpus} CPUs, so times are noisy`);
  console.log(`  ours: ${o.cpu.toFixed(2)} s CPU, ${o.pivots} pivots, cost ${o.cost}`);
  const p = out.pot as { cpu?: number; cost?: number; error?: string };
  if (p.error) console.log(`  POT: ${p.error}`);
  else console.log(`  POT:  ${p.cpu!.toFixed(2)} s CPU, cost ${p.cost}\n  ours/POT CPU ${(out.ratio as number).toFixed(2)}×, optimal costs differ by ${(out.costRelDiff as number).toExponential(1)} relative`);
}
