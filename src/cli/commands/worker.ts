// `transferlab worker --queue redis://host:port`: process sweep tasks from a BullMQ queue until stopped
// (SIGINT/SIGTERM: the running tasks finish first). See docs/scaling-out.md.
import type { Command } from "commander";
import { runWorker } from "../../experiment/queue.js";
import { addOptions, parseOptions } from "../options.js";

const OPTS = ["queue", "jobs", "lockDuration", "stalledInterval", "workerName", "dataCache", "quiet"] as const;

export function register(program: Command): void {
  const cmd = program
    .command("worker")
    .description("run sweep tasks from a Redis queue (started by `transferlab sweep --queue`), on this or any machine");
  addOptions(cmd, OPTS, {
    required: ["queue"],
    defaults: { jobs: "1", lockDuration: "30000", stalledInterval: "30000" },
    help: { queue: "the queue's Redis, redis://host:port", jobs: "tasks at once, each on its own thread", quiet: "no line per task on stderr" },
  });
  cmd.action(async (_: unknown, c: Command) => {
    const o = parseOptions(c, OPTS);
    const stop = new AbortController();
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
    const { processed } = await runWorker(o.queue!, {
      jobs: o.jobs!, lockDurationMs: o.lockDuration!, stalledIntervalMs: o.stalledInterval!, name: o.workerName, cacheDir: o.dataCache,
      log: o.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
      signal: stop.signal,
    });
    process.stderr.write(`worker stopped after ${processed} tasks\n`);
  });
}
