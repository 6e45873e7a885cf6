// Accuracy and the confusion matrix, written once for every workflow (evaluate, demo, assess, label shift).
import type { Labels } from "../core/domain.js";
import { TransferLabError } from "../core/errors.js";

/** How many predictions equal their label. */
export function countCorrect(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  if (pred.length !== y.length) throw new TransferLabError("INTERNAL", `accuracy needs as many predictions as labels, got ${pred.length} and ${y.length}`);
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok;
}

/** Accuracy in percent (0–100). */
export function accuracyPct(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  return (100 * countCorrect(pred, y)) / y.length;
}

/** Confusion counts, matrix[actual][predicted], for k classes. */
export function confusionMatrix(pred: Labels, y: Labels, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < y.length; i++) m[y[i]!]![pred[i]!]!++;
  return m;
}
