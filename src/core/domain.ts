// Domain D = {X, P(X)}: a feature matrix drawn from one distribution, with labels when the task is known.
import { Matrix } from "./matrix.js";
import type { Rng } from "./rng.js";
import { TransferLabError, shapeMismatch } from "./errors.js";

/** Integer class labels 0..k-1; the names of the classes live on the Domain. */
export type Labels = Int32Array;

export interface Domain {
  readonly name: string;
  readonly X: Matrix;
  readonly y?: Labels;
  readonly featureNames?: readonly string[];
  /** classNames[k] is the original name of label k (e.g. "cat", or "7"). */
  readonly classNames?: readonly string[];
  /** Height × width when each row is an image's pixels (row-major; channels = features / (h·w)). Deep methods
   * use it to choose a convolutional backbone; bundled digit sets carry [8, 8], users' files get --image-shape. */
  readonly imageShape?: readonly [number, number];
}

export interface LabelledDomain extends Domain {
  readonly y: Labels;
}

/** A domain whose labels are not available to the method (the type has no `y`). */
export interface UnlabelledDomain extends Domain {
  readonly y?: undefined;
}

export function isLabelled(d: Domain): d is LabelledDomain {
  return d.y !== undefined;
}

export function requireLabels(d: Domain, what = d.name): LabelledDomain {
  if (d.y === undefined) throw new TransferLabError("MISSING_LABELS", `domain '${what}' has no labels but labels are needed here`);
  return d as LabelledDomain;
}

/** Copy of a domain with its labels removed: what a method may see of an unlabelled target. */
export function withoutLabels(d: Domain): UnlabelledDomain {
  const { y: _y, ...rest } = d;
  return rest as UnlabelledDomain;
}

/** Number of classes implied by labels (max + 1), or by classNames when given. */
export function numClasses(d: Domain): number {
  if (d.classNames) return d.classNames.length;
  if (!d.y) return 0;
  let k = -1;
  for (const v of d.y) if (v > k) k = v;
  return k + 1;
}

/** Rows of a domain, labels included, as a new domain. */
export function takeDomainRows(d: Domain, idx: ArrayLike<number>, name = d.name): Domain {
  const y = d.y ? Int32Array.from({ length: idx.length }, (_, k) => d.y![idx[k]!]!) : undefined;
  return { ...d, name, X: d.X.takeRows(idx), y };
}

export function checkLabelsLength(d: Domain): void {
  if (d.y && d.y.length !== d.X.rows) {
    throw shapeMismatch(`domain '${d.name}' has ${d.X.rows} rows but ${d.y.length} labels`);
  }
}

/** What a method may see (adapt/'s contract; the splits in data/ build it). The target-test split is not here,
 * and `target` carries no labels. */
export interface FitData {
  source: LabelledDomain;
  /** Unlabelled target inputs (transductive: every target input; inductive: a disjoint unlabelled part). */
  target: UnlabelledDomain;
  /** The few labelled target points, when the setting has them. */
  targetLabelled?: LabelledDomain;
}

/** Per class, the class's rows in a seeded random order; the first n/k of each give a nested stratified subset. */
export function nestedStratifiedOrder(y: Labels, k: number, rng: Rng): number[][] {
  return rowsByClass(y, k).map((rows) => Array.from(rng.permutation(rows.length), (j) => rows[j]!));
}

/** The first n rows of a nested stratified order (⌊n/k⌋ per class, the remainder to the first classes), sorted. */
export function nestedStratifiedSubset(order: number[][], n: number): number[] {
  const k = order.length;
  const out: number[] = [];
  for (let c = 0; c < k; c++) out.push(...order[c]!.slice(0, Math.floor(n / k) + (c < n % k ? 1 : 0)));
  return out.sort((a, b) => a - b);
}

/** Row indices of each class 0..k−1, in row order. */
export function rowsByClass(y: Labels, k: number): number[][] {
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i);
  return byClass;
}
