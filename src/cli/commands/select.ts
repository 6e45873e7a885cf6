// `transferlab select`: fit methods × grid, score them with the validators, choose by the declared rule and
// the guard, and say why (src/experiment/select.ts); argument parsing only.
import type { Command } from "commander";
import { join } from "node:path";
import { TransferLabError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/atomic.js";
import { expandCandidates, formatSelection, runSelection } from "../../experiment/index.js";
import { applyScale, scalePair, type Scale } from "../../data/index.js";
import { VALIDATORS } from "../../selection/index.js";
import { getEstimator, type EstimatorName } from "../../estimators/index.js";
import { parseGridFlags, parseInteger, parseRule, parseValidators } from "../args.js";
import { loadUserData } from "../target-data.js";
import { parseParamFlags } from "./evaluate.js";

const collect = (v: string, acc: string[]) => [...acc, v];

export function register(program: Command): void {
  program
    .command("select")
    .description("choose a method and parameters without target-test labels: validators, a declared rule and the negative-transfer guard")
    .option("--source <S>", "labelled source: a file or a dataset name")
    .option("--target <T>", "target: a file (rows with an empty label cell are unlabelled) or a dataset name")
    .option("--pair <spec>", "instead of --source/--target: a pair name or generator spec, e.g. 'moons?angle=45&n=400'")
    .option("--methods <list>", "comma-separated candidate methods", "coral,subspace-alignment,domain-classifier,self-training")
    .option("--grid <method.key=v1,v2>", "parameter values to try (repeatable); candidates are methods × grid", collect, [] as string[])
    .option("--param <method.key=value>", "a fixed method parameter (repeatable)", collect, [] as string[])
    .option("--validators <list>", `all or some of ${VALIDATORS.join(", ")}`, "all")
    .option("--rule <validator>", "the validator that chooses (default: cv-target when labelled target points exist, else dev)")
    .option("--estimator <name>", "svc | logreg | knn | mlp (entropy and snd need probabilities: not svc)", "svc")
    .option("--label <column>", "label column of the files")
    .option("--scale <rule>", "global | standard | none | auto", "auto")
    .option("--target-labels-per-class <K>", "dataset names only: draw K labelled target points per class", "0")
    .option("--seed <s>", "seed", "0")
    .option("--jobs <n>", "worker threads for the fits", "1")
    .option("--json", "print the result as one JSON document")
    .option("--out <dir>", "write select.json and report.html there")
    .action(async (o: { source?: string; target?: string; pair?: string; methods: string; grid: string[]; param: string[]; validators: string; rule?: string; estimator: string; label?: string; scale: string; targetLabelsPerClass: string; seed: string; jobs: string; json?: boolean; out?: string }) => {
      getEstimator(o.estimator);
      const validators = parseValidators(o.validators);
      const rule = o.rule !== undefined ? parseRule(o.rule) : undefined;
      const seed = parseInteger(o.seed, "seed", 0);
      const methods = o.methods.split(",").map((s) => s.trim()).filter(Boolean);
      const candidates = expandCandidates(methods, parseGridFlags(o.grid), parseParamFlags(o.param));
      if (!["global", "standard", "none", "auto"].includes(o.scale)) throw new TransferLabError("INVALID_PARAMETER", `unknown scale '${o.scale}'`, { param: "scale" }, "use global, standard, none or auto");
      const data = await loadUserData({ ...o, seed, targetLabelsPerClass: parseInteger(o.targetLabelsPerClass, "target-labels-per-class", 0) });
      const scaled = scalePair(data.source.X, data.target.X, o.scale === "auto" ? data.autoScale : (o.scale as Scale));
      const run = await runSelection({
        source: { ...data.source, X: scaled.source }, target: { ...data.target, X: scaled.target },
        ...(data.targetLabelled ? { targetLabelled: { ...data.targetLabelled, X: applyScale(data.targetLabelled.X, scaled.info) } } : {}),
      }, {
        candidates, estimator: o.estimator as EstimatorName, seed, validators, ...(rule ? { rule } : {}),
        jobs: parseInteger(o.jobs, "jobs", 1),
        progress: !o.json && process.stderr.isTTY ? (d, t, m) => process.stderr.write(`\r[${d}/${t}] ${m}`.padEnd(50)) : undefined,
      });
      if (!o.json && process.stderr.isTTY) process.stderr.write("\r".padEnd(51) + "\r");
      const doc = { ...run, notes: [...data.notes, ...run.notes], candidates: run.candidates.map(({ scores, ...c }) => ({ ...c, scores: Object.fromEntries(Object.entries(scores).map(([k, s]) => [k, s && "score" in s ? { score: s.score, se: s.se } : s])) })) };
      if (o.out) {
        const { buildReportHtml, selectionPage } = await import("../../report/index.js"); // vega and resvg load only here
        const page = buildReportHtml(selectionPage(doc, `transferlab select: ${o.pair ?? `${o.source} → ${o.target}`}`));
        writeFileAtomic(join(o.out, "select.json"), `${JSON.stringify(doc, null, 2)}\n`);
        writeFileAtomic(join(o.out, "report.html"), page);
      }
      process.stdout.write(o.json ? `${JSON.stringify(doc, null, 2)}\n` : formatSelection({ ...run, notes: doc.notes }));
    });
}
