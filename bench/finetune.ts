// Parameter transfer (src/adapt/parameter/) against its PyTorch mirror (bench/finetune_mirror.py) on issue 14's 8×8
// digits CNN: mnist→optdigits and optdigits→mnist, K labelled target points per class (transductive split of
// evaluate: splitTargetForProtocol with new Rng(seed).fork("split")), the parameter family's stratified source
// hold-out; both implementations get the same rows (split files written here). Usage:
//   npm run bench -- finetune [--json] [--pretrain 100] [--seed 0]      speed: CPU seconds of each strategy's fine-tuning
//       phase (300 iterations; Fisher and teacher included), ours and torch in the same run, same thread count
//   npm run bench -- finetune --study DIR [--seeds 5] [--k 10] [--pretrain 1500] [--impl ours|torch|both]
//       fidelity runs, resumable (DIR/runs.jsonl; one line per implementation, pair and seed)
//   npm run bench -- finetune --table DIR [--out FILE.json]            the table per digit pair
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/core/rng.js";
import { summarize } from "../src/core/stats.js";
import type { LabelledDomain } from "../src/core/domain.js";
import { resolveDomainPair } from "../src/data/registry.js";
import { splitTargetForProtocol, type ProtocolSplit } from "../src/data/split.js";
import { getMethod } from "../src/adapt/registry.js";
import { estimatorFactory } from "../src/estimators/registry.js";
import type { FitContext } from "../src/adapt/types.js";
import { clearPretrainCache, pretrainedNetwork, sourceHoldout } from "../src/adapt/parameter/pretrain.js";
import { parameterParams } from "../src/adapt/parameter/define.js";
import { kernels, tierStatus } from "../src/engine/kernels/index.js";
import deepFidelity from "./deep-fidelity.js";

const MIRROR = new URL("./finetune_mirror.py", import.meta.url).pathname;
const PAIRS = ["mnist->optdigits", "optdigits->mnist"] as const;
const MIRRORED = ["finetune", "linear-probe", "l2-sp", "ewc", "lwf"];
const STRATEGIES = ["finetune", "linear-probe", "freeze", "progressive-unfreezing", "discriminative-lr", "l2-sp", "ewc", "lwf"];

function flag(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : dflt;
}

const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const acc = (pred: Int32Array, y: Int32Array) => (100 * pred.filter((p, i) => p === y[i]).length) / y.length;

interface Prepared { source: LabelledDomain; target: LabelledDomain; split: ProtocolSplit }

/** The seed's split, written where the mirror reads it. */
async function prepare(dir: string, pair: string, seed: number, K: number): Promise<Prepared> {
  const p = await resolveDomainPair(pair);
  const split = splitTargetForProtocol(p.target, K, "transductive", new Rng(seed).fork("split"));
  const holdout = sourceHoldout(p.source.y, parameterParams.parse({}).sourceHoldout, new Rng(seed).fork("parameter:holdout"));
  const f = join(dir, `split-${pair.replace("->", "-")}-${seed}.json`);
  writeFileSync(f, JSON.stringify({ train: Array.from(holdout.train), heldOut: Array.from(holdout.heldOut), labelled: Array.from(split.indices.labelled), test: Array.from(split.indices.test) }));
  return { source: p.source, target: p.target, split };
}

const ctxFor = (seed: number, method: string): FitContext => ({ rng: new Rng(seed).fork(`method:${method}`), sharedSeed: seed, estimator: estimatorFactory("svc", {}) });

/** Ours on one pair and seed: the pretrained network (source-only-net's loop on the source: the network without
 * adaptation, reported as source-only-net), every strategy, and target-only. */
async function runOurs(dir: string, pair: string, seed: number, K: number, preIterations = 1500, baselines = true): Promise<Record<string, unknown>> {
  const { source, split } = await prepare(dir, pair, seed, K);
  const data = { source, target: split.unlabelled, targetLabelled: split.labelled };
  clearPretrainCache();
  const c0 = cpuNow();
  const opts = { ...parameterParams.parse({}), pretrainIterations: preIterations };
  const pre = await pretrainedNetwork("finetune", data, 10, opts, ctxFor(seed, "finetune"));
  const out: Record<string, unknown> = {
    impl: "ours", pair, seed, pretrainCpu: cpuNow() - c0, tier: kernels().tier,
    pretrained: { accuracy: acc(Int32Array.from(pre.network.predict(split.testX)), split.testLabels), sourceBefore: pre.sourceBefore },
  };
  const methods: Record<string, unknown> = {};
  for (const m of STRATEGIES) {
    const fit = await getMethod(m).fit(data, ctxFor(seed, m), { pretrainIterations: preIterations });
    methods[m] = { accuracy: acc(Int32Array.from(fit.predict(split.testX)), split.testLabels), sourceAccuracy: fit.details.sourceAccuracy, cpu: fit.details.finetuneCpuSeconds };
  }
  if (baselines) {
    for (const m of ["target-only"]) {
      const c1 = cpuNow();
      const fit = await getMethod(m).fit(data, ctxFor(seed, m), {});
      methods[m] = { accuracy: acc(Int32Array.from(fit.predict(split.testX)), split.testLabels), cpu: cpuNow() - c1 };
    }
  }
  return { ...out, methods };
}

/** The mirror with ATen's OpenMP pool and Debian torch's OpenBLAS pool both held to `threads` (as bench/deep.ts:
 * torch.set_num_threads alone leaves OpenBLAS spinning extra threads, which inflates torch's CPU seconds). */
function runTorch(args: string[], threads = 1): Record<string, unknown> {
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const r = spawnSync("/usr/bin/python3", [MIRROR, ...args], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`finetune_mirror.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

async function dumpOnce(dir: string): Promise<void> {
  if (!existsSync(join(dir, "optdigits.json"))) await deepFidelity(["--dump", dir]);
}

async function speed(args: string[]): Promise<void> {
  const json = args.includes("--json");
  const pre = Number(flag(args, "--pretrain", "100"));
  const seed = Number(flag(args, "--seed", "0"));
  const active = kernels().tier;
  const threads = Number(/(\d+) threads?/.exec(tierStatus().find((t) => t.tier === active)?.detail ?? "")?.[1] ?? 1);
  const dir = mkdtempSync(join(tmpdir(), "tl-finetune-bench-"));
  await dumpOnce(dir);
  const pair = "mnist->optdigits";
  const ours = await runOurs(dir, pair, seed, 10, pre, false);
  const torch = runTorch([dir, "--time", pair, String(seed), String(threads), String(pre)], threads);
  const om = ours.methods as Record<string, { cpu: number }>, tm = torch.methods as Record<string, { cpu: number }>;
  const rows = Object.fromEntries(STRATEGIES.map((m) => [m, { ours: om[m]!.cpu, torch: tm[m]?.cpu ?? null, ratio: tm[m] ? tm[m]!.cpu / om[m]!.cpu : null }]));
  const out = { rows, pretrainIterations: pre, finetuneIterations: 300, threads, tier: active, cpu: cpus()[0]?.model ?? "unknown" };
  if (json) { console.log(JSON.stringify(out)); return; }
  for (const [m, r] of Object.entries(rows)) {
    console.log(`${m.padEnd(24)} ours ${r.ours.toFixed(2)} s   torch ${r.torch === null ? "   — " : r.torch.toFixed(2)} s   torch/ours ${r.ratio === null ? "—" : `${r.ratio.toFixed(2)}×`}`);
  }
  console.log(`(CPU seconds of each fine-tuning phase: 300 iterations of 32 rows, Fisher/teacher included; ${threads} thread(s) each, ${out.cpu}, tier ${active})`);
}

async function study(dir: string, args: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await dumpOnce(dir);
  const seeds = Number(flag(args, "--seeds", "5")), K = Number(flag(args, "--k", "10")), pre = Number(flag(args, "--pretrain", "1500"));
  const impl = flag(args, "--impl", "both");
  const file = join(dir, "runs.jsonl");
  const done = new Set(readRuns(dir).map((r) => `${r.impl}|${r.pair}|${r.seed}`));
  for (let seed = 0; seed < seeds; seed++) {
    for (const pair of PAIRS) {
      for (const which of impl === "both" ? ["ours", "torch"] : [impl]) {
        if (done.has(`${which}|${pair}|${seed}`)) continue;
        const r = which === "ours" ? await runOurs(dir, pair, seed, K, pre) : (await prepare(dir, pair, seed, K), runTorch([dir, pair, String(seed), "1", String(pre)]));
        appendFileSync(file, `${JSON.stringify(r)}\n`);
        console.log(JSON.stringify(r));
      }
    }
  }
}

type Run = { impl: string; pair: string; seed: number; pretrained: { accuracy: number; sourceBefore: number }; methods: Record<string, { accuracy: number; sourceAccuracy?: { before: number; after: number }; cpu: number }> };

function readRuns(dir: string): Run[] {
  const f = join(dir, "runs.jsonl");
  return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Run) : [];
}

function table(dir: string, args: string[]): void {
  const runs = readRuns(dir);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fmt = (xs: number[]) => {
    if (!xs.length) return "—";
    const s = summarize(xs);
    return `${s.mean.toFixed(2)} [${s.ci95[0].toFixed(2)}, ${s.ci95[1].toFixed(2)}]`;
  };
  const se = (xs: number[]) => (xs.length > 1 ? summarize(xs).sd / Math.sqrt(xs.length) : NaN);
  const rows: Record<string, unknown>[] = [];
  const lines: string[] = [];
  for (const pair of PAIRS) {
    const ours = runs.filter((r) => r.impl === "ours" && r.pair === pair).sort((a, b) => a.seed - b.seed);
    const torch = runs.filter((r) => r.impl === "torch" && r.pair === pair).sort((a, b) => a.seed - b.seed);
    lines.push(`\n${pair} (K = 10 per class; seeds ${ours.map((r) => r.seed).join(",")} ours, ${torch.map((r) => r.seed).join(",")} torch)`,
      "method | ours accuracy mean [95% CI] | source before → after | fine-tune CPU s | torch accuracy mean [95% CI] | torch source before → after | torch CPU s | diff | 2·SE comb. | within");
    const names = ["target-only", "source-only-net (pretrained, not fine-tuned)", ...STRATEGIES];
    for (const name of names) {
      const pick = (rs: Run[]) => rs.flatMap((r) => (name.startsWith("source-only-net") ? [{ accuracy: r.pretrained.accuracy, sourceAccuracy: { before: r.pretrained.sourceBefore, after: r.pretrained.sourceBefore }, cpu: NaN }] : r.methods[name] ? [r.methods[name]!] : []));
      const o = pick(ours), t = pick(torch);
      const oa = o.map((m) => m.accuracy), ta = t.map((m) => m.accuracy);
      const src = (ms: typeof o) => (ms.length && ms[0]!.sourceAccuracy ? `${mean(ms.map((m) => m.sourceAccuracy!.before)).toFixed(1)} → ${mean(ms.map((m) => m.sourceAccuracy!.after)).toFixed(1)}` : "—");
      const cpu = (ms: typeof o) => (ms.length && Number.isFinite(ms[0]!.cpu) ? mean(ms.map((m) => m.cpu)).toFixed(2) : "—");
      const mirrored = MIRRORED.includes(name) || name.startsWith("source-only-net");
      const diff = mirrored && oa.length && ta.length ? mean(oa) - mean(ta) : NaN;
      const se2 = 2 * Math.sqrt(se(oa) ** 2 + se(ta) ** 2);
      const within = Number.isFinite(diff) ? Math.abs(diff) <= 2 || Math.abs(diff) <= se2 : null;
      rows.push({ pair, method: name, ours: { perSeed: oa, ...(oa.length ? summarize(oa) : {}), sourceAccuracy: src(o), cpu: cpu(o) }, torch: mirrored ? { perSeed: ta, ...(ta.length ? summarize(ta) : {}), sourceAccuracy: src(t), cpu: cpu(t) } : null, diff, twoCombinedSE: se2, within });
      lines.push(`${name} | ${fmt(oa)} | ${src(o)} | ${cpu(o)} | ${mirrored ? fmt(ta) : "—"} | ${mirrored ? src(t) : "—"} | ${mirrored ? cpu(t) : "—"} | ${Number.isFinite(diff) ? diff.toFixed(2) : "—"} | ${Number.isFinite(diff) ? se2.toFixed(2) : "—"} | ${within === null ? "—" : within ? "yes" : "NO"}`);
    }
  }
  console.log(lines.join("\n"));
  const out = flag(args, "--out", "");
  if (out) writeFileSync(out, `${JSON.stringify({ protocol: "transductive split of evaluate, K = 10 labelled target points per class, accuracy on the other target points; source accuracy on the stratified 20 % source hold-out", rows, runs }, null, 1)}\n`);
}

export default async function main(args: string[]): Promise<void> {
  if (args.includes("--study")) return study(flag(args, "--study", ""), args);
  if (args.includes("--table")) return table(flag(args, "--table", ""), args);
  return speed(args);
}
