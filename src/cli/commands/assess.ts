// `transferlab assess --source S --target T`: will transfer help? Thin: load, call experiment/assess, print or write (report/).
import type { Command } from "commander";
import { join } from "node:path";
import { TransferLabError, invalidParam } from "../../core/errors.js";
import type { Domain } from "../../core/domain.js";
import { isDataFileName, loadSourceTarget, loadDomain, checkFeatureMatch, resolveDomainPair, applyScaling, type ScalingRule } from "../../data/index.js";
import { parseBytes, parseInteger } from "../args.js";
import { assess } from "../../experiment/index.js";

interface AssessCliOptions {
  source: string;
  target: string;
  label?: string;
  json?: boolean;
  out?: string;
  seed: string;
  permutations: string;
  memoryBudget: string;
  approximate?: boolean;
  scaling: string;
  tsne?: boolean;
  targetLabelsPerClass?: string;
}

async function loadPair(o: AssessCliOptions, seed: number): Promise<{ source: Domain; target: Domain; notes: string[] }> {
  const scaling = o.scaling as ScalingRule;
  if (!["auto", "pixel", "standardize", "none"].includes(scaling)) throw invalidParam("scaling", `unknown scaling '${o.scaling}'`, "use auto, standardize, pixel or none");
  const sFile = isDataFileName(o.source), tFile = isDataFileName(o.target);
  if (sFile && tFile) {
    // As in evaluate and datasets, the loader reads a digit string as a header name first, then as an index.
    const label = o.label;
    let st: { source: Domain; target: Domain };
    try {
      // A target row with an empty label cell is unlabelled (label −1): a partly labelled target is fine.
      st = await loadSourceTarget({ source: o.source, target: o.target }, { unlabelledRows: true, ...(label !== undefined ? { label } : {}) });
    } catch (e) {
      // An unlabelled target file is fine for assess: load it without the label column.
      if (!(e instanceof TransferLabError && e.where.param === "label" && e.where.file === o.target)) throw e;
      const source = await loadDomain(o.source, { label, name: "source" });
      const target = await loadDomain(o.target, { label: null, name: "target" });
      checkFeatureMatch(source, target);
      st = { source, target };
    }
    const rule = scaling === "auto" ? "standardize" : scaling;
    const r = applyScaling(st.source, st.target, rule, 1);
    return { source: r.source, target: r.target, notes: [`scaling: ${rule}${rule === "standardize" ? " (source statistics)" : ""}`] };
  }
  if (sFile !== tFile) {
    throw new TransferLabError("INVALID_PARAMETER", `--source and --target must both be files or both dataset names, got '${o.source}' and '${o.target}'`, { param: "source" });
  }
  const pair = await resolveDomainPair(`${o.source}→${o.target}`, { scaling, seed });
  return { source: pair.source, target: pair.target, notes: pair.notes };
}

export function register(program: Command): void {
  program
    .command("assess")
    .description("will transfer help? divergences (MMD, proxy A-distance, CORAL, Wasserstein), label shift, transferability scores, the Ben-David bound and a negative-transfer risk verdict")
    .requiredOption("--source <S>", "source: a file (.csv .npy .npz .parquet .jsonl) or a dataset name (e.g. mnist)")
    .requiredOption("--target <T>", "target: a file or a dataset name (e.g. optdigits)")
    .option("--label <col>", "label column (name or 0-based index); default: a column named label|y|target|class")
    .option("--json", "print every number as JSON instead of the text report")
    .option("--out <dir>", "write assess.json, figures (PCA, t-SNE, per-feature shift) and assess.html into DIR")
    .option("--seed <n>", "random seed", "0")
    .option("--permutations <n>", "permutations of the MMD test", "500")
    .option("--memory-budget <size>", "memory for exact kernel statistics (e.g. 2GB); above it scalable estimators are used", "2GB")
    .option("--approximate", "use the linear-time and random-feature estimators even when exact ones fit")
    .option("--scaling <rule>", "auto | standardize | pixel | none (fitted on the source only)", "auto")
    .option("--no-tsne", "skip the t-SNE figure in --out")
    .option("--target-labels-per-class <K>", "use only K labelled target rows per class (stratified) to measure the source model's target error; other labels only check it")
    .action(async (o: AssessCliOptions) => {
      const seed = parseInteger(o.seed, "seed");
      const permutations = parseInteger(o.permutations, "permutations", 1);
      const { source, target, notes } = await loadPair(o, seed);
      const K = o.targetLabelsPerClass !== undefined ? parseInteger(o.targetLabelsPerClass, "target-labels-per-class", 1) : undefined;
      if (K !== undefined && !target.y) throw invalidParam("target-labels-per-class", "the target has no labels to draw from", "give a labelled (or partly labelled) target");
      const showProgress = !o.json && process.stderr.isTTY;
      const report = await assess(source, target, {
        seed, permutations, memoryBudget: parseBytes(o.memoryBudget), forceApproximate: o.approximate === true,
        ...(K !== undefined ? { targetLabelsPerClass: K } : {}),
        progress: showProgress ? (f, msg) => process.stderr.write(`\r\x1b[K[${Math.round(100 * f).toString().padStart(3)} %] ${msg}`) : undefined,
      });
      if (showProgress) process.stderr.write("\r\x1b[K");
      report.notes.unshift(...notes.map((s) => `data: ${s}`));
      // The report room (vega, resvg) loads only now: importing it would add ~0.3 s to every command start.
      const { formatAssessText, writeAssessOutputs } = await import("../../report/index.js");
      if (o.out) await writeAssessOutputs(o.out, source, target, report, { seed, tsne: o.tsne !== false });
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatAssessText(report));
      if (o.out && !o.json) process.stdout.write(`wrote ${join(o.out, "assess.json")}, ${join(o.out, "assess.html")} and figures\n`);
    });
}
