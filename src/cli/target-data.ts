// What `fit` and `select` train on, from the command line: source and target files (a target row whose label
// cell is empty is unlabelled; rows with a label are the labelled target points) or dataset/generator names
// (their target labels are dropped, except K per class drawn with --target-labels-per-class).
import type { Command } from "commander";
import type { LabelledDomain, UnlabelledDomain } from "../core/domain.js";
import { withoutLabels, takeDomainRows } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import { isDataFileName, loadSourceTarget, parsePairName, resolveDomainPair, splitByLabel, drawLabelled, type Scale, type ScalingRule } from "../data/index.js";
import { pairSpecOf, type DATA_OPTIONS } from "./data-options.js";
import { given, invalid, type Parsed } from "./options.js";

/** The help of the two options whose meaning loadUserData defines, for the commands that load through it. */
export const USER_DATA_HELP = {
  target: "target: a file (rows with an empty label cell are unlabelled) or a dataset name",
  targetLabelsPerClass: "dataset names only: draw K labelled target points per class",
} as const;

export interface UserData {
  source: LabelledDomain;
  /** Every target input. */
  target: UnlabelledDomain;
  targetLabelled?: LabelledDomain;
  /** The scaling `auto` means for this data: images global, files standard, generators none. */
  autoScale: Scale;
  /** image | tabular | synthetic */
  kind: string;
  notes: string[];
}

type Opts = Parsed<(typeof DATA_OPTIONS)[number] | "targetLabelsPerClass">;

export async function loadUserData(cmd: Command, o: Opts, how: { seed: number; scaling: ScalingRule }): Promise<UserData> {
  const { spec, load } = pairSpecOf(cmd, o);
  const files = typeof spec === "object" ? spec : parsePairName(spec)?.every(isDataFileName) ? { source: parsePairName(spec)![0], target: parsePairName(spec)![1] } : undefined;
  if (files) {
    if (given(cmd, "targetLabelsPerClass")) throw invalid("targetLabelsPerClass", "--target-labels-per-class draws labels from a dataset; in files, the target rows with a label are the labelled points");
    const st = await loadSourceTarget(files, { ...load, unlabelledRows: true });
    const { inputs, labelled } = splitByLabel(st.target);
    const notes = [`target ${st.target.name}: ${inputs.X.rows} rows, ${labelled?.X.rows ?? 0} labelled (rows with an empty label cell are unlabelled)`];
    return { source: st.source, target: inputs, ...(labelled ? { targetLabelled: labelled } : {}), autoScale: "standard", kind: "tabular", notes };
  }
  const pair = await resolveDomainPair(spec, { scaling: how.scaling, seed: how.seed, load });
  const K = o.targetLabelsPerClass ?? 0;
  const notes = [`target ${pair.target.name}: its labels are not used${K > 0 ? `, except ${K} per class drawn as labelled target points (seed ${how.seed})` : ""}`];
  const target = withoutLabels(pair.target);
  const autoScale: Scale = pair.kind === "image" ? "global" : pair.kind === "tabular" ? "standard" : "none";
  if (K === 0) return { source: pair.source, target, autoScale, kind: pair.kind, notes };
  const { labelled } = drawLabelled(pair.target, K, new Rng(how.seed).fork("split"));
  return { source: pair.source, target, targetLabelled: takeDomainRows(pair.target, labelled, `${pair.target.name} (labelled)`) as LabelledDomain, autoScale, kind: pair.kind, notes };
}
