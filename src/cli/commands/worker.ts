// `transferlab worker --queue redis://host:port`: process sweep tasks from a BullMQ queue until stopped
// (SIGINT/SIGTERM: the running tasks finish first). See docs/scaling-out.md.
import type { Command } from "commander";
import { runWorker } from "../../experiment/index.js";
import { parseInteger } from "../args.js";

interface Opts { queue: string; jobs: string; lockDuration: string; stalledInterval: string; name?: string; dataCache?: string; quiet?: boolean }

export function register(program: Command): void {
  program
    .command("worker")
    .description("run sweep tasks from a Redis queue (started by `transferlab sweep --queue`), on this or any machine")
    .requiredOption("--queue <url>", "the queue's Redis, redis://host:port")
    .option("--jobs <n>", "tasks at once, each on its own thread", "1")
    .option("--lock-duration <ms>", "a job held this long without renewal (a dead worker) runs elsewhere", "30000")
    .option("--stalled-interval <ms>", "how often to look for stalled jobs", "30000")
    .option("--name <name>", "this worker's name in the journal (default host:pid)")
    .option("--data-cache <dir>", "where data files fetched from Redis are kept (default: the system temp folder)")
    .option("--quiet", "no line per task on stderr")
    .action(async (o: Opts) => {
      const stop = new AbortController();
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
      const { processed } = await runWorker(o.queue, {
        jobs: parseInteger(o.jobs, "jobs", 1),
        lockDurationMs: parseInteger(o.lockDuration, "lock-duration", 1),
        stalledIntervalMs: parseInteger(o.stalledInterval, "stalled-interval", 1),
        name: o.name,
        cacheDir: o.dataCache,
        log: o.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
        signal: stop.signal,
      });
      process.stderr.write(`worker stopped after ${processed} tasks\n`);
    });
}
