// `transferlab sweep SPEC --out DIR`: many evaluations from one spec, resumable (see src/experiment/sweep/);
// `--queue redis://host:port` runs the tasks on `transferlab worker` processes instead of here.
// The folder is the sweep's journal, so it is resumed, not replaced: the journal's lock keeps one sweep per folder.
import type { Command } from "commander";
import { readSweepSpec, runSweep, type TaskExecutor } from "../../experiment/index.js";
import { checkOutputPath } from "../../core/atomic.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { addOptions, parseOptions } from "../options.js";
import { progressView } from "../progress.js";

const OPTS = ["out", "jobs", "queue", "json", "pages"] as const;

export function register(program: Command): void {
  const cmd = program
    .command("sweep")
    .description("run a spec of pairs × methods (with parameter grids) × estimators × labels × seeds; a rerun skips finished tasks")
    .argument("<spec>", "the sweep spec, YAML or JSON");
  addOptions(cmd, OPTS, {
    required: ["out"],
    defaults: { jobs: "1" },
    help: {
      out: "folder of the journal (journal.jsonl), the results (results.json, results.txt) and evaluate's page per table (tables/*/report.html); a rerun resumes it",
      jobs: "fit threads when running here (results do not depend on it)",
    },
  });
  cmd.action(async (file: string, _: unknown, c: Command) => {
    const o = parseOptions(c, OPTS);
    checkOutputPath(o.out!, { folder: true });
    const spec = readSweepSpec(file);
    let executor: TaskExecutor | undefined;
    let close = async () => {};
    if (o.queue !== undefined) {
      const { QueueExecutor } = await import("../../experiment/queue.js");
      const q = new QueueExecutor(o.queue);
      executor = q;
      close = () => q.close();
    }
    const progress = o.json ? null : await progressView("sweep");
    try {
      const summary = await runSweep(spec, { out: o.out!, jobs: o.jobs!, executor, progress: progress?.update, fitProgress: progress?.fit });
      progress?.stop();
      // evaluate's page for each complete table: DIR/tables/<n>-<pair>-<estimator>-k<K>-<protocol>/report.html
      const { writeEvaluateOutputs } = await import("../../report/index.js");
      for (const [n, t] of summary.tables.entries()) {
        if (!t.evaluation || o.pages === false) continue;
        const slug = `${n + 1}-${t.pair}-${t.estimator}-k${t.targetLabelsPerClass}-${t.protocol}`.replace(/[^\w.-]+/g, "_");
        await writeEvaluateOutputs(t.evaluation, join(o.out!, "tables", slug));
      }
      if (o.json) {
        const { tasks, done, skipped, failed, duplicates, results, failures } = summary;
        process.stdout.write(`${JSON.stringify({ tasks, done, skipped, failed, duplicates, results, failures }, null, 2)}\n`);
      } else {
        process.stdout.write(readFileSync(join(o.out!, "results.txt"), "utf8"));
        process.stdout.write(`\n${summary.tasks} tasks: ${summary.done} run now, ${summary.skipped} from the journal, ${summary.failed} failed\n`);
      }
      if (summary.failed > 0) process.exitCode = 1;
    } finally {
      progress?.stop();
      await close();
    }
  });
}
