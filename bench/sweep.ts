// `npm run bench -- sweep [--seeds N]`: one sweep of ≥ 200 tasks (220 with the default 20 seeds: per pair and K,
// source-only and CORAL once, target-only per seed) over the digit pairs and three generator pairs, mostly short
// fits so that the queue's cost per task shows,
// run four ways — here with --jobs 1 and --jobs 2, and through a BullMQ queue on a local redis-server (free
// loopback port) with 1 and 2 `transferlab worker` processes (one fit thread each). Prints wall time, tasks/s
// and the queue's overhead per task (queue wall − local wall, same parallelism, over the tasks), and checks that
// all four journals hold the same predictions bit for bit. Run it with `nice`: it spawns the CLI processes.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { TestRedis } from "../test/experiment/redis.js";

interface Run { name: string; wall: number; tasks: number; fitSeconds: number; preds: Map<string, string> }

function cli(args: string[]): { p: ChildProcess; exit: Promise<number | null>; err: () => string; out: () => string } {
  const p = spawn(process.execPath, ["bin/transferlab.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  p.stdout!.on("data", (d) => (out += d));
  p.stderr!.on("data", (d) => (err += d));
  return { p, exit: new Promise((resolve) => p.on("exit", resolve)), err: () => err, out: () => out };
}

export default async function main(args: string[]): Promise<void> {
  const seeds = Number(args[args.indexOf("--seeds") + 1] ?? 20) || 20;
  const dir = mkdtempSync(join(tmpdir(), "tl-bench-sweep-"));
  const spec = join(dir, "spec.json");
  writeFileSync(spec, JSON.stringify({
    pairs: ["mnist→optdigits", "optdigits→mnist", "moons?angle=40&n=400", "covariate?n=400", "subspace?n=400"],
    methods: ["coral"],
    estimators: "knn", targetLabelsPerClass: [5, 10], seeds,
  }));
  const tasks = 5 * 2 * (2 + seeds); // per pair and K: source-only and coral once, target-only per seed
  const redis = await TestRedis.start(dir);
  const runs: Run[] = [];
  const journal = (out: string) => readFileSync(join(out, "journal.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string; pred: string; seconds: number });
  const time = async (name: string, sweepArgs: string[], workers: number): Promise<void> => {
    const out = join(dir, name.replace(/\W+/g, "-"));
    const ws: ReturnType<typeof cli>[] = [];
    for (let w = 0; w < workers; w++) {
      const wk = cli(["worker", "--queue", redis.url, "--name", `w${w}`, "--data-cache", join(dir, "cache")]);
      ws.push(wk);
    }
    // Workers up (connected, ready) before the clock starts.
    while (ws.some((w) => !w.err().includes("ready"))) await new Promise((r) => setTimeout(r, 20));
    // Wall time: from starting the sweep (its loading and planning included) to the last task in its journal.
    // The evaluate pages it renders afterwards are the same work in every run and are not timed.
    const t0 = performance.now();
    const s = cli(["sweep", spec, "--out", out, "--json", "--no-pages", ...sweepArgs]);
    let exited = false;
    void s.exit.then(() => (exited = true));
    const count = () => (existsSync(join(out, "journal.jsonl")) ? readFileSync(join(out, "journal.jsonl"), "utf8").split("\n").length - 1 : 0);
    while (!exited && count() < tasks) await new Promise((r) => setTimeout(r, 10));
    const wall = (performance.now() - t0) / 1000;
    // The scoring and tables after the last task are the same in every run: not waited for.
    if (!exited) s.p.kill("SIGTERM");
    const code = await s.exit;
    for (const w of ws) w.p.kill("SIGTERM");
    await Promise.all(ws.map((w) => w.exit));
    if (count() < tasks) throw new Error(`${name}: exit ${code} before every task finished: ${s.err()}`);
    const recs = journal(out);
    runs.push({ name, wall, tasks: recs.length, fitSeconds: recs.reduce((a, r) => a + r.seconds, 0), preds: new Map(recs.map((r) => [r.id, r.pred])) });
    process.stderr.write(`${name}: ${wall.toFixed(1)} s\n`);
    if (workers > 0) await redis.restart(); // an empty queue for the next run (its jobs would be reused)
  };
  try {
    // --runs local,queue (default both): which of the four to time.
    const which = args.includes("--runs") ? args[args.indexOf("--runs") + 1]!.split(",") : ["local", "queue"];
    if (which.includes("local")) await time("local --jobs 1", ["--jobs", "1"], 0);
    if (which.includes("local")) await time("local --jobs 2", ["--jobs", "2"], 0);
    if (which.includes("queue")) await time("queue, 1 worker", ["--queue", redis.url], 1);
    if (which.includes("queue")) await time("queue, 2 workers", ["--queue", redis.url], 2);
  } finally {
    await redis.stop();
  }
  const ref = runs[0]!;
  const same = runs.every((r) => r.preds.size === ref.preds.size && [...r.preds].every(([id, p]) => ref.preds.get(id) === p));
  // The local run of the same parallelism; --local-walls A,B gives them from an earlier run.
  const given = args.includes("--local-walls") ? args[args.indexOf("--local-walls") + 1]!.split(",").map(Number) : [];
  const localWall = (two: boolean) => runs.find((r) => r.name === (two ? "local --jobs 2" : "local --jobs 1"))?.wall ?? given[two ? 1 : 0] ?? NaN;
  const base = (r: Run) => localWall(r.name.includes("2"));
  console.log(`CPU: ${cpus()[0]?.model} × ${cpus().length}; ${ref.tasks} tasks (2 digit pairs + 3 generator pairs × K 5, 10 × ${seeds} seeds; coral beside source-only and target-only; knn)`);
  console.log("| run | wall s | tasks/s | Σ fit s | queue overhead per task (vs local, same parallelism) |");
  console.log("|---|---|---|---|---|");
  for (const r of runs) {
    const over = r.name.startsWith("queue") ? `${(((r.wall - base(r)) * 1000) / r.tasks).toFixed(1)} ms` : "—";
    console.log(`| ${r.name} | ${r.wall.toFixed(1)} | ${(r.tasks / r.wall).toFixed(1)} | ${r.fitSeconds.toFixed(1)} | ${over} |`);
  }
  console.log(`predictions identical in the ${runs.length} runs: ${same ? "yes" : "NO"}`);
  rmSync(dir, { recursive: true, force: true });
}
