// `transferlab assess --source S --target T`: will transfer help? Thin: load, call experiment/assess, print or write (report/).
import type { Command } from "commander";
import { join } from "node:path";
import { openOutFolder } from "../out-folder.js";
import { loadPartlyLabelledPair } from "../../data/index.js";
import { assess } from "../../experiment/index.js";
import { addOptions, given, invalid, parseOptions } from "../options.js";
import { checkPixelScale, DATA_OPTIONS, pairSpecOf } from "../data-options.js";
import { progressView } from "../progress.js";

const OPTS = [...DATA_OPTIONS, "json", "out", "seed", "permutations", "memoryBudget", "approximate", "scale", "tsne", "targetLabelsPerClass"] as const;

export function register(program: Command): void {
  const cmd = program
    .command("assess")
    .description("will transfer help? divergences (MMD, proxy A-distance, CORAL, Wasserstein), label shift, transferability scores, the Ben-David bound and a negative-transfer risk verdict");
  addOptions(cmd, OPTS, {
    defaults: { seed: "0", permutations: "500", memoryBudget: "2GB", scale: "auto" },
    help: {
      json: "print every number as JSON instead of the text report",
      out: "write assess.json, figures (PCA, t-SNE, per-feature shift) and assess.html into DIR (all or nothing)",
      memoryBudget: "memory for exact kernel statistics (e.g. 2GB); above it scalable estimators are used",
      targetLabelsPerClass: "use only K labelled target rows per class (stratified) to measure the source model's target error; other labels only check it",
    },
  });
  cmd.action(async (_: unknown, c: Command) => {
    const o = parseOptions(c, OPTS);
    const out = o.out !== undefined ? openOutFolder(o.out) : undefined;
    try {
      const seed = o.seed!;
      const { spec, load } = pairSpecOf(c, o);
      const { source, target, notes, kind } = await loadPartlyLabelledPair(spec, load, o.scale!, seed);
      checkPixelScale(o.scale, kind);
      const K = given(c, "targetLabelsPerClass") ? o.targetLabelsPerClass : undefined;
      if (K === 0) throw invalid("targetLabelsPerClass", "must be at least 1 here (leave it out to use every target label)");
      if (K !== undefined && !target.y) throw invalid("targetLabelsPerClass", "the target has no labels to draw from", "give a labelled (or partly labelled) target");
      // No ignored combinations: the linear-time z-test of --approximate has no permutations.
      if (given(c, "permutations") && o.approximate) throw invalid("permutations", "--permutations sets the exact MMD test's permutations; --approximate uses the linear-time z-test, which has none");
      const progress = o.json ? null : await progressView("assess");
      let report;
      try {
        report = await assess(source, target, {
          seed, permutations: o.permutations!, memoryBudget: o.memoryBudget!, forceApproximate: o.approximate === true,
          ...(K !== undefined ? { targetLabelsPerClass: K } : {}),
          progress: progress?.update,
        });
      } finally {
        progress?.stop();
      }
      report.notes.unshift(...notes.map((s) => `data: ${s}`));
      if (given(c, "permutations") && report.mmd.test.kind !== "permutation") report.notes.push(`--permutations ${o.permutations} was not used: above the memory budget the MMD test is the ${report.mmd.test.kind}`);
      // The report room (vega, resvg) loads only now: importing it would add ~0.3 s to every command start.
      const { formatAssessText, writeAssessOutputs } = await import("../../report/index.js");
      if (out) {
        await writeAssessOutputs(out.dir, source, target, report, { seed, tsne: o.tsne !== false });
        out.commit();
      }
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatAssessText(report));
      if (o.out && !o.json) process.stdout.write(`wrote ${join(o.out, "assess.json")}, ${join(o.out, "assess.html")} and figures\n`);
    } finally {
      out?.release();
    }
  });
}
