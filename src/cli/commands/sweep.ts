// `transferlab sweep SPEC --out DIR`: many evaluations from one spec, resumable (see src/experiment/sweep/);
// `--queue redis://host:port` runs the tasks on `transferlab worker` processes instead of here.
import type { Command } from "commander";
import { readSweepSpec, runSweep, type TaskExecutor } from "../../experiment/index.js";
import { parseInteger } from "../args.js";
import { writeEvaluateReport } from "../evaluate-report.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

interface Opts { out: string; jobs: string; queue?: string; json?: boolean; pages: boolean }

export function register(program: Command): void {
  program
    .command("sweep")
    .description("run a spec of pairs × methods (with parameter grids) × estimators × labels × seeds; a rerun skips finished tasks")
    .argument("<spec>", "the sweep spec, YAML or JSON")
    .requiredOption("--out <dir>", "folder of the journal (journal.jsonl), the results (results.json, results.txt) and evaluate's page per table (tables/*/report.html)")
    .option("--jobs <n>", "fit threads when running here (results do not depend on it)", "1")
    .option("--queue <url>", "enqueue the tasks on Redis (redis://host:port) for `transferlab worker` processes")
    .option("--json", "print {tasks, done, skipped, failed, duplicates, results} as JSON on stdout")
    .option("--no-pages", "skip evaluate's report page per table")
    .action(async (file: string, o: Opts) => {
      const spec = readSweepSpec(file);
      const jobs = parseInteger(o.jobs, "jobs", 1);
      let executor: TaskExecutor | undefined;
      let close = async () => {};
      if (o.queue !== undefined) {
        const { QueueExecutor } = await import("../../experiment/index.js");
        const q = new QueueExecutor(o.queue);
        executor = q;
        close = () => q.close();
      }
      const interactive = !o.json && process.stderr.isTTY;
      try {
        const summary = await runSweep(spec, {
          out: o.out, jobs, executor,
          progress: interactive ? (done, total, msg) => process.stderr.write(`\r[${done}/${total}] ${msg}`.padEnd(60)) : undefined,
        });
        if (interactive) process.stderr.write("\r".padEnd(61) + "\r");
        // evaluate's page for each complete table: DIR/tables/<n>-<pair>-<estimator>-k<K>-<protocol>/report.html
        for (const [n, t] of summary.tables.entries()) {
          if (!t.evaluation || !o.pages) continue;
          const slug = `${n + 1}-${t.pair}-${t.estimator}-k${t.targetLabelsPerClass}-${t.protocol}`.replace(/[^\w.-]+/g, "_");
          await writeEvaluateReport(t.evaluation, join(o.out, "tables", slug));
        }
        if (o.json) {
          const { tasks, done, skipped, failed, duplicates, results, failures } = summary;
          process.stdout.write(`${JSON.stringify({ tasks, done, skipped, failed, duplicates, results, failures }, null, 2)}\n`);
        } else {
          process.stdout.write(readFileSync(join(o.out, "results.txt"), "utf8"));
          process.stdout.write(`\n${summary.tasks} tasks: ${summary.done} run now, ${summary.skipped} from the journal, ${summary.failed} failed\n`);
        }
        if (summary.failed > 0) process.exitCode = 1;
      } finally {
        await close();
      }
    });
}
