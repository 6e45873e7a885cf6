// `npm run bench -- fit-speed [--methods kmm,ot-lpl1,self-training] [--params kmm.approximation=exact] [--source-rows n]`: one fit
// per method on mnist→optdigits (10,000 source rows, seed 0, K = 10, transductive, svc, scale auto), each in
// this process: first the baselines alone (source-only, target-only), then the baselines plus the method; the
// method's CPU seconds (user+sys) are the difference, so they count its fit and prediction only. Also the wall
// time of its fit (FitOutcome), the process's peak RSS, the target-test accuracy, the method's notes and its
// progress lines. Issue 13's must-show figures; on a shared machine read CPU seconds, not wall.
import { cpus, loadavg } from "node:os";
import { resolveDomainPair } from "../src/data/registry.js";
import { evaluate } from "../src/experiment/evaluate.js";
import type { MethodName } from "../src/adapt/registry.js";

export default async function (args: string[]): Promise<void> {
  const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1]! : dflt; };
  const methods = opt("methods", "kmm,ot-lpl1,self-training").split(",") as MethodName[];
  const methodParams: Record<string, Record<string, unknown>> = {};
  for (const kv of opt("params", "").split(",").filter(Boolean)) {
    const [key, v] = kv.split("=") as [string, string];
    const [m, p] = key.split(".") as [string, string];
    (methodParams[m] ??= {})[p] = Number.isNaN(Number(v)) ? v : Number(v);
  }
  const full = await resolveDomainPair("mnist→optdigits", { seed: 0 });
  const rows = Number(opt("source-rows", String(full.source.X.rows)));
  // --source-rows n: every (N/n)-th source row (the file is sorted by class), to compare an approximation with the
  // exact solver at a size where both run.
  const pick = Int32Array.from({ length: rows }, (_, i) => Math.floor((i * full.source.X.rows) / rows));
  const pair = { ...full, source: { ...full.source, X: full.source.X.takeRows(pick), y: Int32Array.from(pick, (i) => full.source.y[i]!) } };
  console.log(`CPU: ${cpus()[0]?.model} × ${cpus().length}; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}; ${pair.source.X.rows} source rows`);
  const b0 = process.cpuUsage();
  await evaluate(pair, { seeds: 1 });
  const b1 = process.cpuUsage(b0);
  const baseCpu = (b1.user + b1.system) / 1e6;
  console.log(`baselines alone: ${baseCpu.toFixed(1)} s CPU`);
  for (const m of methods) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    let lastLine = 0;
    const r = await evaluate(pair, {
      methods: [m], seeds: 1, methodParams: methodParams[m] ? { [m]: methodParams[m] } : undefined,
      fitProgress: (fraction: number, message?: string) => {
        const now = performance.now();
        if (now - lastLine > 5000) { lastLine = now; console.log(`  progress ${m}: ${(100 * fraction).toFixed(0)} % ${message ?? ""}`); }
      },
    } as never);
    const wall = (performance.now() - t0) / 1000, cpu = process.cpuUsage(c0);
    const row = r.methods.find((x) => x.name === m)!;
    const base = r.methods.filter((x) => x.name !== m).map((x) => `${x.name} ${x.accuracy!.mean.toFixed(2)} (${x.secondsPerSeed[0]!.toFixed(1)} s)`).join(", ");
    const total = (cpu.user + cpu.system) / 1e6;
    console.log(`${m}: accuracy ${row.accuracy!.mean.toFixed(2)} %, method ${(total - baseCpu).toFixed(1)} s CPU (fit+predict ${row.secondsPerSeed[0]!.toFixed(1)} s wall); whole evaluate ${wall.toFixed(1)} s wall, ${total.toFixed(1)} s CPU; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; load ${loadavg()[0]!.toFixed(2)}`);
    console.log(`  baselines: ${base}`);
    for (const n of row.notes) console.log(`  note: ${n}`);
  }
}
