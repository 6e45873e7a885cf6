// k-nearest neighbours classifier (Euclidean). Sample weights are honoured exactly: each neighbour votes with
// its weight, and rows of weight 0 are dropped (they carry no mass). Ties in distance are broken by row order,
// ties in votes by the smallest class index (as scikit-learn's argmax does).
import { Matrix } from "../core/matrix.js";
import type { Labels } from "../core/domain.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import { kernels } from "../engine/index.js";
import { checkEstimatorParams, checkFitArgs, checkInputs, snapshotState, stateSchema as S } from "./check.js";
import { z } from "zod";
import type { Estimator, EstimatorSnapshot, FitOptions } from "./types.js";

export interface KnnParams {
  /** Number of neighbours (default 5, as scikit-learn). */
  k: number;
  /** "uniform": every neighbour votes with its sample weight; "distance": also divided by its distance. */
  weighting: "uniform" | "distance";
}

export const KNN_DEFAULTS: KnnParams = { k: 5, weighting: "uniform" };

/** A saved kNN: its training rows (float32), their labels below `classes` and their positive weights. */
const KNN_STATE = z.object({ rows: S.count, cols: S.count, X: z.array(S.f32), y: z.array(z.int().min(0)), w: z.array(S.f32.positive()), classes: S.classes })
  .refine((st) => st.X.length === st.rows * st.cols, "X must hold rows × cols values")
  .refine((st) => st.y.length === st.rows && st.w.length === st.rows, "y and w need one entry per row")
  .refine((st) => st.y.every((v) => v < st.classes), "every label must be below classes");

/** Test rows per distance block: bounds the n_test × n_train distance buffer. */
const BLOCK = 256;

export class KnnClassifier implements Estimator {
  readonly name = "knn";
  readonly supportsSampleWeight = true;
  readonly params: KnnParams;
  private X: Matrix | null = null;
  private y: Labels | null = null;
  private w: Float64Array | null = null;
  private classes = 0;

  constructor(params: Partial<KnnParams> = {}) {
    checkEstimatorParams("knn", params, KNN_DEFAULTS);
    this.params = { ...KNN_DEFAULTS, ...params };
    if (!Number.isInteger(this.params.k) || this.params.k < 1) throw invalidParam("k", `k must be a positive integer, got ${this.params.k}`);
    if (this.params.weighting !== "uniform" && this.params.weighting !== "distance") throw invalidParam("weighting", `must be uniform or distance, got ${String(this.params.weighting)}`);
  }

  fit(X: Matrix, y: Labels, opts: FitOptions = {}): void {
    checkFitArgs("knn", X, y, opts);
    if (X.rows !== y.length) throw new TransferLabError("SHAPE_MISMATCH", `knn: ${X.rows} rows but ${y.length} labels`);
    if (X.rows === 0) throw new TransferLabError("TOO_FEW_LABELS", "knn: no training rows");
    assertFinite(X, "knn training inputs");
    const sw = opts.sampleWeight;
    if (sw && sw.length !== X.rows) throw new TransferLabError("SHAPE_MISMATCH", `knn: ${sw.length} sample weights for ${X.rows} rows`, { param: "sampleWeight" });
    const keep: number[] = [];
    for (let i = 0; i < X.rows; i++) {
      const wi = sw ? sw[i]! : 1;
      if (!Number.isFinite(wi) || wi < 0) throw new TransferLabError("INVALID_PARAMETER", `knn: sample weight ${wi} at row ${i + 1}`, { param: "sampleWeight", row: i + 1 });
      if (wi > 0) keep.push(i);
    }
    if (keep.length === 0) throw new TransferLabError("INVALID_PARAMETER", "knn: every sample weight is 0", { param: "sampleWeight" });
    let k = opts.numClasses ?? 0;
    for (const v of y) if (v + 1 > k) k = v + 1;
    this.classes = k;
    this.X = X.takeRows(keep);
    this.y = Int32Array.from(keep, (i) => y[i]!);
    this.w = Float64Array.from(keep, (i) => (sw ? sw[i]! : 1));
  }

  predictProba(Xq: Matrix): Matrix {
    checkInputs("knn", Xq);
    const { X, y, w } = this.fitted();
    if (Xq.cols !== X.cols) throw new TransferLabError("FEATURE_MISMATCH", `knn was fitted on ${X.cols} features, got ${Xq.cols}`);
    const n = X.rows, k = Math.min(this.params.k, n), C = this.classes;
    const out = new Matrix(Xq.rows, C);
    const dist = new Float32Array(Math.min(BLOCK, Xq.rows) * n);
    const kern = kernels();
    for (let start = 0; start < Xq.rows; start += BLOCK) {
      const m = Math.min(BLOCK, Xq.rows - start);
      kern.sqdist(Xq.data.subarray(start * Xq.cols, (start + m) * Xq.cols), m, X.data, n, X.cols, dist);
      for (let r = 0; r < m; r++) {
        const d = dist.subarray(r * n, (r + 1) * n);
        const nn = smallestK(d, k);
        const row = out.data.subarray((start + r) * C, (start + r + 1) * C);
        const votes = new Float64Array(C);
        let exact = false;
        if (this.params.weighting === "distance") {
          // As scikit-learn: a query that coincides with training points takes only their votes.
          for (const j of nn) if (d[j] === 0) { exact = true; votes[y[j]!]! += w[j]!; }
        }
        if (!exact) for (const j of nn) votes[y[j]!]! += this.params.weighting === "distance" ? w[j]! / Math.sqrt(d[j]!) : w[j]!;
        let tot = 0;
        for (let c = 0; c < C; c++) tot += votes[c]!;
        for (let c = 0; c < C; c++) row[c] = votes[c]! / tot;
      }
    }
    return out;
  }

  predict(Xq: Matrix): Labels {
    checkInputs("knn", Xq);
    const P = this.predictProba(Xq);
    const C = P.cols;
    const out = new Int32Array(Xq.rows);
    for (let i = 0; i < Xq.rows; i++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (P.data[i * C + c]! > P.data[i * C + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  save(): EstimatorSnapshot {
    const { X, y, w } = this.fitted();
    return { kind: "knn", version: 1, params: { ...this.params }, state: { rows: X.rows, cols: X.cols, X: Array.from(X.data), y: Array.from(y), w: Array.from(w), classes: this.classes } };
  }

  static load(s: EstimatorSnapshot): KnnClassifier {
    const st = snapshotState("knn", 1, s, KNN_STATE);
    const m = new KnnClassifier(s.params as Partial<KnnParams>);
    m.X = new Matrix(st.rows, st.cols, Float32Array.from(st.X));
    m.y = Int32Array.from(st.y);
    m.w = Float64Array.from(st.w);
    m.classes = st.classes;
    return m;
  }

  private fitted(): { X: Matrix; y: Labels; w: Float64Array } {
    if (!this.X || !this.y || !this.w) throw new TransferLabError("NOT_FITTED", "knn: call fit before predict");
    return { X: this.X, y: this.y, w: this.w };
  }
}

/** Indices of the k smallest values (k ≤ d.length), ascending; equal values keep row order. Written into best when given. */
export function smallestK(d: Float32Array, k: number, best = new Int32Array(k)): Int32Array {
  const n = d.length;
  // Insertion into a sorted prefix of length k: O(n·k) worst, fast for small k.
  let len = 0;
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    if (len === k && v >= d[best[k - 1]!]!) continue;
    let p = len < k ? len++ : k - 1;
    while (p > 0 && d[best[p - 1]!]! > v) { best[p] = best[p - 1]!; p--; }
    best[p] = i;
  }
  return best;
}
