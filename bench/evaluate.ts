// The digits pairs of issue 6, run by `transferlab evaluate` and by the Python pipeline (scikit-learn SVC +
// POT, bench/evaluate_reference.py) side by side on the same data and the same per-seed splits:
// accuracies against each other and against the issue's reference numbers (scikit-learn 1.2.1 + POT 0.8.2),
// and wall time. 10 target labels per class, 5 seeds, SVC rbf gamma 'scale', global pixel scaling.
// `npm run bench -- evaluate [--json] [--quick] [--seeds N] [--methods a,b] [--pairs mnist→optdigits] [--jobs N]`
// --quick: baselines only, 1 seed. The machine may be loaded by other work: compare ratios, not absolute times.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/core/rng.js";
import { resolveDomainPair } from "../src/data/registry.js";
import { evaluate } from "../src/experiment/evaluate.js";
import { scalePair } from "../src/data/prepare.js";
import { splitTargetForProtocol } from "../src/data/split.js";
import { methodNames, type MethodName } from "../src/adapt/registry.js";

/** Issue 6's reference accuracies (%), scikit-learn 1.2.1 + POT 0.8.2. */
export const ISSUE_REFERENCE: Record<string, Record<string, number>> = {
  "mnist→optdigits": { "source-only": 33.8, "target-only": 90.8, coral: 41.9, "ot-sinkhorn": 40.8, "ot-emd": 39.3, "ot-linear": 40.4 },
  "optdigits→mnist": { "source-only": 16.9, "target-only": 75.0, coral: 35.4, "ot-sinkhorn": 36.0, "ot-emd": 36.0, "ot-linear": 35.6 },
};

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const quick = args.includes("--quick");
  const seeds = Number(arg(args, "--seeds") ?? (quick ? 1 : 5));
  const registered = new Set<string>(methodNames());
  const wanted = (arg(args, "--methods") ?? (quick ? "source-only,target-only" : "source-only,target-only,coral,ot-sinkhorn,ot-emd,ot-linear")).split(",");
  const methods = wanted.filter((m): m is MethodName => registered.has(m));
  const pairs = (arg(args, "--pairs") ?? "mnist→optdigits,optdigits→mnist").split(",");
  // As the CLI does by default: one worker thread per core (≤ 4). --jobs 1 runs every fit in this thread.
  const jobs = Number(arg(args, "--jobs") ?? Math.max(1, Math.min(4, availableParallelism())));
  const report: Record<string, unknown>[] = [];
  for (const pairName of pairs) {
    const pair = await resolveDomainPair(pairName, { scaling: "none" });
    const t0 = performance.now();
    const r = await evaluate(pair, { methods, estimator: "svc", targetLabelsPerClass: 10, seeds, scale: "global", protocol: "transductive", jobs, methodParams: methods.includes("ot-sinkhorn") ? { "ot-sinkhorn": { reg: 0.01 } } : {} });
    const oursSeconds = (performance.now() - t0) / 1000;

    // The same scaled data and the same splits for Python.
    const dir = mkdtempSync(join(tmpdir(), "tl-eval-"));
    let py: { methods: Record<string, number[]>; seconds: Record<string, number>; totalSeconds: number } | { missing: string };
    let pyWall = 0;
    try {
      const sc = scalePair(pair.source.X, pair.target.X, "global");
      const target = { ...pair.target, X: sc.target };
      const splits = r.seeds.map((seed) => {
        const s = splitTargetForProtocol(target, 10, "transductive", new Rng(seed).fork("split"));
        return { labelled: Array.from(s.indices.labelled), unlabelled: Array.from(s.indices.unlabelled), test: Array.from(s.indices.test) };
      });
      writeFileSync(join(dir, "Xs.f32"), sc.source.data);
      writeFileSync(join(dir, "ys.i32"), pair.source.y);
      writeFileSync(join(dir, "Xt.f32"), sc.target.data);
      writeFileSync(join(dir, "yt.i32"), pair.target.y);
      writeFileSync(join(dir, "meta.json"), JSON.stringify({ ns: pair.source.X.rows, nt: pair.target.X.rows, d: pair.source.X.cols, seeds: splits, methods, sinkhornReg: 0.01 }));
      const env = { ...process.env };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      const t1 = performance.now();
      const p = spawnSync("/usr/bin/python3", [join(import.meta.dirname, "evaluate_reference.py"), dir], { encoding: "utf8", env, maxBuffer: 1 << 26 });
      pyWall = (performance.now() - t1) / 1000;
      py = p.status === 0 ? JSON.parse(p.stdout) : { missing: (p.stderr || p.error?.message || "python failed").trim().split("\n").pop()! };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const rows = r.methods.map((m) => {
      const ours = m.accuracy?.mean ?? NaN; // NaN (null in JSON): the method diverged
      const pyMean = "methods" in py && py.methods[m.name] ? mean(py.methods[m.name]!) : null;
      const ref = ISSUE_REFERENCE[pairName]?.[m.name] ?? null;
      return { method: m.name, ours, python: pyMean, issueReference: ref, withinTwoOfReference: ref === null ? null : Math.abs(ours - ref) <= 2, oursSecondsPerSeed: mean(m.secondsPerSeed), pythonSecondsPerSeed: "seconds" in py ? (py.seconds[m.name] ?? 0) / seeds : null };
    });
    const entry = { pair: pairName, seeds, jobs, methods: rows, oursSeconds, pythonSeconds: "totalSeconds" in py ? py.totalSeconds : null, pythonWallSeconds: pyWall, speedup: "totalSeconds" in py ? py.totalSeconds / oursSeconds : null, python: "missing" in py ? py.missing : "ok" };
    report.push(entry);
    if (!json) {
      console.log(`\n${pairName} (${seeds} seed${seeds > 1 ? "s" : ""}, SVC rbf gamma 'scale', global scaling, 10 labels/class; transferlab on ${jobs} worker thread${jobs > 1 ? "s" : ""}, Python single-process)`);
      console.log("method        transferlab  python  issue ref  |ours−ref|≤2  s/seed ours  s/seed python");
      for (const x of rows) {
        console.log(`${x.method.padEnd(13)} ${x.ours.toFixed(1).padStart(11)}  ${(x.python?.toFixed(1) ?? "—").padStart(6)}  ${(x.issueReference?.toFixed(1) ?? "—").padStart(9)}  ${String(x.withinTwoOfReference ?? "—").padStart(12)}  ${x.oursSecondsPerSeed.toFixed(2).padStart(11)}  ${(x.pythonSecondsPerSeed?.toFixed(2) ?? "—").padStart(13)}`);
      }
      console.log(`total: transferlab ${oursSeconds.toFixed(1)} s, python ${entry.pythonSeconds?.toFixed(1) ?? `missing (${entry.python})`} s (+ imports: wall ${pyWall.toFixed(1)} s); python/transferlab = ${entry.speedup?.toFixed(2) ?? "—"}`);
    }
  }
  if (json) console.log(JSON.stringify({ bench: "evaluate", pairs: report }, null, 2));
}
