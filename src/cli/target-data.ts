// What `fit` and `select` train on, from the command line: source and target files (a target row whose label
// cell is empty is unlabelled; rows with a label are the labelled target points) or dataset/generator names
// (their target labels are dropped, except K per class drawn with --target-labels-per-class).
import type { LabelledDomain, UnlabelledDomain } from "../core/domain.js";
import { withoutLabels, takeDomainRows } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import { TransferLabError } from "../core/errors.js";
import {
  isDataFileName, loadSourceTarget, splitByLabel, resolveDomainPair, drawLabelled, type Scale,
} from "../data/index.js";

export interface UserData {
  source: LabelledDomain;
  /** Every target input. */
  target: UnlabelledDomain;
  targetLabelled?: LabelledDomain;
  /** The scaling `auto` means for this data: images global, files standard, generators none. */
  autoScale: Scale;
  notes: string[];
}

export async function loadUserData(o: { source?: string; target?: string; pair?: string; label?: string; targetLabelsPerClass?: number; seed?: number }): Promise<UserData> {
  if (o.pair === undefined && (o.source === undefined || o.target === undefined)) {
    throw new TransferLabError("INVALID_PARAMETER", "give --source and --target (or --pair)", { param: "source" }, "files (CSV, NPY, Parquet, JSON lines) or dataset names, e.g. --source mnist --target optdigits");
  }
  if (o.pair === undefined && isDataFileName(o.source!) && isDataFileName(o.target!)) {
    const st = await loadSourceTarget({ source: o.source!, target: o.target! }, { unlabelledRows: true, ...(o.label !== undefined ? { label: o.label } : {}) });
    const { inputs, labelled } = splitByLabel(st.target);
    const notes = [`target ${o.target}: ${inputs.X.rows} rows, ${labelled?.X.rows ?? 0} labelled (rows with an empty label cell are unlabelled)`];
    if (o.targetLabelsPerClass !== undefined) notes.push("--target-labels-per-class is ignored for files: the rows with a label are the labelled target points");
    return { source: st.source, target: inputs, ...(labelled ? { targetLabelled: labelled } : {}), autoScale: "standard", notes };
  }
  const pair = await resolveDomainPair(o.pair ?? `${o.source}→${o.target}`, { scaling: "none", seed: o.seed ?? 0 });
  const K = o.targetLabelsPerClass ?? 0;
  const notes = [`target ${pair.target.name}: its labels are not used${K > 0 ? `, except ${K} per class drawn as labelled target points (seed ${o.seed ?? 0})` : ""}`];
  const target = withoutLabels(pair.target);
  const autoScale: Scale = pair.kind === "image" ? "global" : pair.kind === "tabular" ? "standard" : "none";
  if (K === 0) return { source: pair.source, target, autoScale, notes };
  const { labelled } = drawLabelled(pair.target, K, new Rng(o.seed ?? 0).fork("split"));
  return { source: pair.source, target, targetLabelled: takeDomainRows(pair.target, labelled, `${pair.target.name} (labelled)`) as LabelledDomain, autoScale, notes };
}
