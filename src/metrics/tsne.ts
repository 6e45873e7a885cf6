// Barnes–Hut t-SNE (van der Maaten, JMLR 2014) in plain TypeScript, with scikit-learn's defaults:
// perplexity 30 over k = 3·perplexity exact neighbours, early exaggeration 12 for 250 iterations,
// momentum 0.5 then 0.8, adaptive gains, θ = 0.5, learning rate max(n/12/4, 50), PCA initialisation
// scaled to std 1e-4, 1000 iterations. Deterministic: same input and seed give the same map.
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertFinite } from "../core/validate.js";
import { nearestNeighbours } from "./embedding/knn.js";
import { conditionalP, symmetrise, type SparseP } from "./embedding/affinities.js";
import { QuadTree, repelRange } from "./embedding/quadtree.js";
import { ForcePool } from "./embedding/parallel-forces.js";
import { attractRange } from "./embedding/attraction.js";
import { pca } from "./embedding/pca.js";

export { trustworthiness } from "./embedding/trustworthiness.js";
export { pca, type PcaResult } from "./embedding/pca.js";

export interface TsneOptions {
  perplexity?: number;
  theta?: number;
  maxIter?: number;
  earlyExaggeration?: number;
  exaggerationIter?: number;
  learningRate?: number | "auto";
  init?: "pca" | "random";
  seed?: number;
  /** Compute the KL divergence every this many iterations (it costs one pass over P). */
  klEvery?: number;
  onProgress?: (iter: number, total: number) => void;
  /**
   * Threads for the forces: 1, or 2 (this thread plus one worker thread, where available).
   * The map is bit-identical either way. Default 2 from 256 points up.
   */
  threads?: 1 | 2;
  signal?: AbortSignal;
}

export interface TsneResult {
  /** n×2 embedding. */
  readonly Y: Matrix;
  /** KL(P‖Q) of the final map (Q's normaliser from the Barnes–Hut sum). */
  readonly kl: number;
  readonly klHistory: { iter: number; kl: number }[];
}

const MIN_GAIN = 0.01;

export function tsne(X: Matrix, opts: TsneOptions = {}): TsneResult {
  const n = X.rows;
  const perplexity = opts.perplexity ?? 30;
  const theta = opts.theta ?? 0.5;
  const maxIter = opts.maxIter ?? 1000;
  const exaggeration = opts.earlyExaggeration ?? 12;
  const exIter = Math.min(opts.exaggerationIter ?? 250, maxIter);
  const klEvery = opts.klEvery ?? 50;
  if (!(perplexity > 0)) throw invalidParam("perplexity", `must be positive, got ${perplexity}`);
  if (n < 4) throw new TransferLabError("EMPTY_DOMAIN", `t-SNE needs at least 4 points, got ${n}`);
  if (perplexity >= n) throw invalidParam("perplexity", `must be less than the number of points (${n}), got ${perplexity}`, "sklearn uses 30; use about n/4 for tiny data");
  if (!(theta >= 0)) throw invalidParam("theta", `must be ≥ 0, got ${theta}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw invalidParam("maxIter", `must be a positive integer, got ${maxIter}`);
  assertFinite(X, "t-SNE input");
  const lr = opts.learningRate === undefined || opts.learningRate === "auto" ? Math.max(n / exaggeration / 4, 50) : opts.learningRate;
  if (!(lr > 0)) throw invalidParam("learningRate", `must be positive, got ${lr}`);

  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const nb = nearestNeighbours(X, k);
  const P = symmetrise(nb, conditionalP(nb, perplexity));

  const Y = initialise(X, opts.init ?? "pca", opts.seed ?? 0);
  if (opts.threads !== undefined && opts.threads !== 1 && opts.threads !== 2) throw invalidParam("threads", `must be 1 or 2, got ${String(opts.threads)}`);
  const pool = (opts.threads ?? (n >= 256 ? 2 : 1)) === 2 ? ForcePool.create(P) : null;
  try {
    return optimise(n, P, Y, pool, { theta, maxIter, exaggeration, exIter, klEvery, lr, onProgress: opts.onProgress, signal: opts.signal });
  } finally {
    pool?.close();
  }
}

interface Schedule {
  theta: number; maxIter: number; exaggeration: number; exIter: number; klEvery: number; lr: number;
  onProgress?: (iter: number, total: number) => void;
  signal?: AbortSignal;
}

function optimise(n: number, P: SparseP, Y: Float64Array, pool: ForcePool | null, s: Schedule): TsneResult {
  const { theta, maxIter, exaggeration, exIter, klEvery, lr } = s;
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const tree = pool?.tree ?? new QuadTree();
  const rep = pool?.out ?? new Float64Array(3 * n);
  const att = pool?.att ?? new Float64Array(2 * n);
  const t4 = (theta * theta) / 4;
  const klHistory: { iter: number; kl: number }[] = [];
  let lastZ = 1;

  for (let iter = 0; iter < maxIter; iter++) {
    if (s.signal?.aborted) throw new TransferLabError("ABORTED", "t-SNE was aborted", { param: "signal" });
    if (iter === exIter) { update.fill(0); gains.fill(1); } // sklearn restarts the optimiser after exaggeration
    const ex = iter < exIter ? exaggeration : 1;
    const momentum = iter < exIter ? 0.5 : 0.8;

    // Forces: Barnes–Hut repulsion, normalised below by Z = Σ_{i≠j} (1 + d²)⁻¹, and attraction over the
    // sparse P, Σ_j ex·p_ij·q_ij·(y_i − y_j).
    if (pool) {
      pool.begin(Y, ex); // the worker starts on the attraction while this thread builds the tree
      tree.build(Y, n);
      pool.finish(t4);
    } else {
      tree.build(Y, n);
      repelRange(tree.records, tree.recordCount, Y, t4, 0, n, rep);
      attractRange(P.rowPtr, P.cols, P.vals, Y, ex, 0, n, att);
    }
    let Z = 0; // summed in point order whoever computed each point: the same map on 1 or 2 threads
    for (let i = 0; i < n; i++) Z += rep[3 * i + 2]!;
    lastZ = Z;
    const invZ = 1 / Z;
    for (let e = 0; e < n; e++) {
      grad[2 * e] = -rep[3 * e]! * invZ + att[2 * e]!;
      grad[2 * e + 1] = -rep[3 * e + 1]! * invZ + att[2 * e + 1]!;
    }

    for (let e = 0; e < 2 * n; e++) {
      const g = 4 * grad[e]!;
      let gain = gains[e]!;
      gain = update[e]! * g < 0 ? gain + 0.2 : gain * 0.8;
      if (gain < MIN_GAIN) gain = MIN_GAIN;
      gains[e] = gain;
      const u = momentum * update[e]! - lr * gain * g;
      update[e] = u;
      Y[e]! += u;
    }
    if ((iter + 1) % klEvery === 0 || iter === maxIter - 1) klHistory.push({ iter: iter + 1, kl: klDivergence(P, Y, Z) });
    s.onProgress?.(iter + 1, maxIter);
  }
  const out = new Matrix(n, 2, Float32Array.from(Y));
  return { Y: out, kl: klHistory.length ? klHistory[klHistory.length - 1]!.kl : klDivergence(P, Y, lastZ), klHistory };
}

/** KL(P‖Q) = Σ p log(p / q) with q_ij = (1 + d²_ij)⁻¹ / Z over the non-zeros of P. */
function klDivergence(P: SparseP, Y: Float64Array, Z: number): number {
  const { n, rowPtr, cols, vals } = P;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let e = rowPtr[i]!; e < rowPtr[i + 1]!; e++) {
      const p = vals[e]!;
      if (p <= 0) continue;
      const j = cols[e]!;
      const dx = Y[2 * i]! - Y[2 * j]!;
      const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy) / Z;
      kl += p * Math.log(p / Math.max(q, 1e-300));
    }
  }
  return kl;
}

function initialise(X: Matrix, init: "pca" | "random", seed: number): Float64Array {
  const n = X.rows;
  const Y = new Float64Array(2 * n);
  if (init === "random" || X.cols < 2) {
    const rng = new Rng(seed);
    for (let e = 0; e < 2 * n; e++) Y[e] = 1e-4 * rng.normal();
    return Y;
  }
  if (init !== "pca") throw invalidParam("init", `must be "pca" or "random", got ${String(init)}`);
  const proj = pca(X, 2).Y.data;
  let m = 0;
  for (let i = 0; i < n; i++) m += proj[2 * i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (proj[2 * i]! - m) ** 2;
  const sd = Math.sqrt(v / n) || 1;
  for (let e = 0; e < 2 * n; e++) Y[e] = (proj[e]! / sd) * 1e-4;
  return Y;
}
