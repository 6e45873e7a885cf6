// `transferlab curve`: parses flags, runs experiment/curve.ts on the runner, prints report/curve-text.ts (or JSON).
import type { Command } from "commander";
import { resolveDomainPair } from "../../data/index.js";
import { labelCurve } from "../../experiment/index.js";
import type { EstimatorName } from "../../estimators/index.js";
import type { Scale } from "../../data/index.js";
import { parseInteger } from "../args.js";
import { invalidParam } from "../../core/errors.js";

export function register(program: Command): void {
  program
    .command("curve")
    .description("how many target labels is the source worth? source-only, target-only and source+target pooled for 1, 2, 5, 10, 20 labelled target points per class")
    .requiredOption("--pair <spec>", "a pair name or generator spec, or S→T with dataset names or files")
    .option("--label <column>", "label column when the pair is two files")
    .option("--grid <list>", "labelled target points per class", "1,2,5,10,20")
    .option("--methods <list>", "methods beside source-only and target-only", "source-target")
    .option("--estimator <name>", "svc | logreg | knn | mlp", "svc")
    .option("--seeds <N>", "seeds 0…N−1", "5")
    .option("--scale <rule>", "global | standard | none | auto", "auto")
    .option("--json", "print the result as JSON")
    .action(async (o: { pair: string; label?: string; grid: string; methods: string; estimator: string; seeds: string; scale: string; json?: boolean }) => {
      const grid = o.grid.split(",").map((s) => parseInteger(s.trim(), "grid", 1));
      if (!["global", "standard", "none", "auto"].includes(o.scale)) throw invalidParam("scale", `unknown scale '${o.scale}'`, "use global, standard, none or auto");
      const pair = await resolveDomainPair(o.pair, { scaling: "none", load: o.label !== undefined ? { label: o.label } : undefined });
      const r = await labelCurve(pair, {
        grid, methods: o.methods.split(",").map((s) => s.trim()).filter(Boolean), estimator: o.estimator as EstimatorName,
        seeds: parseInteger(o.seeds, "seeds", 1), scale: o.scale as Scale | "auto",
      });
      const { formatCurve } = await import("../../report/index.js");
      process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : formatCurve(r));
    });
}
