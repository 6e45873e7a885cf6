// Label-free predictions of a classifier's target error from its confidence (ATC and DoC): measures that
// assume confidence still tracks correctness on the target.
import type { Matrix } from "../core/matrix.js";
import { argmaxRows } from "../engine/index.js";
import { countCorrect } from "./accuracy.js";

/**
 * Two label-free predictions of a classifier's target error from its max-probability confidence:
 *   ATC (Garg et al., "Leveraging Unlabeled Data to Predict Out-of-Distribution Performance", ICLR 2022): t is
 *     chosen so that the share of held-out source rows with confidence > t equals the held-out source accuracy;
 *     predicted target accuracy = share of target rows with confidence > t. Degenerate (predicts no loss) when
 *     the source accuracy is 100 %.
 *   DoC (Guillory et al., "Predicting with Confidence on Unseen Distributions", ICCV 2021): source error plus the
 *     drop in mean confidence from source to target.
 */
export function predictTargetError(sourceProba: Matrix, sourceY: ArrayLike<number>, targetProba: Matrix): { atc: number; doc: number } {
  const conf = (P: Matrix, i: number) => { let c = 0; for (let j = 0; j < P.cols; j++) c = Math.max(c, P.data[i * P.cols + j]!); return c; };
  const n = sourceProba.rows;
  const pred = argmaxRows(sourceProba.data, n, sourceProba.cols);
  const cs = Float64Array.from({ length: n }, (_, i) => conf(sourceProba, i)).sort().reverse();
  const correct = countCorrect(pred, sourceY);
  // Exactly `correct` source rows lie above t (ties at t fall below).
  const t = correct >= n ? -Infinity : cs[correct]!;
  let above = 0, meanT = 0, meanS = 0;
  for (let i = 0; i < targetProba.rows; i++) {
    const c = conf(targetProba, i);
    if (c > t) above++;
    meanT += c / targetProba.rows;
  }
  for (let i = 0; i < n; i++) meanS += cs[i]! / n;
  return { atc: 1 - above / targetProba.rows, doc: Math.min(1, Math.max(0, 1 - correct / n + meanS - meanT)) };
}
