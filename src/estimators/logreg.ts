// Multinomial logistic regression with an L2 penalty, fitted deterministically by L-BFGS in float64.
//
// API
//   const lr = new LogisticRegression({ C: 1, tol: 1e-6, maxIter: 1000 });
//   lr.fit(X, y, { sampleWeight, numClasses });   // X: Matrix n×d (float32), y: Int32Array of 0..k-1
//   lr.predictProba(X)  -> Matrix n×k (rows sum to 1)
//   lr.predict(X)       -> Int32Array (argmax; ties go to the lowest class)
//   lr.decisionFunction(X) -> Float64Array n×k logits (row-major)
//   lr.coef (Float64Array k×d, row-major), lr.intercept (Float64Array k), lr.nIter, lr.converged
//   lr.save() -> EstimatorSnapshot; LogisticRegression.load(snapshot) -> fitted LogisticRegression
//   logisticRegressionFactory(params) -> EstimatorFactory
//
// Objective: the one scikit-learn's default LogisticRegression(solver="lbfgs") minimises for every class count.
//   k ≥ 3 (multinomial): Σ_i s_i · CE(softmax(W x_i + b), y_i) + ‖W‖²_F / (2C), full k-row parametrisation.
//   k = 2 (binary):      Σ_i s_i · log(1 + exp(−ỹ_i (w·x_i + b))) + ‖w‖² / (2C), one weight vector.
//   The intercept is never penalised. The two differ for k = 2: a symmetric 2-row softmax fit (w₀ = −w₁) has
//   penalty ‖w₁ − w₀‖²/(4C), i.e. it is the binary fit at 2C — so k = 2 uses the binary form, stored as the
//   2-row model [0; w], [0; b] (softmax of (0, z) is the sigmoid of z), to give scikit-learn's C exactly.
// Sample weights s_i enter the loss exactly: a weight of 2 equals duplicating the row. Features are used as
// given (no internal scaling): standardise them first when their scales differ.
// Internally the objective is divided by Σ s_i (same minimiser) and the fit stops when the largest absolute
// gradient entry of that scaled objective falls below `tol`.
import { Matrix } from "../core/matrix.js";
import type { Labels } from "../core/domain.js";
import { TransferLabError, invalidParam, shapeMismatch } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import { argmaxRows } from "../engine/index.js";
import { requireBudget } from "../core/budget.js";
import { checkEstimatorParams, checkFitArgs, checkInputs, snapshotState, stateSchema as S } from "./check.js";
import { z } from "zod";
import type { Estimator, EstimatorFactory, EstimatorSnapshot, FitOptions } from "./types.js";

export interface LogisticRegressionParams {
  /** Inverse L2 strength, as in scikit-learn (larger C = weaker penalty). */
  C: number;
  /** Stop when max |gradient| of the weight-normalised objective is below this. */
  tol: number;
  maxIter: number;
  fitIntercept: boolean;
}

const DEFAULTS: LogisticRegressionParams = { C: 1, tol: 1e-6, maxIter: 1000, fitIntercept: true };

/** A saved logistic regression: k × d coefficients and k intercepts, finite. */
const LOGREG_STATE = z.object({ numClasses: S.classes, numFeatures: S.count, coef: z.array(S.f64), intercept: z.array(S.f64), nIter: z.int().min(0), converged: z.boolean() })
  .refine((st) => st.coef.length === st.numClasses * st.numFeatures && st.intercept.length === st.numClasses, "coef must hold numClasses × numFeatures values and intercept numClasses");

export class LogisticRegression implements Estimator {
  readonly name = "logreg";
  readonly supportsSampleWeight = true;
  readonly params: LogisticRegressionParams;
  coef: Float64Array = new Float64Array(0);
  intercept: Float64Array = new Float64Array(0);
  numClasses = 0;
  numFeatures = 0;
  nIter = 0;
  converged = false;

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    checkEstimatorParams("logistic regression", params, DEFAULTS);
    this.params = { ...DEFAULTS, ...params };
    const { C, tol, maxIter } = this.params;
    if (!(C > 0) || !Number.isFinite(C)) throw invalidParam("C", `must be a positive number, got ${C}`);
    if (!(tol > 0)) throw invalidParam("tol", `must be positive, got ${tol}`);
    if (!Number.isInteger(maxIter) || maxIter < 1) throw invalidParam("maxIter", `must be a positive integer, got ${maxIter}`);
  }

  fit(X: Matrix, y: Labels, opts: FitOptions = {}): void {
    checkFitArgs("logistic regression", X, y, opts);
    const n = X.rows, d = X.cols;
    if (y.length !== n) throw shapeMismatch(`X has ${n} rows but y has ${y.length} labels`);
    if (n === 0) throw new TransferLabError("EMPTY_DOMAIN", "cannot fit logistic regression on 0 rows");
    assertFinite(X, "X");
    let k = opts.numClasses ?? 0;
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      if (!Number.isInteger(v) || v < 0) throw new TransferLabError("LABEL_MISMATCH", `label ${v} is not a class index 0..k-1`, { row: i + 1 });
      if (opts.numClasses === undefined && v + 1 > k) k = v + 1;
      if (v >= k) throw new TransferLabError("LABEL_MISMATCH", `label ${v} is outside 0..${k - 1}`, { row: i + 1, param: "numClasses" });
    }
    if (k < 2) throw new TransferLabError("TOO_FEW_LABELS", `logistic regression needs at least 2 classes, got ${k}`, { param: "numClasses" });
    const s = new Float64Array(n);
    if (opts.sampleWeight) {
      if (opts.sampleWeight.length !== n) throw shapeMismatch(`sampleWeight has ${opts.sampleWeight.length} values for ${n} rows`, { param: "sampleWeight" });
      for (let i = 0; i < n; i++) {
        const w = opts.sampleWeight[i]!;
        if (!Number.isFinite(w) || w < 0) throw invalidParam("sampleWeight", `weights must be finite and ≥ 0, got ${w} at row ${i + 1}`);
        s[i] = w;
      }
    } else s.fill(1);
    let sumW = 0;
    for (let i = 0; i < n; i++) sumW += s[i]!;
    if (!(sumW > 0)) throw invalidParam("sampleWeight", "all sample weights are 0");

    // L-BFGS holds ≈ 26 float64 vectors of all weights (10 pairs of curvature vectors, the iterate, its gradient,
    // the trial point and its gradient, the direction, the coefficients): wide data with many classes adds up.
    const weights = (k === 2 ? d : k * d) + (this.params.fitIntercept ? (k === 2 ? 1 : k) : 0);
    requireBudget(opts, 26 * 8 * weights, `logistic regression on ${d} features × ${k} classes (L-BFGS on ${weights} weights)`, "reduce the features first or raise --memory-budget");
    this.numClasses = k;
    this.numFeatures = d;
    if (k === 2) {
      this.fitBinary(X, y, s, sumW, opts.signal);
      return;
    }
    const nW = k * d;
    const nParam = nW + (this.params.fitIntercept ? k : 0);
    const lam = 1 / this.params.C;
    const z = new Float64Array(k);
    const xd = X.data;
    // f(θ) = (Σ s_i CE_i + ‖W‖²/(2C)) / Σ s_i and its gradient.
    const fg = (theta: Float64Array, grad: Float64Array): number => {
      grad.fill(0);
      let loss = 0;
      const fitB = this.params.fitIntercept;
      for (let i = 0; i < n; i++) {
        const si = s[i]!;
        if (si === 0) continue;
        const off = i * d;
        let zmax = -Infinity;
        for (let c = 0; c < k; c++) {
          let a = fitB ? theta[nW + c]! : 0;
          const wc = c * d;
          for (let j = 0; j < d; j++) a += theta[wc + j]! * xd[off + j]!;
          z[c] = a;
          if (a > zmax) zmax = a;
        }
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp(z[c]! - zmax);
          z[c] = e;
          sum += e;
        }
        const yi = y[i]!;
        loss += si * (Math.log(sum) - Math.log(z[yi]!));
        for (let c = 0; c < k; c++) {
          const r = si * (z[c]! / sum - (c === yi ? 1 : 0));
          if (fitB) grad[nW + c]! += r;
          const wc = c * d;
          for (let j = 0; j < d; j++) grad[wc + j]! += r * xd[off + j]!;
        }
      }
      return penalised(loss, theta, grad, nW, lam, sumW);
    };
    const theta = new Float64Array(nParam);
    const res = lbfgs(fg, theta, this.params.tol, this.params.maxIter, opts.signal);
    this.coef = theta.slice(0, nW);
    this.intercept = this.params.fitIntercept ? theta.slice(nW) : new Float64Array(k);
    this.nIter = res.iterations;
    this.converged = res.converged;
  }

  /** k = 2: scikit-learn's binary objective over one weight vector w and intercept b (see the header). */
  private fitBinary(X: Matrix, y: Labels, s: Float64Array, sumW: number, signal?: AbortSignal): void {
    const n = X.rows, d = X.cols, xd = X.data;
    const fitB = this.params.fitIntercept;
    const nParam = d + (fitB ? 1 : 0);
    const lam = 1 / this.params.C;
    const fg = (theta: Float64Array, grad: Float64Array): number => {
      grad.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const si = s[i]!;
        if (si === 0) continue;
        const off = i * d;
        let z = fitB ? theta[d]! : 0;
        for (let j = 0; j < d; j++) z += theta[j]! * xd[off + j]!;
        // log(1 + e^{−m}) with margin m = ±z, computed without overflow.
        const m = y[i] === 1 ? z : -z;
        loss += si * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
        const r = si * (1 / (1 + Math.exp(-z)) - (y[i] === 1 ? 1 : 0));
        if (fitB) grad[d]! += r;
        for (let j = 0; j < d; j++) grad[j]! += r * xd[off + j]!;
      }
      return penalised(loss, theta, grad, d, lam, sumW);
    };
    const theta = new Float64Array(nParam);
    const res = lbfgs(fg, theta, this.params.tol, this.params.maxIter, signal);
    this.coef = new Float64Array(2 * d);
    this.coef.set(theta.subarray(0, d), d);
    this.intercept = Float64Array.of(0, fitB ? theta[d]! : 0);
    this.nIter = res.iterations;
    this.converged = res.converged;
  }

  /** Logits W x + b, n×k row-major, float64. */
  decisionFunction(X: Matrix): Float64Array {
    this.checkFitted(X);
    const n = X.rows, d = X.cols, k = this.numClasses;
    const out = new Float64Array(n * k);
    const xd = X.data, W = this.coef, b = this.intercept;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      for (let c = 0; c < k; c++) {
        let a = b[c]!;
        const wc = c * d;
        for (let j = 0; j < d; j++) a += W[wc + j]! * xd[off + j]!;
        // Extreme inputs or coefficients overflow: a typed error, not NaN probabilities and an arbitrary class.
        if (!Number.isFinite(a)) throw new TransferLabError("NON_FINITE", `logistic regression: the decision value of row ${i + 1} for class ${c} is not finite (extreme inputs or coefficients)`, { row: i + 1 });
        out[i * k + c] = a;
      }
    }
    return out;
  }

  /** Class probabilities in float64 (n×k row-major). */
  predictProba64(X: Matrix): Float64Array {
    const z = this.decisionFunction(X);
    const k = this.numClasses;
    for (let i = 0; i < X.rows; i++) {
      let m = -Infinity;
      for (let c = 0; c < k; c++) m = Math.max(m, z[i * k + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += z[i * k + c] = Math.exp(z[i * k + c]! - m);
      for (let c = 0; c < k; c++) z[i * k + c]! /= sum;
    }
    return z;
  }

  predictProba(X: Matrix): Matrix {
    checkInputs("logistic regression", X);
    return new Matrix(X.rows, this.numClasses, Float32Array.from(this.predictProba64(X)));
  }

  predict(X: Matrix): Labels {
    checkInputs("logistic regression", X);
    return argmaxRows(this.decisionFunction(X), X.rows, this.numClasses);
  }

  save(): EstimatorSnapshot {
    if (this.numClasses === 0) throw new TransferLabError("NOT_FITTED", "logistic regression is not fitted yet");
    return {
      kind: "logreg",
      version: 1,
      params: { ...this.params },
      state: {
        numClasses: this.numClasses, numFeatures: this.numFeatures, coef: Array.from(this.coef),
        intercept: Array.from(this.intercept), nIter: this.nIter, converged: this.converged,
      },
    };
  }

  static load(snap: EstimatorSnapshot): LogisticRegression {
    const st = snapshotState("logreg", 1, snap, LOGREG_STATE);
    const lr = new LogisticRegression(snap.params as Partial<LogisticRegressionParams>);
    lr.numClasses = st.numClasses;
    lr.numFeatures = st.numFeatures;
    lr.coef = Float64Array.from(st.coef);
    lr.intercept = Float64Array.from(st.intercept);
    lr.nIter = st.nIter;
    lr.converged = st.converged;
    return lr;
  }

  private checkFitted(X: Matrix): void {
    if (this.numClasses === 0) throw new TransferLabError("NOT_FITTED", "logistic regression is not fitted yet; call fit first");
    if (X.cols !== this.numFeatures) throw new TransferLabError("FEATURE_MISMATCH", `model was fitted on ${this.numFeatures} features, got ${X.cols}`);
  }
}

/** Adds the L2 penalty λ‖θ[0:nW]‖²/2 (the intercepts after nW are not penalised) to the data loss and its
 *  gradient, then divides both by Σ s_i (same minimiser, a scale-free stopping rule). */
function penalised(loss: number, theta: Float64Array, grad: Float64Array, nW: number, lam: number, sumW: number): number {
  let pen = 0;
  for (let p = 0; p < nW; p++) {
    pen += theta[p]! * theta[p]!;
    grad[p]! += lam * theta[p]!;
  }
  for (let p = 0; p < grad.length; p++) grad[p]! /= sumW;
  return (loss + 0.5 * lam * pen) / sumW;
}

export function logisticRegressionFactory(params: Partial<LogisticRegressionParams> = {}): EstimatorFactory {
  return () => new LogisticRegression(params);
}

interface LbfgsResult {
  iterations: number;
  converged: boolean;
}

/**
 * Limited-memory BFGS (Nocedal & Wright, Alg. 7.4–7.5) with a backtracking Armijo line search; minimises
 * fg in place starting from x. Deterministic. Curvature pairs with sᵀy ≤ 0 are skipped.
 */
function lbfgs(
  fg: (x: Float64Array, g: Float64Array) => number,
  x: Float64Array, tol: number, maxIter: number, signal?: AbortSignal, memory = 10,
): LbfgsResult {
  const n = x.length;
  const g = new Float64Array(n), gNew = new Float64Array(n), dir = new Float64Array(n), xNew = new Float64Array(n);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const alpha = new Float64Array(memory);
  let f = fg(x, g);
  const maxAbs = (v: Float64Array): number => {
    let m = 0;
    for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
    return m;
  };
  if (maxAbs(g) <= tol) return { iterations: 0, converged: true };
  for (let it = 1; it <= maxIter; it++) {
    if (signal?.aborted) throw new TransferLabError("ABORTED", "logistic regression fit was aborted", { param: "signal" });
    // Two-loop recursion: dir = −H g.
    for (let i = 0; i < n; i++) dir[i] = -g[i]!;
    const h = S.length;
    for (let j = h - 1; j >= 0; j--) {
      let a = 0;
      const s = S[j]!, yv = Y[j]!;
      for (let i = 0; i < n; i++) a += s[i]! * dir[i]!;
      a *= rho[j]!;
      alpha[j] = a;
      for (let i = 0; i < n; i++) dir[i]! -= a * yv[i]!;
    }
    if (h > 0) {
      const s = S[h - 1]!, yv = Y[h - 1]!;
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) { sy += s[i]! * yv[i]!; yy += yv[i]! * yv[i]!; }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) dir[i]! *= gamma;
    } else {
      // First step: unit length along the steepest descent.
      let gn = 0;
      for (let i = 0; i < n; i++) gn += g[i]! * g[i]!;
      const sc = 1 / Math.max(1, Math.sqrt(gn));
      for (let i = 0; i < n; i++) dir[i]! *= sc;
    }
    for (let j = 0; j < h; j++) {
      let b = 0;
      const s = S[j]!, yv = Y[j]!;
      for (let i = 0; i < n; i++) b += yv[i]! * dir[i]!;
      b *= rho[j]!;
      for (let i = 0; i < n; i++) dir[i]! += (alpha[j]! - b) * s[i]!;
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i]! * dir[i]!;
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]!;
      slope = 0;
      for (let i = 0; i < n; i++) slope += g[i]! * dir[i]!;
    }
    let step = 1, fNew = f, accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = fg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) { accepted = true; break; }
      step *= 0.5;
    }
    if (!accepted) return { iterations: it, converged: maxAbs(g) <= tol * 10 };
    const s = new Float64Array(n), yv = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      yv[i] = gNew[i]! - g[i]!;
      sy += s[i]! * yv[i]!;
    }
    x.set(xNew);
    g.set(gNew);
    const fOld = f;
    f = fNew;
    if (sy > 1e-300) {
      if (S.length === memory) { S.shift(); Y.shift(); rho.shift(); }
      S.push(s); Y.push(yv); rho.push(1 / sy);
    }
    if (maxAbs(g) <= tol) return { iterations: it, converged: true };
    if (fOld - f <= 1e-16 * Math.max(1, Math.abs(f)) && maxAbs(g) <= tol * 100) return { iterations: it, converged: true };
  }
  return { iterations: maxIter, converged: false };
}
