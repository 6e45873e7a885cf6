// Does black-box shift estimation's answer deserve trust? BBSE (./label-shift.ts) is exact under label shift
// — p(x|y) the same in both domains — and solvable only when the source classifier's confusion matrix is well
// conditioned. Two checks, both without target labels:
//  1. conditioning: the smallest singular value of the confusion matrix C is at least 0.1/k;
//  2. small input shift given the class: if only the class mix changed, weighting each source row of class y by
//     ŵ_y = q̂_y/p_y makes the weighted source look exactly like the target. A domain classifier (logistic, on
//     the standardised features and their squares, so it sees changes of spread as well as of location) trained
//     on weighted source vs target, scored on held-out halves with the same weights, should then be at chance;
//     a balanced accuracy above `maxResidualAccuracy` means the inputs shift within classes too.
import { Matrix } from "../core/matrix.js";
import type { LabelledDomain } from "../core/domain.js";
import type { Rng } from "../core/rng.js";
import { LogisticRegression } from "../estimators/index.js";
import { fitStandardizer, halves, subsampleRows } from "./util.js";
import type { LabelShiftEstimate } from "./label-shift.js";

export const LABEL_SHIFT_LIMITS = { minSingularValuePerClass: 0.1, maxResidualAccuracy: 0.6 } as const;

export interface LabelShiftValidity {
  reliable: boolean;
  /** Why it is (not) reliable, in words. */
  reason: string;
  minSingularValue: number;
  /** Held-out balanced accuracy of the domain classifier between class-reweighted source and target (0.5 = none). */
  residualAccuracy: number;
}

export function checkLabelShift(source: LabelledDomain, targetX: Matrix, est: LabelShiftEstimate, rng: Rng, maxRows = 5000): LabelShiftValidity {
  const k = est.sourcePriors.length;
  const s = subsampleRows(source.X, maxRows, rng);
  const ys = s.idx ? Int32Array.from(s.idx, (i) => source.y[i]!) : source.y;
  const t = subsampleRows(targetX, maxRows, rng).X;
  const w = est.sourcePriors.map((p, y) => (p > 0 ? Math.max(0, est.targetPriors[y]!) / p : 0));
  const [sa, sb] = halves(s.X.rows, rng), [ta, tb] = halves(t.rows, rng);
  const std = fitStandardizer(Matrix.vstack([s.X.takeRows(sa), t.takeRows(ta)]));
  const features = (A: Matrix) => withSquares(std.apply(A));
  const train = features(Matrix.vstack([s.X.takeRows(sa), t.takeRows(ta)]));
  const d = new Int32Array(sa.length + ta.length).fill(1, sa.length);
  // Each domain carries half the total weight, so the classifier has no prior to exploit.
  const ws = Array.from(sa, (i) => w[ys[i]!]!), sumS = ws.reduce((a, b) => a + b, 0) || 1;
  const sw = new Float32Array(d.length);
  ws.forEach((v, j) => (sw[j] = v / sumS));
  for (let j = sa.length; j < d.length; j++) sw[j] = 1 / ta.length;
  const clf = new LogisticRegression({ C: 1, tol: 1e-5, maxIter: 300 });
  clf.fit(train, d, { numClasses: 2, sampleWeight: sw });
  const ps = clf.predict(features(s.X.takeRows(sb))), pt = clf.predict(features(t.takeRows(tb)));
  let rightS = 0, massS = 0, rightT = 0;
  sb.forEach((i, j) => { const v = w[ys[i]!]!; massS += v; if (ps[j] === 0) rightS += v; });
  pt.forEach((p) => { if (p === 1) rightT++; });
  const residualAccuracy = 0.5 * (massS > 0 ? rightS / massS : 0.5) + 0.5 * (rightT / Math.max(1, tb.length));
  const fails: string[] = [];
  if (est.minSingularValue < LABEL_SHIFT_LIMITS.minSingularValuePerClass / k) {
    fails.push(`the source classifier's confusion matrix is nearly singular (smallest singular value ${est.minSingularValue.toFixed(3)} < ${(LABEL_SHIFT_LIMITS.minSingularValuePerClass / k).toFixed(3)}): it confuses classes, so C·w = μ has no stable solution`);
  }
  if (residualAccuracy > LABEL_SHIFT_LIMITS.maxResidualAccuracy) {
    fails.push(`the inputs shift within classes too: after reweighting the source classes by the estimate, a quadratic-feature domain classifier still tells source from target with ${(100 * residualAccuracy).toFixed(1)} % balanced accuracy (> ${100 * LABEL_SHIFT_LIMITS.maxResidualAccuracy} %)`);
  }
  return {
    reliable: fails.length === 0, minSingularValue: est.minSingularValue, residualAccuracy,
    reason: fails.length
      ? `BBSE's assumptions fail, so its class-prior estimate is not to be trusted: ${fails.join("; ")}`
      : `BBSE's assumptions check out: well-conditioned confusion matrix (smallest singular value ${est.minSingularValue.toFixed(3)}), and the class-reweighted source is hard to tell from the target (domain classifier ${(100 * residualAccuracy).toFixed(1)} % balanced accuracy)`,
  };
}

/** [x, x²] per row. */
function withSquares(A: Matrix): Matrix {
  const d = A.cols, out = new Matrix(A.rows, 2 * d);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = A.data[i * d + j]!;
      out.data[i * 2 * d + j] = v;
      out.data[i * 2 * d + d + j] = v * v;
    }
  }
  return out;
}
