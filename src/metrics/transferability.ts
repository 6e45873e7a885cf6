// Transferability of a representation to a target task, from a few labelled target rows. Higher is better for
// all three; they rank candidate sources or models for the same target, they are not probabilities.
//   LogME  (You et al., "LogME: Practical Assessment of Pre-trained Models for Transfer Learning", ICML 2021):
//          the log marginal likelihood (evidence) per sample of a Bayesian linear regression from the features
//          to each one-hot label column, with the prior precision α and noise precision β set by the paper's
//          fixed-point iteration; averaged over classes. Scale: roughly −2 (useless) … positive (good).
//   LEEP   (Nguyen et al., "LEEP: A New Measure to Evaluate Transferability of Learned Representations",
//          ICML 2020): the mean log-likelihood of target labels under the "expected empirical predictor" built
//          from a source model's class probabilities; ≤ 0, closer to 0 is better.
//   H-score (Bao et al., "An Information-Theoretic Approach to Transferability in Task Transfer Learning",
//          ICIP 2019): tr(cov(f)⁻¹ cov(E[f|y])), how much of the feature variance separates the classes;
//          between 0 and min(d, k − 1).
import { Matrix as MlMatrix, EigenvalueDecomposition } from "ml-matrix";
import { Matrix } from "../core/matrix.js";
import { covariance } from "../engine/index.js";
import { covariance as covariance64 } from "../core/linalg.js";
import type { Labels } from "../core/domain.js";
import { TransferLabError, shapeMismatch } from "../core/errors.js";

function checkLabels(F: Matrix, y: Labels, what: string): number {
  if (y.length !== F.rows) throw shapeMismatch(`${what}: ${F.rows} rows but ${y.length} labels`);
  if (F.rows < 2) throw new TransferLabError("TOO_FEW_LABELS", `${what} needs at least 2 labelled rows`);
  let k = 0;
  for (const v of y) {
    if (v < 0) throw new TransferLabError("LABEL_MISMATCH", `${what}: negative label ${v}`);
    k = Math.max(k, v + 1);
  }
  return k;
}

/** FᵀF (float64, d×d). */
function gram(F: Matrix): number[][] {
  const n = F.rows, d = F.cols;
  const G = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const va = F.data[o + a]!;
      if (va === 0) continue;
      const row = G[a]!;
      for (let b = a; b < d; b++) row[b]! += va * F.data[o + b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) G[a]![b] = G[b]![a]!;
  return G;
}

function symEig(S: number[][]): { values: number[]; vectors: MlMatrix } {
  const e = new EigenvalueDecomposition(new MlMatrix(S), { assumeSymmetric: true });
  return { values: e.realEigenvalues.map((v) => Math.max(0, v)), vectors: e.eigenvectorMatrix };
}

export interface LogMeResult {
  value: number;
  /** Per-class evidence / n, and the fitted α, β. */
  perClass: Array<{ evidence: number; alpha: number; beta: number; iterations: number }>;
}

/**
 * LogME. One eigendecomposition FᵀF = V diag(s) Vᵀ serves every class: with z = VᵀFᵀy,
 *   mᵀm = Σ (β z_i/(α+βs_i))²,  ‖Fm − y‖² = ‖y‖² − 2Σ β z_i²/(α+βs_i) + Σ s_i (β z_i/(α+βs_i))²,
 *   log|αI + βFᵀF| = Σ log(α + βs_i).
 * The fixed point (α ← γ/mᵀm, β ← (n − γ)/‖Fm − y‖², γ = Σ βs_i/(α+βs_i)) starts at α = β = 1 and stops when
 * both change by less than `tol` relatively.
 */
export function logME(F: Matrix, y: Labels, tol = 1e-10, maxIter = 1000): LogMeResult {
  const k = checkLabels(F, y, "LogME");
  const n = F.rows, d = F.cols;
  const { values: s, vectors: V } = symEig(gram(F));
  const perClass: LogMeResult["perClass"] = [];
  for (let c = 0; c < k; c++) {
    // Fᵀy for the one-hot column of class c, then z = Vᵀ(Fᵀy).
    const fty = new Float64Array(d);
    let yy = 0;
    for (let i = 0; i < n; i++) {
      if (y[i] !== c) continue;
      yy += 1;
      for (let j = 0; j < d; j++) fty[j]! += F.data[i * d + j]!;
    }
    const z = new Float64Array(d);
    for (let a = 0; a < d; a++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += V.get(j, a) * fty[j]!;
      z[a] = t;
    }
    const stats = (alpha: number, beta: number) => {
      let mm = 0, cross = 0, quad = 0, gamma = 0, logdet = 0;
      for (let a = 0; a < d; a++) {
        const den = alpha + beta * s[a]!;
        const ma = (beta * z[a]!) / den;
        mm += ma * ma;
        cross += (beta * z[a]! * z[a]!) / den;
        quad += s[a]! * ma * ma;
        gamma += (beta * s[a]!) / den;
        logdet += Math.log(den);
      }
      const res = Math.max(yy - 2 * cross + quad, 1e-300);
      return { mm, res, gamma, logdet };
    };
    let alpha = 1, beta = 1, it = 0;
    for (; it < maxIter; it++) {
      const st = stats(alpha, beta);
      const a2 = st.gamma / Math.max(st.mm, 1e-300);
      const b2 = (n - st.gamma) / st.res;
      const done = Math.abs(a2 - alpha) <= tol * alpha && Math.abs(b2 - beta) <= tol * beta;
      alpha = a2;
      beta = b2;
      if (done) break;
    }
    const st = stats(alpha, beta);
    const evidence = (n / 2) * Math.log(beta) + (d / 2) * Math.log(alpha) - (n / 2) * Math.log(2 * Math.PI)
      - (beta / 2) * st.res - (alpha / 2) * st.mm - 0.5 * st.logdet;
    perClass.push({ evidence: evidence / n, alpha, beta, iterations: it + 1 });
  }
  return { value: perClass.reduce((a, p) => a + p.evidence, 0) / k, perClass };
}

/**
 * LEEP from source-model probabilities θ (n × Z, rows sum to 1) and target labels:
 * P̂(y, z) = (1/n) Σ_i θ_iz [y_i = y],  P̂(y|z) = P̂(y, z)/Σ_y P̂(y, z),  LEEP = (1/n) Σ_i log Σ_z P̂(y_i|z) θ_iz.
 */
export function leep(sourceProba: Matrix, y: Labels): number {
  const k = checkLabels(sourceProba, y, "LEEP");
  const n = sourceProba.rows, Z = sourceProba.cols;
  const joint = new Float64Array(k * Z), pz = new Float64Array(Z);
  for (let i = 0; i < n; i++) for (let z = 0; z < Z; z++) {
    const t = sourceProba.data[i * Z + z]!;
    if (!(t >= 0)) throw new TransferLabError("NON_FINITE", `LEEP: source probability ${t} at row ${i + 1}`, { row: i + 1, column: z + 1 });
    joint[y[i]! * Z + z]! += t / n;
    pz[z]! += t / n;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let z = 0; z < Z; z++) if (pz[z]! > 0) s += (joint[y[i]! * Z + z]! / pz[z]!) * sourceProba.data[i * Z + z]!;
    total += Math.log(s);
  }
  return total / n;
}

/**
 * H-score with population covariances (ddof 0): cov(f) of the rows, cov(E[f|y]) of the class means weighted by
 * their counts; cov(f)⁻¹ is the pseudo-inverse (eigenvalues below rcond·max dropped). cov(f) is inverted, so it is
 * summed in float64 (core): with the engine's float32 products, the zero eigenvalues of a rank-deficient cov(f)
 * (d > n, e.g. few labelled target rows of wide data) come out near 1e-7·max, pass rcond and blow the score past
 * its bound min(d, k − 1). cov(E[f|y]) is only multiplied, so the engine's serves.
 */
export function hScore(F: Matrix, y: Labels, rcond = 1e-15): number {
  const k = checkLabels(F, y, "H-score");
  const n = F.rows, d = F.cols;
  const cm = new Float64Array(k * d), cnt = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    cnt[y[i]!]! += 1;
    for (let j = 0; j < d; j++) cm[y[i]! * d + j]! += F.data[i * d + j]!;
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) if (cnt[c]! > 0) cm[c * d + j]! /= cnt[c]!;
  const rows = (C: Float64Array): number[][] => Array.from({ length: d }, (_, a) => Array.from(C.subarray(a * d, (a + 1) * d)));
  const covF = rows(covariance64(F, 0).data);
  const covG = rows(covariance(new Matrix(k, d, Float32Array.from(cm)), { ddof: 0, weights: cnt }).data);
  const { values, vectors } = symEig(covF);
  // scipy's pinvh cutoff, d·eps·max|λ|, unless rcond asks for more: an eigendecomposition of a d×d matrix is only
  // good to about that, so smaller eigenvalues of a singular cov(f) are noise (at d = 784 they inverted to −1e5).
  const cut = Math.max(rcond, d * Number.EPSILON) * Math.max(...values.map(Math.abs));
  let h = 0;
  for (let e = 0; e < d; e++) {
    if (values[e]! <= cut) continue;
    let q = 0;
    for (let a = 0; a < d; a++) {
      const va = vectors.get(a, e);
      for (let b = 0; b < d; b++) q += va * covG[a]![b]! * vectors.get(b, e);
    }
    h += q / values[e]!;
  }
  return h;
}
