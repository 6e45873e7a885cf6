// A source/target pair for the commands that accept an unlabelled or partly labelled target (assess): a pair name,
// a generator spec or two files, scaled by one rule of the --scale vocabulary.
import type { Domain } from "../core/domain.js";
import { TransferLabError } from "../core/errors.js";
import { isDataFileName, loadDomain, loadSourceTarget, checkFeatureMatch } from "./load.js";
import { applyScaling, prepare, type ScalingRule } from "./prepare.js";
import { parsePairName, resolveDomainPair, type PairSpec } from "./registry.js";
import type { LoadOptions } from "./table-domain.js";

/** The scaling vocabulary by its command-line names (--scale): one list for every command and this loader. */
export const SCALE_RULES = ["auto", "standard", "global", "pixel", "none"] as const;
export type ScaleRule = (typeof SCALE_RULES)[number];

/** The rule the loader applies while loading; `global` is applied after loading, by prepare. */
const LOADER_RULE: Record<ScaleRule, ScalingRule> = { auto: "auto", standard: "standardize", pixel: "pixel", none: "none", global: "none" };

export interface LoadedPair { source: Domain; target: Domain; kind: string; notes: string[] }

/** Loads a pair whose target may be unlabelled (no label column) or partly labelled (empty label cells are −1). */
export async function loadPartlyLabelledPair(spec: PairSpec, load: LoadOptions, rule: ScaleRule, seed: number): Promise<LoadedPair> {
  const sides = typeof spec === "string" ? parsePairName(spec) : undefined;
  const files = typeof spec === "object" ? spec : sides?.every(isDataFileName) ? { source: sides[0], target: sides[1] } : undefined;
  let pair: LoadedPair;
  if (files) {
    let st: { source: Domain; target: Domain };
    try {
      st = await loadSourceTarget(files, { ...load, unlabelledRows: true });
    } catch (e) {
      // An unlabelled target file: load it without the label column.
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
  if (rule !== "global") return pair;
  const g = prepare({ source: pair.source, target: pair.target }, "global");
  return { ...pair, source: g.source, target: g.target, notes: [...pair.notes, `scaling: global (every feature divided by ${g.info.divisor})`] };
}
