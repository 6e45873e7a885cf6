// `transferlab assess --source S --target T`: will transfer help? Thin: load, call experiment/assess, print or write (report/).
import type { Command } from "commander";
import { join } from "node:path";
import { TransferLabError } from "../../core/errors.js";
import type { Domain } from "../../core/domain.js";
import { openRunFolder } from "../../core/atomic.js";
import { isDataFileName, loadSourceTarget, loadDomain, checkFeatureMatch, resolveDomainPair, applyScaling, parsePairName, prepare, type ScalingRule, type PairSpec, type LoadOptions } from "../../data/index.js";
import { assess } from "../../experiment/index.js";
import { addOptions, given, invalid, parseOptions, type ScaleRule } from "../options.js";
import { checkPixelScale, DATA_OPTIONS, pairSpecOf } from "../data-options.js";
import { progressView } from "../progress.js";

const OPTS = [...DATA_OPTIONS, "json", "out", "seed", "permutations", "memoryBudget", "approximate", "scale", "tsne", "targetLabelsPerClass"] as const;

/** --scale in the loader's words (assess scales while loading; `global` is applied after, by prepare). */
const LOADER_RULE: Record<ScaleRule, ScalingRule> = { auto: "auto", standard: "standardize", pixel: "pixel", none: "none", global: "none" };

async function loadPair(spec: PairSpec, load: LoadOptions, rule: ScaleRule, seed: number): Promise<{ source: Domain; target: Domain; notes: string[] }> {
  const sides = typeof spec === "string" ? parsePairName(spec) : undefined;
  const files = typeof spec === "object" ? spec : sides?.every(isDataFileName) ? { source: sides[0], target: sides[1] } : undefined;
  let pair: { source: Domain; target: Domain; notes: string[]; kind: string };
  if (files) {
    let st: { source: Domain; target: Domain };
    try {
      // A target row with an empty label cell is unlabelled (label −1): a partly labelled target is fine.
      st = await loadSourceTarget(files, { ...load, unlabelledRows: true });
    } catch (e) {
      // An unlabelled target file is fine for assess: load it without the label column.
      if (!("target" in files && e instanceof TransferLabError && e.where.param === "label" && e.where.file === files.target)) throw e;
      const source = await loadDomain(files.source, { ...load, name: "source" });
      const target = await loadDomain(files.target, { ...load, label: null, name: "target" });
      checkFeatureMatch(source, target);
      st = { source, target };
    }
    const r = applyScaling(st.source, st.target, rule === "auto" ? "standardize" : (LOADER_RULE[rule] as Exclude<ScalingRule, "auto">), 1);
    pair = { source: r.source, target: r.target, kind: "tabular", notes: [`scaling: ${r.scaling.rule}${r.scaling.rule === "standardize" ? " (source statistics)" : ""}`] };
  } else {
    pair = await resolveDomainPair(spec, { scaling: LOADER_RULE[rule], seed, load });
  }
  checkPixelScale(rule, pair.kind);
  if (rule !== "global") return pair;
  const g = prepare({ source: pair.source, target: pair.target }, "global");
  return { source: g.source, target: g.target, notes: [...pair.notes, `scaling: global (every feature divided by ${g.info.divisor})`] };
}

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
    const out = o.out !== undefined ? openRunFolder(o.out) : undefined;
    try {
      const seed = o.seed!;
      const { spec, load } = pairSpecOf(c, o);
      const { source, target, notes } = await loadPair(spec, load, o.scale!, seed);
      const K = given(c, "targetLabelsPerClass") ? o.targetLabelsPerClass : undefined;
      if (K === 0) throw invalid("targetLabelsPerClass", "must be at least 1 here (leave it out to use every target label)");
      if (K !== undefined && !target.y) throw invalid("targetLabelsPerClass", "the target has no labels to draw from", "give a labelled (or partly labelled) target");
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
