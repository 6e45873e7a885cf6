// `transferlab select`: fit methods × grid, score them with the validators, choose by the declared rule and
// the guard, and say why (src/experiment/select.ts); argument parsing only.
import type { Command } from "commander";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic.js";
import { openOutFolder } from "../out-folder.js";
import { expandCandidates, formatSelection, runSelection } from "../../experiment/index.js";
import { applyScale, scalePair } from "../../data/index.js";
import { loadUserData, USER_DATA_HELP } from "../target-data.js";
import { addOptions, gridOf, methodParamsOf, parseOptions } from "../options.js";
import { checkPixelScale, DATA_OPTIONS, protocolScale } from "../data-options.js";
import { progressView } from "../progress.js";

const OPTS = [...DATA_OPTIONS, "methods", "grid", "param", "validators", "rule", "estimator", "scale", "targetLabelsPerClass", "seed", "jobs", "memoryBudget", "json", "out"] as const;

export function register(program: Command): void {
  const cmd = program
    .command("select")
    .description("choose a method and parameters without target-test labels: validators, a declared rule and the negative-transfer guard");
  addOptions(cmd, OPTS, {
    defaults: { methods: "coral,subspace-alignment,domain-classifier,self-training", validators: "all", estimator: "svc", scale: "auto", targetLabelsPerClass: "0", seed: "0", jobs: "1" },
    help: {
      ...USER_DATA_HELP,
      methods: "comma-separated candidate methods",
      param: "a fixed method parameter (repeatable)",
      rule: "the validator that chooses (default: cv-target when labelled target points exist, else dev, else the first validator asked for)",
      estimator: "svc | logreg | knn | mlp (entropy and snd need probabilities: not svc)",
      out: "write select.json and report.html into DIR (all or nothing)",
    },
  });
  cmd.action(async (_: unknown, c: Command) => {
    const o = parseOptions(c, OPTS);
    const candidates = expandCandidates(o.methods!, gridOf(o.grid), methodParamsOf(o.param));
    const out = o.out !== undefined ? openOutFolder(o.out) : undefined;
    try {
      const { loadScaling, scale } = protocolScale(o.scale!);
      const data = await loadUserData(c, o, { seed: o.seed!, scaling: loadScaling });
      checkPixelScale(o.scale, data.kind);
      const scaled = scalePair(data.source.X, data.target.X, scale === "auto" ? data.autoScale : scale);
      const progress = o.json ? null : await progressView("select");
      let run;
      try {
        run = await runSelection({
          source: { ...data.source, X: scaled.source }, target: { ...data.target, X: scaled.target },
          ...(data.targetLabelled ? { targetLabelled: { ...data.targetLabelled, X: applyScale(data.targetLabelled.X, scaled.info) } } : {}),
        }, {
          candidates, estimator: o.estimator!, seed: o.seed!, validators: o.validators!, ...(o.rule ? { rule: o.rule } : {}),
          jobs: o.jobs!, ...(o.memoryBudget !== undefined ? { memoryBudget: o.memoryBudget } : {}), progress: progress?.update, fitProgress: progress?.fit,
        });
      } finally {
        progress?.stop();
      }
      const doc = { ...run, notes: [...data.notes, ...run.notes], candidates: run.candidates.map(({ scores, ...cand }) => ({ ...cand, scores: Object.fromEntries(Object.entries(scores).map(([k, s]) => [k, s && "score" in s ? { score: s.score, se: s.se } : s])) })) };
      if (out) {
        const { buildReportHtml, selectionPage } = await import("../../report/index.js"); // vega and resvg load only here
        const page = buildReportHtml(selectionPage(doc, `transferlab select: ${o.pair ?? `${o.source} → ${o.target}`}`));
        writeFileAtomic(join(out.dir, "select.json"), `${JSON.stringify(doc, null, 2)}\n`);
        writeFileAtomic(join(out.dir, "report.html"), page);
        out.commit();
      }
      process.stdout.write(o.json ? `${JSON.stringify(doc, null, 2)}\n` : formatSelection({ ...run, notes: doc.notes }));
    } finally {
      out?.release();
    }
  });
}
