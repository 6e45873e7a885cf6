// The target splits, in one module:
//  - splitTarget: a stratified few-shot labelled set, an unlabelled set and a test set, disjoint by construction
//    (one permutation per class, cut into consecutive pieces). The test set's labels live inside a TestSet and
//    come out only through labelsForScoring(); makeFitData refuses anything that carries them.
//  - splitTargetForProtocol: the evaluate protocol's split per seed (K labelled per class, transductive or
//    inductive), see below.
//  - nestedStratifiedOrder/Subset: nested stratified subsets of a labelled set (the demo's label-count sweep).
import type { Domain, LabelledDomain, UnlabelledDomain, Labels, FitData } from "../core/domain.js";
import { takeDomainRows, withoutLabels, numClasses, rowsByClass } from "../core/domain.js";
import { Matrix } from "../core/matrix.js";
import type { Rng } from "../core/rng.js";
import { TransferLabError, invalidParam } from "../core/errors.js";


/** Held-out target data: features for prediction, labels only for scoring. It has no `y`, so it cannot be
 * passed where a labelled domain is expected. */
export class TestSet {
  readonly name: string;
  readonly X: Matrix;
  readonly featureNames?: readonly string[];
  readonly classNames?: readonly string[];
  readonly #y: Labels;
  constructor(d: LabelledDomain) {
    this.name = d.name;
    this.X = d.X;
    this.featureNames = d.featureNames;
    this.classNames = d.classNames;
    this.#y = d.y;
  }
  get rows(): number {
    return this.X.rows;
  }
  /** A fresh copy of the test labels, for computing scores after prediction. Registered so it cannot be fed back. */
  labelsForScoring(): Labels {
    const y = this.#y.slice();
    scoringLabels.add(y);
    return y;
  }
  /** The features as an unlabelled domain (allowed as the transductive target). */
  features(): UnlabelledDomain {
    return { name: this.name, X: this.X, featureNames: this.featureNames, classNames: this.classNames };
  }
}

const scoringLabels = new WeakSet<Labels>();

export type LabelledSize = { perClass: number } | { total: number };

export interface SplitOptions {
  /** Few-shot labelled target: k per class, or n in total (spread over classes in proportion, at least 1 each when possible). */
  labelled: LabelledSize;
  /** Test set: a fraction in (0, 1) of the target, or a count (stratified). */
  test: number;
  /** Unlabelled set: "rest" (default) or a count/fraction of what is left, stratified. */
  unlabelled?: "rest" | number;
  rng: Rng;
}

export interface TargetSplit {
  labelled: LabelledDomain;
  unlabelled: UnlabelledDomain;
  test: TestSet;
  /** Row indices into the original target; pairwise disjoint. */
  indices: { labelled: Int32Array; unlabelled: Int32Array; test: Int32Array };
}

/** Largest-remainder allocation of `total` over groups in proportion to their sizes, capped by the sizes. */
function allocate(total: number, sizes: number[]): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (total > n) total = n;
  const raw = sizes.map((s) => (n === 0 ? 0 : (total * s) / n));
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, c) => [r - Math.floor(r), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0 && k < 10 * order.length; k++) {
    const c = order[k % order.length]![1];
    if (out[c]! < sizes[c]!) {
      out[c]!++;
      left--;
    }
  }
  return out;
}

export { rowsByClass };

export function splitTarget(target: LabelledDomain, opts: SplitOptions): TargetSplit {
  const n = target.X.rows;
  const k = numClasses(target);
  const byClass = rowsByClass(target.y, k);
  // One independent shuffle per class.
  for (const rows of byClass) opts.rng.shuffle(rows);
  const sizes = byClass.map((r) => r.length);

  const { test } = opts;
  if (!(test > 0) || (test >= 1 && !Number.isInteger(test)) || test >= n) {
    throw invalidParam("test", `must be a fraction in (0, 1) or a count below ${n}, got ${test}`);
  }
  const testCount = test < 1 ? Math.round(test * n) : test;
  const testPer = allocate(testCount, sizes);
  const afterTest = sizes.map((s, c) => s - testPer[c]!);

  let labPer: number[];
  if ("perClass" in opts.labelled) {
    const m = opts.labelled.perClass;
    if (!Number.isInteger(m) || m < 0) throw invalidParam("labelled.perClass", `must be a non-negative integer, got ${m}`);
    const short = afterTest.findIndex((s) => s > 0 && s < m);
    if (short >= 0) {
      throw new TransferLabError("TOO_FEW_LABELS", `class ${target.classNames?.[short] ?? short} has only ${afterTest[short]} target rows outside the test set, fewer than ${m} per class`, { param: "labelled.perClass" }, "ask for fewer labels per class or a smaller test set");
    }
    labPer = afterTest.map((s) => Math.min(m, s));
  } else {
    const t = opts.labelled.total;
    const avail = afterTest.reduce((a, b) => a + b, 0);
    if (!Number.isInteger(t) || t < 0 || t > avail) throw invalidParam("labelled.total", `must be an integer in [0, ${avail}], got ${t}`);
    // At least one per class when the budget allows, the rest in proportion.
    const present = afterTest.map((s) => (s > 0 ? 1 : 0));
    const base = t >= present.reduce((a: number, b) => a + b, 0) ? present : afterTest.map(() => 0);
    const rest = allocate(t - base.reduce((a: number, b) => a + b, 0), afterTest.map((s, c) => s - base[c]!));
    labPer = base.map((b, c) => b + rest[c]!);
  }
  const afterLab = afterTest.map((s, c) => s - labPer[c]!);
  const u = opts.unlabelled ?? "rest";
  let unlPer: number[];
  if (u === "rest") unlPer = afterLab;
  else {
    const left = afterLab.reduce((a, b) => a + b, 0);
    if (!(u >= 0) || (u >= 1 && !Number.isInteger(u)) || u > left) throw invalidParam("unlabelled", `must be "rest", a fraction in [0, 1) or a count ≤ ${left}, got ${u}`);
    unlPer = allocate(u < 1 ? Math.round(u * left) : u, afterLab);
  }

  const tIdx: number[] = [];
  const lIdx: number[] = [];
  const uIdx: number[] = [];
  byClass.forEach((rows, c) => {
    let p = 0;
    for (let r = 0; r < testPer[c]!; r++) tIdx.push(rows[p++]!);
    for (let r = 0; r < labPer[c]!; r++) lIdx.push(rows[p++]!);
    for (let r = 0; r < unlPer[c]!; r++) uIdx.push(rows[p++]!);
  });
  // Shuffle each set so classes are interleaved (some learners read rows in order).
  const indices = { labelled: opts.rng.shuffle(Int32Array.from(lIdx)), unlabelled: opts.rng.shuffle(Int32Array.from(uIdx)), test: opts.rng.shuffle(Int32Array.from(tIdx)) };
  return {
    labelled: takeDomainRows(target, indices.labelled, `${target.name}-labelled`) as LabelledDomain,
    unlabelled: withoutLabels(takeDomainRows(target, indices.unlabelled, `${target.name}-unlabelled`)),
    test: new TestSet(takeDomainRows(target, indices.test, `${target.name}-test`) as LabelledDomain),
    indices,
  };
}

function leak(message: string): TransferLabError {
  return new TransferLabError("TEST_LABEL_LEAK", message, {}, "methods may see the source, the unlabelled target and the few labelled target rows only");
}

/** Runtime guard for FitData: the target carries no labels and no labels handed out for scoring appear anywhere. */
export function assertNoTestLabels(data: FitData): void {
  const t = data.target as Domain;
  if (t.y !== undefined) throw leak("the unlabelled target handed to a method carries labels");
  // (A TestSet as `target` is allowed: it exposes inputs only. As labelled data it has no y and fails below.)
  for (const d of [data.source, data.targetLabelled] as Array<Domain | undefined>) {
    if (d && d.y === undefined) throw leak(`domain '${d.name}' is handed over as labelled data but has no labels (a test set?)`);
  }
  for (const d of [data.source, data.targetLabelled]) {
    if (d && scoringLabels.has(d.y)) throw leak(`domain '${d.name}' uses test labels obtained for scoring`);
  }
}

/**
 * What a method may see: source, target inputs (the unlabelled split, or in the transductive setting the test
 * features too), and — when `useLabelled` — the few-shot labelled target.
 */
export function makeFitData(source: LabelledDomain, split: TargetSplit, opts: { useLabelled?: boolean; transductive?: boolean } = {}): FitData {
  const target: UnlabelledDomain = opts.transductive ? concatUnlabelled(split.unlabelled, split.test.features()) : split.unlabelled;
  const data: FitData = { source, target: withoutLabels(target), ...(opts.useLabelled ? { targetLabelled: split.labelled } : {}) };
  assertNoTestLabels(data);
  return data;
}

function concatUnlabelled(a: UnlabelledDomain, b: UnlabelledDomain): UnlabelledDomain {
  const X = a.X.rows === 0 ? b.X : b.X.rows === 0 ? a.X : Matrix.vstack([a.X, b.X]);
  return { name: a.name.replace(/-unlabelled$/, "-inputs"), X, featureNames: a.featureNames, classNames: a.classNames };
}

// ---- The evaluate protocol ----------------------------------------------------------------------------------
// The evaluation protocol's target split, per seed: K labelled target points per class (stratified), the
// unlabelled target the methods may see, and the test set that is only ever scored.
//  - transductive (default): every target input is available, unlabelled, to the methods; the test set is every
//    target point not drawn as labelled.
//  - inductive: the target points not drawn as labelled are shuffled and halved: a disjoint unlabelled half
//    for the methods, the other half for testing.
// Labels of the test points never enter FitData: the target pool is stripped with withoutLabels, and test
// labels live only in `testLabels`, used by the scorer.
export type Protocol = "transductive" | "inductive";

/** The evaluate protocol's split of one seed. */
export interface ProtocolSplit {
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

export function splitTargetForProtocol(target: LabelledDomain, perClass: number, protocol: Protocol, rng: Rng): ProtocolSplit {
  const { labelled, notes } = drawLabelled(target, perClass, rng);
  return splitFromLabelled(target, labelled, protocol, rng, notes);
}

/** Stratified draw of K labelled target points per class (keeping at least one per class for testing). */
export function drawLabelled(target: LabelledDomain, perClass: number, rng: Rng): { labelled: Int32Array; notes: string[] } {
  if (!Number.isInteger(perClass) || perClass < 0) throw new TransferLabError("INVALID_PARAMETER", `must be a non-negative integer, got ${perClass}`, { param: "target-labels-per-class" });
  const k = Math.max(0, ...target.y) + 1;
  const byClass = rowsByClass(target.y, k);
  const labelled: number[] = [];
  const shortClasses: string[] = [];
  for (let c = 0; c < k; c++) {
    const members = Int32Array.from(byClass[c]!);
    rng.shuffle(members);
    const take = Math.min(perClass, Math.max(0, members.length - 1));
    if (take < perClass && members.length > 0) shortClasses.push(target.classNames?.[c] ?? String(c));
    for (let q = 0; q < take; q++) labelled.push(members[q]!);
  }
  labelled.sort((a, b) => a - b);
  const notes = shortClasses.length ? [`classes ${shortClasses.join(", ")} have fewer than ${perClass + 1} target points: fewer labelled points drawn for them`] : [];
  return { labelled: Int32Array.from(labelled), notes };
}

/** The rest of the split given the labelled indices; reads no label except those of the labelled points
 * (and, for the oracle pool only, of the pool). */
export function splitFromLabelled(target: LabelledDomain, labIdx: Int32Array, protocol: Protocol, rng: Rng, notes: string[] = []): ProtocolSplit {
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

// ---- Nested stratified subsets (label-count sweeps) ---------------------------------------------------------

// nestedStratifiedOrder / nestedStratifiedSubset live in core/domain.ts (the self-training rounds use them too).
export { nestedStratifiedOrder, nestedStratifiedSubset } from "../core/domain.js";
