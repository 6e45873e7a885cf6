// Proxy A-distance (Ben-David et al., "Analysis of Representations for Domain Adaptation", NIPS 2007):
// d̂_A = 2(1 − 2ε), where ε is the held-out error of a classifier trained to tell source rows from target rows.
// ε is the balanced error (mean of the two per-domain error rates, classes weighted equally in training), so
// chance is 0.5 whatever the domain sizes; the classifier is trained on one random half of each domain and
// scored on the other half, never on its own training rows.
// Reading it: 0 = the classifier cannot tell the domains apart, 2 = it separates them perfectly. A value below
// 0 means ε > 0.5 on held-out rows: worse than chance, which happens by sampling noise when the domains are
// indistinguishable — read it as 0. Values above 2 cannot occur with this formula; tools that report them use
// a different scaling. The value depends on the classifier family: a linear classifier sees only shifts a
// hyperplane can express; the "rbf" family (logistic regression on random Fourier features of a Gaussian kernel)
// also sees rotations and changes of spread.
import { Matrix } from "../core/matrix.js";
import type { Rng } from "../core/rng.js";
import { TransferLabError } from "../core/errors.js";
import { assertSameColumns } from "../core/validate.js";
import { kernels } from "../engine/index.js";
import { LogisticRegression } from "../estimators/index.js";
import { drawRff, medianBandwidth } from "./mmd.js";
import { fitStandardizer, halves, subsampleRows } from "./util.js";
import { normalQuantile } from "../core/stats.js";

export type DomainClassifierFeatures = "linear" | "rbf";

export interface ProxyADistanceOptions {
  rng: Rng;
  features?: DomainClassifierFeatures;
  /** Inverse L2 strength of the logistic-regression domain classifier. */
  C?: number;
  /** Rows used per domain at most (a random subset above it). */
  maxPerDomain?: number;
  /** Random Fourier features for the "rbf" family. */
  rffFeatures?: number;
  /** Confidence level of the interval for ε. */
  level?: number;
}

export interface ProxyADistance {
  value: number;
  /** Interval for d̂_A mapped from the interval for ε. */
  ci: [number, number];
  /** Held-out balanced error of the domain classifier. */
  epsilon: number;
  epsilonCi: [number, number];
  sourceError: number;
  targetError: number;
  features: DomainClassifierFeatures;
  trainRows: [number, number];
  testRows: [number, number];
  /** Rows per domain actually used (after subsampling). */
  usedRows: [number, number];
  notes: string[];
}

export function proxyADistance(X: Matrix, Y: Matrix, opts: ProxyADistanceOptions): ProxyADistance {
  assertSameColumns(X, Y);
  if (X.rows < 4 || Y.rows < 4) throw new TransferLabError("EMPTY_DOMAIN", `proxy A-distance needs at least 4 rows per domain, got ${X.rows} and ${Y.rows}`);
  const rng = opts.rng;
  const features = opts.features ?? "rbf";
  const maxPer = opts.maxPerDomain ?? 5000;
  const notes: string[] = [];
  const xs = subsampleRows(X, maxPer, rng), ys = subsampleRows(Y, maxPer, rng);
  if (xs.idx || ys.idx) notes.push(`domain classifier used a random subset of ${maxPer} rows per domain`);
  const [xa, xb] = halves(xs.X.rows, rng), [ya, yb] = halves(ys.X.rows, rng);
  const trainRaw = Matrix.vstack([xs.X.takeRows(xa), ys.X.takeRows(ya)]);
  const std = fitStandardizer(trainRaw);
  let train = std.apply(trainRaw);
  let testS = std.apply(xs.X.takeRows(xb)), testT = std.apply(ys.X.takeRows(yb));
  if (features === "rbf") {
    const D = opts.rffFeatures ?? 256;
    const sigma = medianBandwidth(train.sliceRows(0, xa.length), train.sliceRows(xa.length, train.rows), rng);
    const feats = drawRff({ sigmas: [sigma] }, train.cols, D, rng);
    const map = (A: Matrix): Matrix => {
      const out = new Matrix(A.rows, D);
      kernels().gemm(false, true, A.rows, D, A.cols, 1, A.data, A.cols, feats.omega, A.cols, 0, out.data, D);
      const sc = Math.sqrt(2 / D);
      for (let i = 0; i < A.rows; i++) for (let f = 0; f < D; f++) out.data[i * D + f] = sc * Math.cos(out.data[i * D + f]! + feats.phase[f]!);
      return out;
    };
    train = map(train);
    testS = map(testS);
    testT = map(testT);
  }
  const y = new Int32Array(train.rows);
  y.fill(1, xa.length);
  // Each domain carries the same total weight, so the classifier is not pulled towards the larger domain.
  const w = new Float32Array(train.rows);
  const N = train.rows;
  w.fill(N / (2 * xa.length), 0, xa.length);
  w.fill(N / (2 * ya.length), xa.length);
  const lr = new LogisticRegression({ C: opts.C ?? 1, tol: 1e-4, maxIter: 300 });
  lr.fit(train, y, { sampleWeight: w, numClasses: 2 });
  const errS = countErrors(lr.predict(testS), 0), errT = countErrors(lr.predict(testT), 1);
  const nS = testS.rows, nT = testT.rows;
  const eS = errS / nS, eT = errT / nT;
  const epsilon = (eS + eT) / 2;
  // Agresti–Coull-adjusted normal interval for the mean of two independent proportions.
  const z = normalQuantile(1 - (1 - (opts.level ?? 0.95)) / 2);
  const pS = (errS + 2) / (nS + 4), pT = (errT + 2) / (nT + 4);
  const half = z * Math.sqrt((pS * (1 - pS)) / (nS + 4) + (pT * (1 - pT)) / (nT + 4)) / 2;
  const epsilonCi: [number, number] = [Math.max(0, epsilon - half), Math.min(1, epsilon + half)];
  const value = 2 * (1 - 2 * epsilon);
  if (value < 0) notes.push(`d̂_A = ${value.toFixed(3)} < 0: the domain classifier did worse than chance on held-out rows (ε = ${epsilon.toFixed(3)} > 0.5), i.e. it cannot tell the domains apart; read it as 0`);
  return {
    value, ci: [2 * (1 - 2 * epsilonCi[1]), 2 * (1 - 2 * epsilonCi[0])], epsilon, epsilonCi,
    sourceError: eS, targetError: eT, features,
    trainRows: [xa.length, ya.length], testRows: [nS, nT], usedRows: [xs.X.rows, ys.X.rows], notes,
  };
}

function countErrors(pred: Int32Array, truth: number): number {
  let e = 0;
  for (const p of pred) if (p !== truth) e++;
  return e;
}
