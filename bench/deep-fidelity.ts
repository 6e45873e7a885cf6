// Fidelity of the deep methods against the PyTorch mirror of issue 14's spec (bench/deep_mirror.py): the same
// scaled 8×8 digits (mnist→optdigits, optdigits→mnist), transductive (every target input unlabelled), accuracy on
// all target points, seeds 0..S−1, for ours and the mirror. Resumable: each finished run is one line appended to
// DIR/runs.jsonl (skipped when rerun). Usage:
//   npm run bench -- deep-fidelity --dump DIR                      write the arrays the mirror reads
//   npm run bench -- deep-fidelity --study DIR [--seeds 5] [--iterations 1500] [--methods a,b] [--impl ours|torch|both]
//       [--runs FILE.jsonl] [--out FILE.json]   the journal elsewhere than DIR/runs.jsonl; --out rewrites the tables
//       after every finished run (so a stopped study still has everything it finished)
//   npm run bench -- deep-fidelity --table DIR [--runs FILE.jsonl] [--replays FILE.jsonl] [--out FILE.json]   both tables
//       (mean, sd, SE; diverged runs counted apart)
//   npm run bench -- deep-fidelity --one PAIR METHOD SEED [ITER] [--replay FILE]   one run of ours; with --replay, from
//     torch's initial weights and batch order (python3 bench/deep_mirror.py DIR --dump-replay FILE PAIR METHOD SEED ITER)
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { resolveDomainPair } from "../src/data/registry.js";
import { withoutLabels } from "../src/core/domain.js";
import { Rng } from "../src/core/rng.js";
import { TransferLabError } from "../src/core/errors.js";
import { writeFileAtomic } from "../src/core/atomic.js";
import { getMethod } from "../src/adapt/registry.js";
import type { DeepAdapter, TrainingSeam } from "../src/adapt/deep/define.js";

const PAIRS = ["mnist->optdigits", "optdigits->mnist"] as const;
const METHODS = ["source-only-net", "dan", "deep-coral", "dann", "cdan", "mcc"];
const MIRROR = new URL("./deep_mirror.py", import.meta.url).pathname;

interface Run { impl: "ours" | "torch"; pair: string; method: string; seed: number; iterations: number; accuracy?: number; diverged?: { iteration: number; term: string }; seconds: number }

function flag(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : dflt;
}

async function dump(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const pair = await resolveDomainPair("mnist→optdigits");
  for (const d of [pair.source, pair.target]) {
    writeFileSync(join(dir, `${d.name}.X.f32`), Buffer.from(d.X.data.buffer, d.X.data.byteOffset, d.X.data.byteLength));
    writeFileSync(join(dir, `${d.name}.y.i32`), Buffer.from(d.y.buffer, d.y.byteOffset, d.y.byteLength));
    writeFileSync(join(dir, `${d.name}.json`), JSON.stringify({ rows: d.X.rows, cols: d.X.cols, imageShape: d.imageShape, scaling: pair.scaling }));
  }
  console.log(`wrote ${pair.source.name} and ${pair.target.name} (${JSON.stringify(pair.scaling)}) to ${dir}`);
}

/** Our run of one method on one pair and seed; `method` "cdan-e" is cdan with entropy conditioning. With `replay`
 * (files from deep_mirror.py --dump-replay), ours starts from torch's initial weights and follows its batch order. */
export async function runOurs(pairName: string, method: string, seed: number, iterations: number, replay?: string): Promise<Run> {
  const pair = await resolveDomainPair(pairName);
  const m = getMethod(method === "cdan-e" ? "cdan" : method);
  const params: Record<string, unknown> = { iterations, ...(method === "cdan-e" ? { entropy: true } : {}) };
  const t0 = performance.now();
  const base = { impl: "ours" as const, pair: pairName, method, seed, iterations };
  try {
    const data = { source: pair.source, target: withoutLabels(pair.target) };
    const ctx = { rng: new Rng(seed), estimator: () => { throw new Error("deep methods use their own head"); } };
    const fit = replay ? await (m as DeepAdapter<Record<string, unknown>>).train(data, ctx, params, replaySeam(replay, iterations)) : await m.fit(data, ctx, params);
    const pred = fit.predict(pair.target.X);
    let c = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === pair.target.y[i]) c++;
    return { ...base, accuracy: (100 * c) / pred.length, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    const d = (e as { divergence?: { iteration: number; term: string } }).divergence;
    if (e instanceof TransferLabError && e.code === "DIVERGED" && d) return { ...base, diverged: { iteration: d.iteration, term: d.term }, seconds: (performance.now() - t0) / 1000 };
    throw e;
  }
}

function replaySeam(path: string, iterations: number): TrainingSeam {
  const init = new Float32Array(new Uint8Array(readFileSync(`${path}.params.f32`)).buffer);
  const idx = new Int32Array(new Uint8Array(readFileSync(`${path}.batches.i32`)).buffer);
  const b = idx.length / (2 * iterations);
  return {
    initialize: (params) => {
      let off = 0;
      for (const p of params) { p.set(init.subarray(off, off + p.length)); off += p.length; }
      if (off !== init.length) throw new Error(`replay: ${init.length} initial values for ${off} parameters`);
    },
    batches: (it) => ({ source: idx.slice(2 * it * b, (2 * it + 1) * b), target: idx.slice((2 * it + 1) * b, (2 * it + 2) * b) }),
  };
}

function runTorch(dir: string, pair: string, method: string, seed: number, iterations: number): Run {
  // One thread in every pool (torch.set_num_threads covers OpenMP only; OpenBLAS would spin a second thread).
  const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" };
  const out = execFileSync("/usr/bin/python3", [MIRROR, dir, pair, method, String(seed), String(iterations), "1"], { encoding: "utf8", env });
  return { impl: "torch", ...(JSON.parse(out.trim().split("\n").pop()!) as Omit<Run, "impl">) };
}

/** The journal of finished runs: --runs FILE, else DIR/runs.jsonl. */
function runsFile(dir: string, args: string[]): string {
  return flag(args, "--runs", "") || join(dir, "runs.jsonl");
}

function readRuns(file: string): Run[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Run) : [];
}

async function study(dir: string, args: string[]): Promise<void> {
  if (!existsSync(join(dir, "optdigits.json"))) await dump(dir);
  const seeds = Number(flag(args, "--seeds", "5"));
  const iterations = Number(flag(args, "--iterations", "1500"));
  const methods = flag(args, "--methods", METHODS.join(",")).split(",");
  const impl = flag(args, "--impl", "both");
  const key = (r: Pick<Run, "impl" | "pair" | "method" | "seed" | "iterations">) => `${r.impl}|${r.pair}|${r.method}|${r.seed}|${r.iterations}`;
  const journal = runsFile(dir, args);
  const done = new Set(readRuns(journal).map(key));
  for (let seed = 0; seed < seeds; seed++) {
    for (const method of methods) {
      for (const pair of PAIRS) {
        for (const which of impl === "both" ? (["ours", "torch"] as const) : [impl as "ours" | "torch"]) {
          if (done.has(key({ impl: which, pair, method, seed, iterations }))) continue;
          const r = which === "ours" ? await runOurs(pair, method, seed, iterations) : runTorch(dir, pair, method, seed, iterations);
          appendFileSync(journal, `${JSON.stringify(r)}\n`);
          console.log(JSON.stringify(r));
          if (flag(args, "--out", "")) table(dir, args, true);
        }
      }
    }
  }
}

interface Cell { n: number; mean: number; sd: number; se: number; diverged: number; perSeed: (number | string)[] }

function cell(runs: Run[]): Cell {
  const acc = runs.filter((r) => r.accuracy !== undefined).map((r) => r.accuracy!);
  const n = acc.length;
  const mean = n ? acc.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, mean, sd, se: sd / Math.sqrt(n), diverged: runs.length - n, perSeed: runs.sort((a, b) => a.seed - b.seed).map((r) => r.accuracy ?? `diverged@${r.diverged!.iteration}:${r.diverged!.term}`) };
}

function table(dir: string, args: string[], quiet = false): void {
  const runs = readRuns(runsFile(dir, args));
  const iterations = Number(flag(args, "--iterations", "1500"));
  const rows: Record<string, unknown>[] = [];
  const lines: string[] = ["pair | method | ours mean ± sd (n, diverged) | torch mean ± sd (n, diverged) | diff | 2·SE comb. | within"];
  for (const pair of PAIRS) {
    const methods = [...new Set(runs.filter((r) => r.pair === pair && r.iterations === iterations).map((r) => r.method))];
    for (const method of methods) {
      const pick = (impl: string) => cell(runs.filter((r) => r.impl === impl && r.pair === pair && r.method === method && r.iterations === iterations));
      const ours = pick("ours"), torch = pick("torch");
      const diff = ours.mean - torch.mean, se2 = 2 * Math.sqrt(ours.se ** 2 + torch.se ** 2);
      // Both sides collapsing on every seed is agreement too (the spec's DAN), stated apart from a mean's.
      const bothDiverged = ours.n === 0 && torch.n === 0 && ours.diverged > 0 && torch.diverged > 0;
      const within = bothDiverged || Math.abs(diff) <= 2 || Math.abs(diff) <= se2;
      rows.push({ pair, method, ours, torch, diff, twoCombinedSE: se2, within, ...(bothDiverged ? { bothDiverged } : {}) });
      const f = (c: Cell) => `${c.mean.toFixed(2)} ± ${c.sd.toFixed(2)} (${c.n}, ${c.diverged})`;
      lines.push(`${pair} | ${method} | ${f(ours)} | ${f(torch)} | ${diff.toFixed(2)} | ${se2.toFixed(2)} | ${bothDiverged ? "yes (both diverge on every seed)" : within ? "yes" : "NO"}`);
    }
  }
  // Paired replays (ours trained from a torch run's initial weights and batch order): the same start, so any gap is
  // the implementations', not the seeds'.
  const replayFile = join(dir, "..", "replays.jsonl");
  const replays = existsSync(flag(args, "--replays", replayFile)) ? readFileSync(flag(args, "--replays", replayFile), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { key: string; torch: Run; ours: Run }) : [];
  if (replays.length) {
    lines.push("", "paired replays (ours from torch's initial weights and batch order): pair | method | seed | torch | ours | diff");
    const fmt = (r: Run) => (r.accuracy !== undefined ? r.accuracy.toFixed(2) : `diverged@${r.diverged!.iteration}:${r.diverged!.term}`);
    for (const r of replays) {
      const diff = r.ours.accuracy !== undefined && r.torch.accuracy !== undefined ? (r.ours.accuracy - r.torch.accuracy).toFixed(2) : "—";
      lines.push(`${r.torch.pair} | ${r.torch.method} | ${r.torch.seed} | ${fmt(r.torch)} | ${fmt(r.ours)} | ${diff}`);
    }
  }
  if (!quiet) console.log(lines.join("\n"));
  const out = flag(args, "--out", "");
  if (out) writeFileAtomic(out, `${JSON.stringify({ iterations, protocol: "transductive, every target input unlabelled, accuracy on all target points", rows, runs, replays }, null, 1)}\n`);
}

export default async function main(args: string[]): Promise<void> {
  if (args.includes("--dump")) return dump(flag(args, "--dump", ""));
  if (args.includes("--study")) return study(flag(args, "--study", ""), args);
  if (args.includes("--table")) return table(flag(args, "--table", ""), args);
  if (args.includes("--one")) {
    const [pair, method, seed, it] = args.slice(args.indexOf("--one") + 1);
    const replay = flag(args, "--replay", "") || undefined;
    console.log(JSON.stringify({ ...(await runOurs(pair!, method!, Number(seed), Number(it ?? 1500), replay)), ...(replay ? { replay } : {}) }));
    return;
  }
  console.error("usage: npm run bench -- deep-fidelity --dump DIR | --study DIR [...] | --table DIR [--out FILE] | --one PAIR METHOD SEED [ITER]");
  process.exitCode = 2;
}
