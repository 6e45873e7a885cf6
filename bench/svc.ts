// SVC training time on the digits sources of issue 6 (MNIST 10000×64 for mnist→optdigits, optdigits 1797×64 for
// optdigits→mnist; global pixel scaling as `transferlab evaluate`; rbf, C 1, gamma 'scale', tol 1e-3): the native
// backend (system libsvm), the WebAssembly backend (libsvm-js) and scikit-learn's SVC (Debian python3-sklearn)
// on the same float32 data in the same run. Wall and CPU seconds (all threads), medians of --reps fits, ratios
// against scikit-learn;
// the support-vector counts show the three solve the same problem. The machine is shared: times are noisy.
// `npm run bench -- svc [--json] [--reps 3] [--pairs mnist→optdigits,optdigits→mnist]`
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDomainPair } from "../src/data/registry.js";
import { scalePair } from "../src/data/prepare.js";
import { SVC } from "../src/estimators/svc.js";
import { svmBackendStatus } from "../src/estimators/libsvm-backend.js";

const SKLEARN = `
import json, sys, time
import numpy as np
from sklearn.svm import SVC
import sklearn
n, d, reps = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(sys.argv[1], dtype=np.float32).reshape(n, d)
y = np.fromfile(sys.argv[2], dtype=np.int32)
times, cpu = [], []
for _ in range(reps):
    t, c = time.perf_counter(), time.process_time()
    m = SVC(kernel="rbf", C=1.0, gamma="scale", tol=1e-3).fit(X, y)
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({"times": times, "cpu": cpu, "nSV": int(m.n_support_.sum()), "version": sklearn.__version__}))
`;

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const reps = Number(arg(args, "--reps") ?? 3);
  const pairs = (arg(args, "--pairs") ?? "mnist→optdigits,optdigits→mnist").split(",");
  const backends = svmBackendStatus();
  const report: Record<string, unknown>[] = [];
  for (const pairName of pairs) {
    const pair = await resolveDomainPair(pairName, { scaling: "none" });
    const X = scalePair(pair.source.X, pair.target.X, "global").source;
    const y = pair.source.y;
    const entry: Record<string, unknown> = { pair: pairName, n: X.rows, d: X.cols, reps, load: loadavg()[0], cpus: cpus().length };
    for (const b of backends) {
      if (!b.available) { entry[b.backend] = { missing: b.detail }; continue; }
      const times: number[] = [], cpu: number[] = [];
      let nSV = 0;
      for (let r = 0; r < reps; r++) {
        const svc = new SVC({ kernel: "rbf", C: 1, gamma: "scale", tol: 1e-3 }, { backend: b.backend });
        const t = performance.now(), c = process.cpuUsage();
        await svc.fit(X, y);
        times.push((performance.now() - t) / 1000);
        const cu = process.cpuUsage(c);
        cpu.push((cu.user + cu.system) / 1e6);
        nSV = svc.nSupport.reduce((a, c) => a + c, 0);
      }
      entry[b.backend] = { times, cpu, median: median(times), cpuMedian: median(cpu), nSV };
    }
    const dir = mkdtempSync(join(tmpdir(), "bench-svc-"));
    try {
      writeFileSync(join(dir, "X.f32"), X.data);
      writeFileSync(join(dir, "y.i32"), y);
      const p = spawnSync("/usr/bin/python3", ["-c", SKLEARN, join(dir, "X.f32"), join(dir, "y.i32"), String(X.rows), String(X.cols), String(reps)], { encoding: "utf8" });
      if (p.status === 0) {
        const s = JSON.parse(p.stdout) as { times: number[]; cpu: number[]; nSV: number; version: string };
        entry.sklearn = { ...s, median: median(s.times), cpuMedian: median(s.cpu) };
      } else entry.sklearn = { missing: (p.stderr || p.error?.message || "python failed").trim().split("\n").pop() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const sk = entry.sklearn as { median?: number; cpuMedian?: number };
    for (const b of ["native", "wasm"]) {
      const e = entry[b] as { median?: number; cpuMedian?: number };
      if (e.median !== undefined && sk.median !== undefined) entry[`${b}/sklearn`] = e.median / sk.median;
      if (e.cpuMedian !== undefined && sk.cpuMedian !== undefined) entry[`${b}/sklearn cpu`] = e.cpuMedian / sk.cpuMedian;
    }
    const nat = entry.native as { median?: number }, was = entry.wasm as { median?: number };
    if (nat.median !== undefined && was.median !== undefined) entry["native/wasm"] = nat.median / was.median;
    report.push(entry);
  }
  if (json) { console.log(JSON.stringify(report)); return; }
  for (const e of report) {
    console.log(`SVC fit on the ${e.pair} source, ${e.n}×${e.d} (rbf, C 1, gamma 'scale'); median of ${e.reps}; load ${(e.load as number).toFixed(1)} on ${e.cpus} CPUs, so times are noisy`);
    for (const b of ["native", "wasm", "sklearn"]) {
      const v = e[b] as { median?: number; cpuMedian?: number; times?: number[]; nSV?: number; missing?: string; version?: string };
      const label = b === "sklearn" ? `scikit-learn${v.version ? ` ${v.version}` : ""}` : b;
      if (v.missing) console.log(`  ${label.padEnd(20)} missing: ${v.missing}`);
      else console.log(`  ${label.padEnd(20)} ${v.median!.toFixed(3)} s wall (${v.times!.map((t) => t.toFixed(2)).join(", ")}), ${v.cpuMedian!.toFixed(3)} s CPU, ${v.nSV} SVs`);
    }
    const r = (k: string) => (typeof e[k] === "number" ? `${(e[k] as number).toFixed(2)}×` : "n/a");
    console.log(`  wall: native/sklearn ${r("native/sklearn")}, wasm/sklearn ${r("wasm/sklearn")}, native/wasm ${r("native/wasm")}; CPU: native/sklearn ${r("native/sklearn cpu")}, wasm/sklearn ${r("wasm/sklearn cpu")}`);
  }
}
