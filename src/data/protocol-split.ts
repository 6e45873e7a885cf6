// The evaluation protocol's target split, per seed: K labelled target points per class (stratified), the
// unlabelled target the methods may see, and the test set that is only ever scored.
//  - transductive (default): every target input is available, unlabelled, to the methods; the test set is every
//    target point not drawn as labelled.
//  - inductive: the target points not drawn as labelled are shuffled and halved: a disjoint unlabelled half
//    for the methods, the other half for testing.
// Labels of the test points never enter FitData: the target pool is stripped with withoutLabels, and test
// labels live only in `testLabels`, used by the scorer.
import { Matrix } from "../core/matrix.js";
import type { LabelledDomain, UnlabelledDomain, Labels } from "../core/domain.js";
import { withoutLabels, takeDomainRows } from "../core/domain.js";
import { TransferLabError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";

export type Protocol = "transductive" | "inductive";

export interface TargetSplit {
  labelled: LabelledDomain;
  /** What methods see as `target` (no labels, by type and at runtime). */
  unlabelled: UnlabelledDomain;
  testX: Matrix;
  /** For scoring only. */
  testLabels: Labels;
  /** The pool the oracle may train on, with labels (never given to a non-oracle method). */
  oraclePool: LabelledDomain;
  indices: { labelled: Int32Array; unlabelled: Int32Array; test: Int32Array };
  /** E.g. classes too small to give K labelled points and still leave one for testing. */
  notes: string[];
}

export function splitTargetForProtocol(target: LabelledDomain, perClass: number, protocol: Protocol, rng: Rng): TargetSplit {
  const { labelled, notes } = drawLabelled(target, perClass, rng);
  return splitFromLabelled(target, labelled, protocol, rng, notes);
}

/** Stratified draw of K labelled target points per class (keeping at least one per class for testing). */
export function drawLabelled(target: LabelledDomain, perClass: number, rng: Rng): { labelled: Int32Array; notes: string[] } {
  if (!Number.isInteger(perClass) || perClass < 0) throw new TransferLabError("INVALID_PARAMETER", `must be a non-negative integer, got ${perClass}`, { param: "target-labels-per-class" });
  const n = target.X.rows;
  const k = Math.max(0, ...target.y) + 1;
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) byClass[target.y[i]!]!.push(i);
  const labelled: number[] = [];
  const shortClasses: string[] = [];
  for (let c = 0; c < k; c++) {
    const members = Int32Array.from(byClass[c]!);
    rng.shuffle(members);
    const take = Math.min(perClass, Math.max(0, members.length - 1));
    if (take < perClass && members.length > 0) shortClasses.push(String(c));
    for (let q = 0; q < take; q++) labelled.push(members[q]!);
  }
  labelled.sort((a, b) => a - b);
  const notes = shortClasses.length ? [`classes ${shortClasses.join(", ")} have fewer than ${perClass + 1} target points: fewer labelled points drawn for them`] : [];
  return { labelled: Int32Array.from(labelled), notes };
}

/** The rest of the split given the labelled indices; reads no label except those of the labelled points
 * (and, for the oracle pool only, of the pool). */
export function splitFromLabelled(target: LabelledDomain, labIdx: Int32Array, protocol: Protocol, rng: Rng, notes: string[] = []): TargetSplit {
  const n = target.X.rows;
  const isLab = new Uint8Array(n);
  for (const i of labIdx) isLab[i] = 1;
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (!isLab[i]) rest.push(i);
  let unl: Int32Array, test: Int32Array;
  if (protocol === "transductive") {
    unl = Int32Array.from({ length: n }, (_, i) => i);
    test = Int32Array.from(rest);
  } else if (protocol === "inductive") {
    const r = Int32Array.from(rest);
    rng.shuffle(r);
    const half = Math.floor(r.length / 2);
    unl = r.slice(0, half).sort();
    test = r.slice(half).sort();
  } else {
    throw new TransferLabError("INVALID_PARAMETER", `unknown protocol '${String(protocol)}'`, { param: "protocol" }, "use transductive or inductive");
  }
  if (test.length === 0) throw new TransferLabError("TOO_FEW_LABELS", `no target points left for testing after drawing ${labIdx.length} labelled points`, { param: "target-labels-per-class" });
  const pool = protocol === "transductive" ? unl : Int32Array.from([...labIdx, ...unl]).sort();
  return {
    labelled: takeDomainRows(target, labIdx, `${target.name} (labelled)`) as LabelledDomain,
    unlabelled: withoutLabels(takeDomainRows(target, unl, `${target.name} (unlabelled)`)),
    testX: target.X.takeRows(test),
    testLabels: Int32Array.from(test, (i) => target.y[i]!),
    oraclePool: takeDomainRows(target, pool, `${target.name} (oracle pool)`) as LabelledDomain,
    indices: { labelled: labIdx, unlabelled: unl, test },
    notes,
  };
}
