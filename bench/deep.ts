// `npm run bench -- deep [--json] [--iterations N] [--repeats R] [--methods a,b]`: seconds per 1000 training iterations of each
// deep method on issue 14's 8×8 spec (CNN, 64 + 64 digits per iteration; mnist→optdigits), ours and the PyTorch
// mirror (bench/deep_mirror.py) in the same run with the same thread count; then the MLP backbone (100 → 256 → 128)
// on a 100-feature table, both. Wall time of N iterations after a 5-iteration warm-up, alternating ours and torch
// per method so both see the same machine load. Seconds are CPU seconds of the process (user + system), which a
// loaded shared machine distorts far less than wall time (both are printed; ratios use CPU). Run with
// TRANSFERLAB_THREADS=1 for a one-thread comparison (torch gets the same count). --json prints
// {"methods": {name: {ours, torch, oursWall, torchWall}}, "mlp": {...}}.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { Matrix, Rng } from "../src/core/index.js";
import type { LabelledDomain } from "../src/core/domain.js";
import { withoutLabels } from "../src/core/domain.js";
import { resolveDomainPair } from "../src/data/registry.js";
import { getMethod } from "../src/adapt/registry.js";
import { kernels, tierStatus } from "../src/engine/kernels/index.js";
import deepFidelity from "./deep-fidelity.js";

const MIRROR = new URL("./deep_mirror.py", import.meta.url).pathname;
const ALL = ["source-only-net", "dan", "deep-coral", "dann", "cdan", "mcc"];

function flag(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : dflt;
}

interface Timing { cpu: number; wall: number }

async function ours(method: string, source: LabelledDomain, target: LabelledDomain, iterations: number, params: Record<string, unknown> = {}): Promise<Timing> {
  const m = getMethod(method);
  const data = { source, target: withoutLabels(target) };
  const ctx = { rng: new Rng(0), estimator: () => { throw new Error("unused"); } };
  await m.fit(data, ctx, { ...params, iterations: 5 });
  const t0 = performance.now(), c0 = process.cpuUsage();
  await m.fit(data, ctx, { ...params, iterations });
  const c = process.cpuUsage(c0);
  return { cpu: ((c.user + c.system) / 1e6) * (1000 / iterations), wall: ((performance.now() - t0) / 1000) * (1000 / iterations) };
}

function torch(args: string[], threads: number): Timing {
  // torch.set_num_threads caps ATen's OpenMP pool only; Debian's torch runs its GEMMs in OpenBLAS, whose own pool
  // spins extra threads (measured: 12.7 CPU s per 1000 iterations against 6.4 wall at "1 thread"). Both pools
  // get the thread count, so torch's CPU seconds are its work at that count.
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const r = spawnSync("/usr/bin/python3", [MIRROR, ...args], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`deep_mirror.py failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout.trim()) as { secondsPer1000: number; cpuSecondsPer1000: number };
  return { cpu: o.cpuSecondsPer1000, wall: o.secondsPer1000 };
}

type Row = { ours: number; torch: number; oursWall: number; torchWall: number };
/** The timing with the median CPU seconds (its wall time comes with it). */
function median(ts: Timing[]): Timing {
  return [...ts].sort((x, y) => x.cpu - y.cpu)[Math.floor(ts.length / 2)]!;
}

const row = (a: Timing, b: Timing): Row => ({ ours: a.cpu, torch: b.cpu, oursWall: a.wall, torchWall: b.wall });
const show = (label: string, r: Row) => `${label} ours ${r.ours.toFixed(1)} s/1000 it (wall ${r.oursWall.toFixed(1)})   torch ${r.torch.toFixed(1)} (wall ${r.torchWall.toFixed(1)})   torch/ours ${(r.torch / r.ours).toFixed(2)}×`;

function table(n: number, d: number, shift: number, seed: number): LabelledDomain {
  const rng = new Rng(seed);
  const X = new Matrix(n, d);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal() + shift;
  return { name: `table-${seed}`, X, y: Int32Array.from({ length: n }, () => rng.int(10)) };
}

export default async function main(args: string[]): Promise<void> {
  const json = args.includes("--json");
  const iterations = Number(flag(args, "--iterations", "100"));
  const repeats = Number(flag(args, "--repeats", "3"));
  const methods = flag(args, "--methods", ALL.join(",")).split(",");
  // The active tier's thread count (native: its GEMM threads, TRANSFERLAB_THREADS caps them); torch gets the same.
  const active = kernels().tier;
  const threads = Number(/(\d+) threads?/.exec(tierStatus().find((t) => t.tier === active)?.detail ?? "")?.[1] ?? 1);
  const dir = mkdtempSync(join(tmpdir(), "tl-deep-bench-"));
  await deepFidelity(["--dump", dir]);
  const pair = await resolveDomainPair("mnist→optdigits");
  const out: { methods: Record<string, Row>; mlp: Record<string, Row>; iterations: number; repeats: number; threads: number; tier: string; cpu: string; loadAverage: number[] } = {
    methods: {}, mlp: {}, iterations, repeats, threads, tier: active, cpu: cpus()[0]?.model ?? "unknown", loadAverage: loadavg(),
  };
  // Each measurement `repeats` times, ours and torch alternating, and the median of each: one slow stretch of a
  // shared machine then moves neither side's figure.
  const repeated = async (o: () => Promise<Timing>, t: () => Timing): Promise<Row> => {
    const a: Timing[] = [], b: Timing[] = [];
    for (let r = 0; r < repeats; r++) {
      a.push(await o());
      b.push(t());
    }
    return row(median(a), median(b));
  };
  for (const m of methods) {
    out.methods[m] = await repeated(() => ours(m, pair.source, pair.target, iterations), () => torch([dir, "--time", m, String(iterations), String(threads)], threads));
    if (!json) console.log(show(m.padEnd(16), out.methods[m]!));
  }
  const s = table(2000, 100, 0, 1), t = table(2000, 100, 0.5, 2);
  for (const m of ["source-only-net", "dann"]) {
    out.mlp[m] = await repeated(() => ours(m, s, t, iterations, { backbone: "mlp" }), () => torch([dir, "--time-mlp", m, String(iterations), String(threads)], threads));
    if (!json) console.log(show(`MLP 100→256→128 ${m.padEnd(16)}`, out.mlp[m]!));
  }
  if (json) console.log(JSON.stringify(out));
  else console.log(`(median of ${repeats} alternating measurements of ${iterations} iterations after 5 warm-up, ${threads} thread(s) each, ${out.cpu}, load average ${out.loadAverage.map((v) => v.toFixed(1)).join(" ")})`);
}
