// C-support vector classifier: libsvm solves the dual — the system libsvm through the native addon when it is
// there, else the WebAssembly build `libsvm-js` (libsvm-backend.ts; same solver, same model); the fitted model
// (support vectors, dual coefficients, rho, Platt parameters) is then read back and evaluated here: kernel rows
// for a block of inputs at once (dot products of inputs and support vectors, both centred on the support vectors'
// mean, by the engine's float32 GEMM; norms, distances, exponentials and the one-vs-one sums in float64). That keeps predict synchronous and fast, makes save/load plain JSON, and frees
// the WASM heap right after training. Conventions follow scikit-learn's SVC: gamma 'scale' / 'auto' / number,
// classes in sorted order, binary decision value > 0 means class 1, ties in one-vs-one voting go to the
// lower class.
import { Matrix } from "../core/matrix.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import type { Labels } from "../core/domain.js";
import { kernels } from "../engine/index.js";
import { checkEstimatorParams, checkFitArgs, checkInputs, snapshotState, stateSchema as S } from "./check.js";
import { z } from "zod";
import type { Estimator, EstimatorSnapshot, FitOptions } from "./types.js";
import { activeSvmBackend, trainLibsvm, type SvmBackend } from "./libsvm-backend.js";
import { sigmoidPredict, sigmoidTrain } from "./platt.js";

export { loadLibsvm, parseLibsvmModel } from "./libsvm-backend.js";

export interface SVCParams {
  kernel: "rbf" | "linear";
  /** Penalty C > 0. */
  C: number;
  /** RBF width: 'scale' = 1/(d·Var(X)), 'auto' = 1/d, or a positive number. */
  gamma: "scale" | "auto" | number;
  /** Fit Platt scaling (libsvm's internal 5-fold CV) so predictProba is available. */
  probability: boolean;
  /** Stopping tolerance of the SMO solver. */
  tol: number;
  shrinking: boolean;
  /** Kernel cache in MB (libsvm allocates it lazily). */
  cacheSizeMB: number;
}

export const SVC_DEFAULTS: SVCParams = { kernel: "rbf", C: 1, gamma: "scale", probability: false, tol: 1e-3, shrinking: true, cacheSizeMB: 100 };

interface SVCState {
  dim: number;
  numClasses: number;
  /** Class index of libsvm's label k (libsvm orders labels by first appearance). */
  libsvmLabels: number[];
  gamma: number;
  nSV: number[];
  /** Support vectors, row-major nSV_total × dim, grouped by libsvm label. */
  sv: number[];
  /** coef[k][i]: libsvm's sv_coef, (nLabels − 1) rows. */
  coef: number[][];
  rho: number[];
  probA?: number[];
  probB?: number[];
  /** Row of each support vector in the training data passed to fit (after resampling, the original row). */
  supportIndices: number[];
  /** Set when the training data held one class only: every prediction is that class. */
  constantClass?: number;
}

/** A saved SVC, checked whole: libsvm's labels are distinct classes, the support vectors fill nSV × dim float32
 *  values, one coefficient row per other label and one rho (and Platt pair) per label pair. */
const SVC_STATE = z.object({
  dim: S.count, numClasses: S.classes, libsvmLabels: z.array(z.int().min(0)).min(1), gamma: S.f64.positive(), nSV: z.array(z.int().min(0)), sv: z.array(S.f32),
  coef: z.array(z.array(S.f64)), rho: z.array(S.f64), probA: z.array(S.f64).optional(), probB: z.array(S.f64).optional(), supportIndices: z.array(z.int().min(0)),
  constantClass: z.int().min(0).optional(),
}).refine((s) => new Set(s.libsvmLabels).size === s.libsvmLabels.length && s.libsvmLabels.every((l) => l < s.numClasses), "libsvmLabels must be distinct classes below numClasses")
  .refine((s) => s.constantClass === undefined || s.constantClass < s.numClasses, "constantClass must be below numClasses")
  .refine((s) => {
    if (s.constantClass !== undefined) return true;
    const L = s.libsvmLabels.length, total = s.nSV.reduce((a, v) => a + v, 0), pairs = (L * (L - 1)) / 2;
    return L >= 2 && s.nSV.length === L && s.sv.length === total * s.dim && s.supportIndices.length === total && s.coef.length === L - 1 && s.coef.every((r) => r.length === total)
      && s.rho.length === pairs && (s.probA === undefined || s.probA.length === pairs) && (s.probB === undefined || s.probB.length === pairs);
  }, "the support vectors, coefficients and rho do not match nSV, dim and the labels");

/** The support vectors centred on their mean μ (float32, for the GEMM), ‖s_c‖², s_c·μ, μ·μ (float64) and
 *  libsvm's dual coefficients transposed. */
interface SupportVectorCache { mu: Float64Array; svC: Float32Array; norm2: Float64Array; svMu: Float64Array; muMu: number; coefT: Float64Array }

// ---- the estimator --------------------------------------------------------------------------------------
export class SVC implements Estimator {
  readonly name = "svc";
  /** Honoured by weighted systematic resampling (libsvm has no per-sample weights); see fit. */
  readonly supportsSampleWeight = true;
  readonly params: SVCParams;
  private state: SVCState | null = null;
  /** Rebuilt lazily from state. */
  private svCache: SupportVectorCache | null = null;
  /** Backend asked for at construction (undefined: TRANSFERLAB_SVM, else the fastest available). */
  private readonly requestedBackend: SvmBackend | undefined;
  /** Backend the last fit trained with (null before a fit, or when one class needed no solver). */
  backendUsed: SvmBackend | null = null;

  constructor(params: Partial<SVCParams> = {}, options: { backend?: SvmBackend } = {}) {
    checkEstimatorParams("SVC", params, SVC_DEFAULTS);
    this.requestedBackend = options.backend;
    const p = { ...SVC_DEFAULTS, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as SVCParams;
    if (p.kernel !== "rbf" && p.kernel !== "linear") throw invalidParam("kernel", `must be 'rbf' or 'linear', got ${String(p.kernel)}`);
    if (!(p.C > 0) || !Number.isFinite(p.C)) throw invalidParam("C", `must be a positive number, got ${p.C}`);
    if (typeof p.gamma === "number" ? !(p.gamma > 0) || !Number.isFinite(p.gamma) : p.gamma !== "scale" && p.gamma !== "auto") {
      throw invalidParam("gamma", `must be 'scale', 'auto' or a positive number, got ${String(p.gamma)}`);
    }
    if (!(p.tol > 0)) throw invalidParam("tol", `must be positive, got ${p.tol}`);
    this.params = p;
  }

  /**
   * Trains with libsvm. `sampleWeight` is honoured by systematic resampling: n rows are drawn with
   * expected counts n·w_i/Σw (one random offset from opts.rng, default seed 0), so a weight-2 row appears
   * about twice. This approximates libsvm's per-sample C_i = C·w_i; it is exact in expectation only.
   */
  async fit(X: Matrix, y: Labels, opts: FitOptions = {}): Promise<void> {
    checkFitArgs("SVC", X, y, opts);
    if (X.rows !== y.length) throw new TransferLabError("SHAPE_MISMATCH", `X has ${X.rows} rows but y has ${y.length} labels`);
    if (X.rows === 0) throw new TransferLabError("EMPTY_DOMAIN", "cannot fit an SVC on zero rows");
    assertFinite(X, "SVC training data");
    let rows: Int32Array = Int32Array.from({ length: X.rows }, (_, i) => i);
    if (opts.sampleWeight) rows = systematicResample(opts.sampleWeight, X.rows, opts.rng ?? new Rng(0));
    let maxLabel = -1;
    const present = new Set<number>();
    for (const i of rows) {
      const c = y[i]!;
      if (!Number.isInteger(c) || c < 0) throw new TransferLabError("LABEL_MISMATCH", `labels must be integers ≥ 0, got ${c}`, { row: i + 1 });
      present.add(c);
      if (c > maxLabel) maxLabel = c;
    }
    const numClasses = Math.max(opts.numClasses ?? 0, maxLabel + 1);
    const gamma = this.resolveGamma(X);
    if (present.size < 2) {
      // scikit-learn refuses one class; a constant predictor is the honest model here, flagged in state.
      this.svCache = null;
      this.state = { dim: X.cols, numClasses, libsvmLabels: [...present], gamma, nSV: [], sv: [], coef: [], rho: [], supportIndices: [], constantClass: [...present][0]! };
      this.backendUsed = null;
      return;
    }
    this.svCache = null;
    const backend = this.requestedBackend ?? activeSvmBackend();
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "SVC fit aborted", { param: "signal" });
    const p = this.params;
    const model = await trainLibsvm(X, rows, y, { kernel: p.kernel, C: p.C, gamma, tol: p.tol, shrinking: p.shrinking, cacheSizeMB: p.cacheSizeMB, probability: p.probability }, backend);
    // Exact coordinates from the training rows.
    const sv: number[] = [];
    for (const k of model.svIndices) for (let j = 0, o = rows[k]! * X.cols; j < X.cols; j++) sv.push(X.data[o + j]!);
    this.state = {
      dim: X.cols, numClasses, libsvmLabels: model.labels, gamma, nSV: model.nSV, sv, coef: model.coef, rho: model.rho,
      probA: model.probA, probB: model.probB, supportIndices: model.svIndices.map((k) => rows[k]!),
    };
    this.backendUsed = backend;
  }

  private resolveGamma(X: Matrix): number {
    const g = this.params.gamma;
    if (typeof g === "number") return g;
    if (g === "auto") return 1 / X.cols;
    let mean = 0;
    for (const v of X.data) mean += v;
    mean /= X.data.length;
    let v2 = 0;
    for (const v of X.data) v2 += (v - mean) ** 2;
    const variance = v2 / X.data.length;
    return variance > 0 ? 1 / (X.cols * variance) : 1;
  }

  private fitted(): SVCState {
    if (!this.state) throw new TransferLabError("NOT_FITTED", "SVC is not fitted", {}, "call fit() first");
    return this.state;
  }

  /** The gamma actually used (after resolving 'scale' / 'auto'). */
  get gamma(): number {
    return this.fitted().gamma;
  }

  /** Number of support vectors per class, classes in sorted order (scikit-learn's n_support_). */
  get nSupport(): number[] {
    const s = this.fitted();
    const out = new Array<number>(s.numClasses).fill(0);
    s.libsvmLabels.forEach((c, k) => (out[c] = s.nSV[k] ?? 0));
    return out;
  }

  /** Training rows that are support vectors, grouped by class in sorted order (scikit-learn's support_). */
  get supportIndices(): number[] {
    const s = this.fitted();
    const starts = starts_(s.nSV);
    const order = [...s.libsvmLabels.keys()].sort((a, b) => s.libsvmLabels[a]! - s.libsvmLabels[b]!);
    return order.flatMap((k) => s.supportIndices.slice(starts[k]!, starts[k]! + s.nSV[k]!));
  }

  /** One-vs-one intercepts in scikit-learn's convention (binary: one value, sign such that > 0 favours class 1). */
  get intercept(): number[] {
    const s = this.fitted();
    const pairs = sortedPairs(s);
    // scikit-learn: intercept_ = −rho per pair, sign flipped in the binary case.
    return pairs.map(({ p, flip }) => (s.libsvmLabels.length === 2 ? 1 : -1) * (flip ? -1 : 1) * s.rho[p]!);
  }

  /**
   * Decision values in scikit-learn's convention: binary → n×1, > 0 means the larger class;
   * multiclass → n × k(k−1)/2 one-vs-one values for pairs (a < b) in order, > 0 means class a.
   */
  decisionFunction(X: Matrix): Matrix {
    const s = this.fitted();
    this.checkInput(X);
    const L = s.libsvmLabels.length;
    if (s.constantClass !== undefined) return new Matrix(X.rows, 1);
    const pairs = sortedPairs(s);
    const out = new Matrix(X.rows, pairs.length);
    this.forEachDecision(X, (i, dec) => {
      for (let q = 0; q < pairs.length; q++) {
        const v = pairs[q]!.flip ? -dec[pairs[q]!.p]! : dec[pairs[q]!.p]!;
        out.data[i * pairs.length + q] = L === 2 ? -v : v;
      }
    });
    return out;
  }

  /**
   * libsvm's svm_predict_values for every row of X: calls visit(row, dec) with dec[p] for its pairs
   * (i < j in its label order), > 0 favouring label i. Rows go in blocks: one GEMM gives x·s for the block
   * and every support vector, then ‖x − s‖² = ‖x‖² + ‖s‖² − 2x·s, the kernel and the pair sums in float64.
   */
  private forEachDecision(X: Matrix, visit: (row: number, dec: Float64Array) => void): void {
    const s = this.state!;
    const d = s.dim, L = s.libsvmLabels.length;
    const nTotal = s.nSV.reduce((a, b) => a + b, 0);
    const { mu, svC, norm2, svMu, muMu, coefT } = this.supportVectors();
    const rbf = this.params.kernel === "rbf";
    const start = Int32Array.from([...starts_(s.nSV), nTotal]);
    const rho = Float64Array.from(s.rho);
    const part = new Float64Array(L * (L - 1));
    const dec = new Float64Array((L * (L - 1)) / 2);
    // ~1 MB of kernel values per block.
    const block = Math.max(1, Math.min(X.rows, Math.floor((1 << 18) / Math.max(1, nTotal))));
    const dots = new Float32Array(block * nTotal);
    const xc = new Float32Array(block * d);
    const kv = new Float64Array(nTotal);
    const gemm = kernels();
    for (let r0 = 0; r0 < X.rows; r0 += block) {
      const b = Math.min(block, X.rows - r0);
      // Inputs centred on the support vectors' mean, as the support vectors are: the float32 products then carry
      // the spread of the data, not its offset (features around 1e6 would otherwise lose every digit of x·s).
      for (let r = 0; r < b; r++) for (let j = 0; j < d; j++) xc[r * d + j] = X.data[(r0 + r) * d + j]! - mu[j]!;
      if (d > 0) gemm.gemm(false, true, b, nTotal, d, 1, xc, d, svC, d, 0, dots, nTotal);
      else dots.fill(0);
      for (let r = 0; r < b; r++) {
        const off = r * nTotal;
        // ‖x_c‖² from the float32 values the GEMM saw (so x = s gives distance 0); x_c·μ from the exact x − μ.
        let xx = 0, xMu = 0;
        for (let j = 0; j < d; j++) { const v = xc[r * d + j]!; xx += v * v; xMu += (X.data[(r0 + r) * d + j]! - mu[j]!) * mu[j]!; }
        if (rbf) {
          // ‖x − s‖² = ‖x_c‖² + ‖s_c‖² − 2·x_c·s_c (centring leaves distances unchanged).
          for (let k = 0; k < nTotal; k++) kv[k] = Math.exp(-s.gamma * Math.max(0, xx + norm2[k]! - 2 * dots[off + k]!));
        } else {
          // x·s = x_c·s_c + x_c·μ + s_c·μ + μ·μ.
          for (let k = 0; k < nTotal; k++) kv[k] = dots[off + k]! + xMu + svMu[k]! + muMu;
        }
        // part[i·(L−1) + c] = Σ over class i's support vectors k of sv_coef[c][k] · K(x, s_k) (libsvm's layout).
        part.fill(0);
        for (let i = 0; i < L; i++) {
          const base = i * (L - 1);
          for (let k = start[i]!, e = start[i + 1]!; k < e; k++) {
            const v = kv[k]!;
            for (let c = 0, o = k * (L - 1); c < L - 1; c++) part[base + c]! += coefT[o + c]! * v;
          }
        }
        let p = 0;
        for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) dec[p] = part[i * (L - 1) + j - 1]! + part[j * (L - 1) + i]! - rho[p++]!;
        visit(r0 + r, dec);
      }
    }
  }

  private supportVectors(): SupportVectorCache {
    if (this.svCache) return this.svCache;
    const s = this.state!;
    const d = s.dim;
    const n = s.nSV.reduce((a, b) => a + b, 0);
    const mu = new Float64Array(d);
    for (let k = 0; k < n; k++) for (let j = 0; j < d; j++) mu[j]! += s.sv[k * d + j]!;
    if (n > 0) for (let j = 0; j < d; j++) mu[j]! /= n;
    const svC = new Float32Array(n * d);
    const norm2 = new Float64Array(n), svMu = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let t = 0, u = 0;
      for (let j = 0; j < d; j++) {
        const e = s.sv[k * d + j]! - mu[j]!, v = Math.fround(e); // v: the value the GEMM sees
        svC[k * d + j] = v;
        t += v * v;
        u += e * mu[j]!;
      }
      norm2[k] = t;
      svMu[k] = u;
    }
    let muMu = 0;
    for (let j = 0; j < d; j++) muMu += mu[j]! * mu[j]!;
    // libsvm's sv_coef transposed: nTotal × (L − 1), one support vector's coefficients together.
    const m = s.coef.length;
    const coefT = new Float64Array(n * m);
    for (let c = 0; c < m; c++) for (let k = 0; k < n; k++) coefT[k * m + c] = s.coef[c]![k]!;
    this.svCache = { mu, svC, norm2, svMu, muMu, coefT };
    return this.svCache;
  }

  predict(X: Matrix): Labels {
    checkInputs("SVC", X);
    const s = this.fitted();
    this.checkInput(X);
    const out = new Int32Array(X.rows);
    if (s.constantClass !== undefined) return out.fill(s.constantClass);
    const L = s.libsvmLabels.length;
    const sorted = [...s.libsvmLabels].sort((a, b) => a - b);
    const rank = new Map(sorted.map((c, r) => [c, r]));
    const votes = new Int32Array(L);
    this.forEachDecision(X, (r, dec) => {
      votes.fill(0);
      let p = 0;
      for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) votes[rank.get(dec[p++]! > 0 ? s.libsvmLabels[i]! : s.libsvmLabels[j]!)!]!++;
      let best = 0;
      for (let k = 1; k < L; k++) if (votes[k]! > votes[best]!) best = k; // ties → lower class, as scikit-learn
      out[r] = sorted[best]!;
    });
    return out;
  }

  /** Platt-scaled probabilities (libsvm's sigmoid + pairwise coupling); needs `probability: true`. */
  predictProba(X: Matrix): Matrix {
    checkInputs("SVC", X);
    const s = this.fitted();
    this.checkInput(X);
    const out = new Matrix(X.rows, s.numClasses);
    if (s.constantClass !== undefined) {
      for (let i = 0; i < X.rows; i++) out.data[i * s.numClasses + s.constantClass] = 1;
      return out;
    }
    if (!s.probA || !s.probB) {
      throw new TransferLabError("UNSUPPORTED", "this SVC was fitted without probability estimates", { param: "probability" }, "construct it with { probability: true }");
    }
    const { probA, probB } = s;
    const L = s.libsvmLabels.length;
    const r = Array.from({ length: L }, () => new Float64Array(L));
    const p = new Float64Array(L);
    this.forEachDecision(X, (row, dec) => {
      let q = 0;
      for (let i = 0; i < L; i++) {
        for (let j = i + 1; j < L; j++, q++) {
          const v = Math.min(Math.max(sigmoidPredict(dec[q]!, probA[q]!, probB[q]!), 1e-7), 1 - 1e-7);
          r[i]![j] = v;
          r[j]![i] = 1 - v;
        }
      }
      if (L === 2) {
        p[0] = r[0]![1]!;
        p[1] = r[1]![0]!;
      } else multiclassProbability(L, r, p);
      for (let k = 0; k < L; k++) out.data[row * s.numClasses + s.libsvmLabels[k]!] = p[k]!;
    });
    return out;
  }

  private checkInput(X: Matrix): void {
    const s = this.state!;
    if (X.cols !== s.dim) throw new TransferLabError("FEATURE_MISMATCH", `SVC was fitted on ${s.dim} features but got ${X.cols}`);
  }

  withProbabilities(): SVC {
    return new SVC({ ...this.params, probability: true }, { backend: this.requestedBackend });
  }

  /**
   * A copy whose predictProba is Platt-scaled on held-out rows (X, y) instead of libsvm's internal 5-fold CV
   * (`probability: true`, which costs about 4.5 more fits): per class pair, the sigmoid of libsvm's pair decision
   * value fitted on the held-out rows of those two classes, then the same pairwise coupling. Predictions are
   * unchanged (the decision function is the same model's).
   */
  calibrated(X: Matrix, y: Labels): SVC {
    const s = this.fitted();
    this.checkInput(X);
    if (y.length !== X.rows) throw new TransferLabError("SHAPE_MISMATCH", `calibration rows: ${X.rows} inputs but ${y.length} labels`);
    const copy = new SVC({ ...this.params }, { backend: this.requestedBackend });
    copy.state = structuredClone(s);
    if (s.constantClass !== undefined) return copy;
    const L = s.libsvmLabels.length, P = (L * (L - 1)) / 2;
    const decs = new Float64Array(X.rows * P);
    this.forEachDecision(X, (row, dec) => decs.set(dec, row * P));
    const probA: number[] = [], probB: number[] = [];
    let p = 0;
    for (let i = 0; i < L; i++) {
      for (let j = i + 1; j < L; j++, p++) {
        const f: number[] = [], pos: boolean[] = [];
        for (let r = 0; r < X.rows; r++) {
          if (y[r] !== s.libsvmLabels[i] && y[r] !== s.libsvmLabels[j]) continue;
          f.push(decs[r * P + p]!);
          pos.push(y[r] === s.libsvmLabels[i]); // libsvm: dec > 0 favours its label i, the sigmoid's positive class
        }
        const { A, B } = sigmoidTrain(f, pos);
        probA.push(A);
        probB.push(B);
      }
    }
    copy.state.probA = probA;
    copy.state.probB = probB;
    return copy;
  }

  save(): EstimatorSnapshot {
    return { kind: "svc", version: 1, params: { ...this.params }, state: structuredClone(this.fitted()) };
  }

  static load(snapshot: EstimatorSnapshot): SVC {
    const state = snapshotState("svc", 1, snapshot, SVC_STATE);
    const svc = new SVC(snapshot.params as Partial<SVCParams>);
    svc.state = structuredClone(state) as SVCState;
    return svc;
  }
}

// ---- helpers ---------------------------------------------------------------------------------------------
function starts_(nSV: number[]): number[] {
  const out = [0];
  for (let k = 1; k < nSV.length; k++) out.push(out[k - 1]! + nSV[k - 1]!);
  return out;
}

/** For each class pair (a < b, sorted), libsvm's pair index p and whether libsvm has them as (b, a). */
function sortedPairs(s: SVCState): { p: number; flip: boolean }[] {
  const L = s.libsvmLabels.length;
  const index = new Map<string, number>();
  let p = 0;
  for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) index.set(`${s.libsvmLabels[i]},${s.libsvmLabels[j]}`, p++);
  const sorted = [...s.libsvmLabels].sort((a, b) => a - b);
  const out: { p: number; flip: boolean }[] = [];
  for (let a = 0; a < L; a++) {
    for (let b = a + 1; b < L; b++) {
      const fwd = index.get(`${sorted[a]},${sorted[b]}`);
      out.push(fwd !== undefined ? { p: fwd, flip: false } : { p: index.get(`${sorted[b]},${sorted[a]}`)!, flip: true });
    }
  }
  return out;
}

/** Pairwise coupling (Wu, Lin & Weng 2004, method 2), as libsvm's multiclass_probability. */
function multiclassProbability(k: number, r: Float64Array[], p: Float64Array): void {
  const Q = Array.from({ length: k }, () => new Float64Array(k));
  const Qp = new Float64Array(k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    p[t] = 1 / k;
    Q[t]![t] = 0;
    for (let j = 0; j < t; j++) {
      Q[t]![t]! += r[j]![t]! * r[j]![t]!;
      Q[t]![j] = Q[j]![t]!;
    }
    for (let j = t + 1; j < k; j++) {
      Q[t]![t]! += r[j]![t]! * r[j]![t]!;
      Q[t]![j] = -r[j]![t]! * r[t]![j]!;
    }
  }
  for (let iter = 0; iter < Math.max(100, k); iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t]! += Q[t]![j]! * p[j]!;
      pQp += p[t]! * Qp[t]!;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(Qp[t]! - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t]! + pQp) / Q[t]![t]!;
      p[t]! += diff;
      pQp = (pQp + diff * (diff * Q[t]![t]! + 2 * Qp[t]!)) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j]! + diff * Q[t]![j]!) / (1 + diff);
        p[j]! /= 1 + diff;
      }
    }
  }
}

/** n indices with expected counts n·w_i/Σw, one uniform offset (systematic resampling: lowest variance). */
function systematicResample(w: Float32Array, n: number, rng: Rng): Int32Array {
  if (w.length !== n) throw new TransferLabError("SHAPE_MISMATCH", `sampleWeight has ${w.length} values for ${n} rows`, { param: "sampleWeight" });
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v) || v < 0) throw new TransferLabError("INVALID_PARAMETER", `sample weights must be finite and ≥ 0, got ${v}`, { param: "sampleWeight", row: i + 1 });
    total += v;
  }
  if (!(total > 0)) throw new TransferLabError("INVALID_PARAMETER", "sample weights sum to 0", { param: "sampleWeight" });
  const out = new Int32Array(n);
  const step = total / n;
  let u = rng.uniform() * step, cum = 0, k = 0;
  for (let i = 0; i < n && k < n; i++) {
    cum += w[i]!;
    while (k < n && u < cum) {
      out[k++] = i;
      u += step;
    }
  }
  for (; k < n; k++) out[k] = out[k - 1]!; // floating-point slack at the very end
  return out;
}
