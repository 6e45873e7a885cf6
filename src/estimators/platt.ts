// Platt scaling: P(positive | f) = 1 / (1 + exp(A·f + B)) fitted to decision values f of held-out rows by
// minimising the cross-entropy against Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2). This is libsvm's
// sigmoid_train (Newton's method with a backtracking line search, Lin, Lin & Weng, "A note on Platt's
// probabilistic outputs for support vector machines", Machine Learning 2007) — libsvm only runs it inside
// `svm_train -b 1` on its own 5-fold cross-validation and does not export it, so it is ported here to fit on
// rows the caller holds out. test/estimators/platt.test.ts checks it against scikit-learn's _sigmoid_calibration.

/** Fits A, B on decision values `f` with `positive[i]` true for the class the sigmoid gives the probability of. */
export function sigmoidTrain(f: ArrayLike<number>, positive: ArrayLike<boolean>): { A: number; B: number } {
  const l = f.length;
  let prior1 = 0;
  for (let i = 0; i < l; i++) if (positive[i]) prior1++;
  const prior0 = l - prior1;
  const maxIter = 100, minStep = 1e-10, sigma = 1e-12, eps = 1e-5;
  const hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  const t = Float64Array.from({ length: l }, (_, i) => (positive[i] ? hi : lo));
  const objective = (A: number, B: number) => {
    let v = 0;
    for (let i = 0; i < l; i++) {
      const z = f[i]! * A + B;
      v += z >= 0 ? t[i]! * z + Math.log1p(Math.exp(-z)) : (t[i]! - 1) * z + Math.log1p(Math.exp(z));
    }
    return v;
  };
  let A = 0, B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(A, B);
  for (let iter = 0; iter < maxIter; iter++) {
    // Gradient and Hessian (H + σI).
    let h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
    for (let i = 0; i < l; i++) {
      const z = f[i]! * A + B;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const d2 = p * (1 - p);
      h11 += f[i]! * f[i]! * d2;
      h22 += d2;
      h21 += f[i]! * d2;
      const d1 = t[i]! - p;
      g1 += f[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    for (; step >= minStep; step /= 2) {
      const nA = A + step * dA, nB = B + step * dB;
      const nf = objective(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA; B = nB; fval = nf;
        break;
      }
    }
    if (step < minStep) break; // line search failed: keep the last point, as libsvm does
  }
  return { A, B };
}

/** P(positive | f) under the fitted sigmoid, computed without overflow. */
export function sigmoidPredict(f: number, A: number, B: number): number {
  const z = f * A + B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}
