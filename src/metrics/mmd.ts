// Maximum mean discrepancy (Gretton et al., "A Kernel Two-Sample Test", JMLR 2012) with Gaussian RBF kernels.
//
// A kernel is a list of bandwidths σ; k(x, y) = mean_σ exp(−‖x − y‖² / (2σ²)). One σ from the median heuristic
// (σ² = median pairwise squared distance of the pooled sample) is the classic choice; the multi-bandwidth
// mixture σ·{1/4, 1/2, 1, 2, 4} is robust when the median is a poor scale. Estimators of MMD²:
//   biased      V-statistic, ≥ 0, inflated by the diagonal terms k(x, x) = 1 on small samples;
//   unbiased    U-statistic; its expectation is MMD², so on equal distributions it is negative about half
//               the time — a negative value means "no detectable difference", not an error;
//   linear      O(n) average over disjoint pairs (Gretton 2012, §6), with a standard error and a z-test;
//               noisy, also negative under the null;
//   rff         random Fourier features (Rahimi & Recht 2007): O(n·D), approximates the kernel itself.
// The permutation test builds ONE kernel matrix of the pooled sample and permutes indices: every permuted
// statistic is a quadratic form uᵀKu in a membership vector u, so all of them come from one GEMM K·U.
import { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { TransferLabError, invalidParam } from "../core/errors.js";
import { assertSameColumns } from "../core/validate.js";
import { kernels, erfc } from "../engine/index.js";

export interface RbfKernel {
  /** Bandwidths σ; the kernel is the mean of exp(−d²/(2σ²)) over them. */
  sigmas: number[];
}

export const MIXTURE_FACTORS = [0.25, 0.5, 1, 2, 4] as const;

export interface MmdEstimates {
  biased: number;
  unbiased: number;
}

function checkPair(X: Matrix, Y: Matrix): void {
  assertSameColumns(X, Y);
  if (X.rows < 2 || Y.rows < 2) throw new TransferLabError("EMPTY_DOMAIN", `MMD needs at least 2 rows per domain, got ${X.rows} and ${Y.rows}`);
}

/** Pooled rows [X; Y] (a copy). */
export function pool(X: Matrix, Y: Matrix): Matrix {
  return Matrix.vstack([X, Y]);
}

/**
 * Median heuristic: σ = √(median of ‖z_i − z_j‖², i < j) over the pooled sample, on a random subset of at most
 * `maxPoints` rows (the subset is drawn from the pooled indices, so the bandwidth does not depend on which
 * domain a row came from — the permutation test stays exact).
 */
export function medianBandwidth(X: Matrix, Y: Matrix, rng: Rng, maxPoints = 1000): number {
  checkPair(X, Y);
  const N = X.rows + Y.rows, d = X.cols;
  const take = Math.min(N, maxPoints);
  const idx = N <= maxPoints ? Int32Array.from({ length: N }, (_, i) => i) : rng.permutation(N).subarray(0, take);
  const Z = new Float32Array(take * d);
  for (let k = 0; k < take; k++) {
    const i = idx[k]!;
    Z.set(i < X.rows ? X.row(i) : Y.row(i - X.rows), k * d);
  }
  const D = new Float32Array(take * take);
  kernels().sqdist(Z, take, Z, take, d, D);
  const vals = new Float64Array((take * (take - 1)) / 2);
  let p = 0;
  for (let i = 0; i < take; i++) for (let j = i + 1; j < take; j++) vals[p++] = D[i * take + j]!;
  vals.sort();
  const m = vals.length;
  const med = m % 2 ? vals[(m - 1) / 2]! : 0.5 * (vals[m / 2 - 1]! + vals[m / 2]!);
  if (!(med > 0)) {
    throw new TransferLabError("INVALID_PARAMETER", "the median pairwise distance is 0 (more than half of the rows are identical)", { param: "bandwidth" }, "remove the duplicate rows, or (API) pass an explicit bandwidth");
  }
  return Math.sqrt(med);
}

export function medianKernel(sigma: number): RbfKernel {
  return { sigmas: [sigma] };
}

export function mixtureKernel(sigma: number, factors: readonly number[] = MIXTURE_FACTORS): RbfKernel {
  return { sigmas: factors.map((f) => f * sigma) };
}

function gammas(kernel: RbfKernel): Float64Array {
  if (kernel.sigmas.length === 0) throw invalidParam("kernel", "an RBF kernel needs at least one bandwidth");
  return Float64Array.from(kernel.sigmas, (s) => {
    if (!(s > 0) || !Number.isFinite(s)) throw invalidParam("bandwidth", `must be a positive number, got ${s}`);
    return 1 / (2 * s * s);
  });
}

/** k(d²) for a kernel given as its γ = 1/(2σ²) values. */
function kval(d2: number, g: Float64Array): number {
  if (g.length === 1) return Math.exp(-g[0]! * d2);
  let s = 0;
  for (let t = 0; t < g.length; t++) s += Math.exp(-g[t]! * d2);
  return s / g.length;
}

/**
 * The distinct γ of several kernels, and for each kernel the indices of its γ. When every γ is γ_min·2^k (the
 * mixture's σ·2^j factors give γ ratios of 4), one exp and repeated squaring give them all:
 * exp(−2γd²) = exp(−γd²)², at a relative error of ~2^k·ε, negligible in float64.
 */
function gammaPlan(list: Float64Array[]): { gammas: number[]; members: Int32Array[]; evaluate(d2: number, out: Float64Array): void } {
  const distinct = [...new Set(list.flatMap((g) => Array.from(g)))].sort((a, b) => a - b);
  const members = list.map((g) => Int32Array.from(g, (v) => distinct.indexOf(v)));
  const g0 = distinct[0]!;
  const pow = distinct.map((g) => Math.log2(g / g0));
  const squarings = pow.map((p) => Math.round(p));
  const byPowers = squarings.every((k, t) => k <= 12 && Math.abs(pow[t]! - k) < 1e-12);
  const evaluate = byPowers
    ? (d2: number, out: Float64Array): void => {
      let e = Math.exp(-g0 * d2), k = 0;
      for (let t = 0; t < distinct.length; t++) {
        while (k < squarings[t]!) { e *= e; k++; }
        out[t] = e;
      }
    }
    : (d2: number, out: Float64Array): void => {
      for (let t = 0; t < distinct.length; t++) out[t] = Math.exp(-distinct[t]! * d2);
    };
  return { gammas: distinct, members, evaluate };
}

/** Sums of kernel values per block of the pooled sample: within X (off-diagonal), within Y (off-diagonal), across. */
interface BlockSums {
  xx: number;
  yy: number;
  xy: number;
  diagX: number;
  diagY: number;
}

function estimatesFrom(s: BlockSums, n: number, m: number): MmdEstimates {
  const biased = (s.xx + s.diagX) / (n * n) + (s.yy + s.diagY) / (m * m) - (2 * s.xy) / (n * m);
  const unbiased = s.xx / (n * (n - 1)) + s.yy / (m * (m - 1)) - (2 * s.xy) / (n * m);
  return { biased, unbiased };
}

/**
 * Biased and unbiased MMD² for each kernel, computing distances in row blocks (memory O(block·N)) with the
 * active kernel tier and summing kernel values in float64.
 */
export function mmdExact(X: Matrix, Y: Matrix, kernelList: RbfKernel[], blockRows = 256): MmdEstimates[] {
  checkPair(X, Y);
  const n = X.rows, m = Y.rows, d = X.cols;
  const gs = kernelList.map(gammas);
  const sums: BlockSums[] = gs.map(() => ({ xx: 0, yy: 0, xy: 0, diagX: 0, diagY: 0 }));
  const buf = new Float32Array(blockRows * Math.max(n, m));
  const K = kernels();
  // Rows of X against X and Y; rows of Y against Y.
  for (let i0 = 0; i0 < n; i0 += blockRows) {
    const b = Math.min(blockRows, n - i0);
    const xb = X.data.subarray(i0 * d, (i0 + b) * d);
    K.sqdist(xb, b, X.data, n, d, buf);
    selfBlockSums(buf, i0, b, n, gs, sums, "x");
    K.sqdist(xb, b, Y.data, m, d, buf);
    for (let t = 0; t < gs.length; t++) {
      const g = gs[t]!;
      let s = 0;
      for (let q = 0; q < b * m; q++) s += kval(buf[q]!, g);
      sums[t]!.xy += s;
    }
  }
  for (let i0 = 0; i0 < m; i0 += blockRows) {
    const b = Math.min(blockRows, m - i0);
    K.sqdist(Y.data.subarray(i0 * d, (i0 + b) * d), b, Y.data, m, d, buf);
    selfBlockSums(buf, i0, b, m, gs, sums, "y");
  }
  return sums.map((s) => estimatesFrom(s, n, m));
}

/** Adds one block of a domain's squared distances to itself (rows i0..i0+b, all n columns) to xx/diagX or yy/diagY. */
function selfBlockSums(buf: Float32Array, i0: number, b: number, n: number, gs: Float64Array[], sums: BlockSums[], side: "x" | "y"): void {
  for (let t = 0; t < gs.length; t++) {
    const g = gs[t]!;
    let off = 0, diag = 0;
    for (let i = 0; i < b; i++) for (let j = 0; j < n; j++) {
      const v = kval(buf[i * n + j]!, g);
      if (j === i0 + i) diag += v;
      else off += v;
    }
    if (side === "x") {
      sums[t]!.xx += off;
      sums[t]!.diagX += diag;
    } else {
      sums[t]!.yy += off;
      sums[t]!.diagY += diag;
    }
  }
}

export interface LinearMmd {
  estimate: number;
  /** Standard error of the estimate (sd of the pair terms / √pairs). */
  se: number;
  /** One-sided p-value of the z-test estimate/se (asymptotically normal under the null). */
  pValue: number;
  pairs: number;
}

/**
 * Linear-time MMD²: mean over i of h_i = k(x_{2i}, x_{2i+1}) + k(y_{2i}, y_{2i+1}) − k(x_{2i}, y_{2i+1}) − k(x_{2i+1}, y_{2i}),
 * pairing rows in their given order, or in the given `order` of row indices (pass random permutations when the
 * file order carries structure). O(n·d) time, O(1) memory.
 */
export function mmdLinear(X: Matrix, Y: Matrix, kernel: RbfKernel, order?: { x: Int32Array; y: Int32Array }): LinearMmd {
  checkPair(X, Y);
  const g = gammas(kernel);
  const d = X.cols;
  const pairs = Math.floor(Math.min(X.rows, Y.rows) / 2);
  const ox = order?.x, oy = order?.y;
  // One exp per kernel evaluation for the σ·2^j mixture (see gammaPlan).
  const plan = gammaPlan([g]);
  const vals = new Float64Array(plan.gammas.length);
  const ids = plan.members[0]!;
  const kv = (d2: number): number => {
    plan.evaluate(d2, vals);
    let v = 0;
    for (let t = 0; t < ids.length; t++) v += vals[ids[t]!]!;
    return v / ids.length;
  };
  const xd = X.data, yd = Y.data;
  const dist2 = (a: Float32Array, ia: number, b: Float32Array, ib: number): number => {
    let s = 0;
    const oa = ia * d, ob = ib * d;
    for (let p = 0; p < d; p++) {
      const t = a[oa + p]! - b[ob + p]!;
      s += t * t;
    }
    return s;
  };
  let mean = 0, m2 = 0;
  for (let i = 0; i < pairs; i++) {
    const xa = ox ? ox[2 * i]! : 2 * i, xb = ox ? ox[2 * i + 1]! : 2 * i + 1;
    const ya = oy ? oy[2 * i]! : 2 * i, yb = oy ? oy[2 * i + 1]! : 2 * i + 1;
    const h = kv(dist2(xd, xa, xd, xb)) + kv(dist2(yd, ya, yd, yb)) - kv(dist2(xd, xa, yd, yb)) - kv(dist2(xd, xb, yd, ya));
    // Welford's update: stable mean and variance in one pass.
    const delta = h - mean;
    mean += delta / (i + 1);
    m2 += delta * (h - mean);
  }
  const sd = pairs > 1 ? Math.sqrt(m2 / (pairs - 1)) : 0;
  const se = sd / Math.sqrt(pairs);
  const pValue = se > 0 ? 1 - normalCdf(mean / se) : mean > 0 ? 0 : 1;
  return { estimate: mean, se, pValue, pairs };
}

/** Standard normal CDF through the engine's erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7, also in the tails). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export interface RffFeatures {
  /** D × d frequencies ω (row-major), each row drawn from N(0, I/σ²) for its σ. */
  omega: Float32Array;
  /** D phases b ~ U[0, 2π). */
  phase: Float64Array;
  numFeatures: number;
}

/**
 * Random Fourier features of an RBF kernel (mixture: feature f uses bandwidth σ_{f mod S}, so D a multiple of S
 * approximates the mean kernel). z(x)_f = √(2/D)·cos(ω_fᵀx + b_f), and z(x)ᵀz(y) ≈ k(x, y).
 */
export function drawRff(kernel: RbfKernel, dim: number, numFeatures: number, rng: Rng): RffFeatures {
  gammas(kernel);
  if (!Number.isInteger(numFeatures) || numFeatures < 1) throw invalidParam("rffFeatures", `must be a positive integer, got ${numFeatures}`);
  const omega = new Float32Array(numFeatures * dim);
  const phase = new Float64Array(numFeatures);
  const S = kernel.sigmas.length;
  for (let f = 0; f < numFeatures; f++) {
    const inv = 1 / kernel.sigmas[f % S]!;
    for (let j = 0; j < dim; j++) omega[f * dim + j] = rng.normal() * inv;
    phase[f] = rng.uniform() * 2 * Math.PI;
  }
  return { omega, phase, numFeatures };
}

/** Sum over rows of z(x) and sum of ‖z(x)‖², streaming in row blocks through one GEMM per block. */
function rffSums(X: Matrix, feats: RffFeatures, blockRows = 2048): { sum: Float64Array; sumSq: Float64Array } {
  const D = feats.numFeatures, d = X.cols;
  const sum = new Float64Array(D), sumSq = new Float64Array(D);
  const proj = new Float32Array(blockRows * D);
  const scale = Math.sqrt(2 / D);
  const K = kernels();
  for (let i0 = 0; i0 < X.rows; i0 += blockRows) {
    const b = Math.min(blockRows, X.rows - i0);
    K.gemm(false, true, b, D, d, 1, X.data.subarray(i0 * d, (i0 + b) * d), d, feats.omega, d, 0, proj, D);
    for (let i = 0; i < b; i++) {
      const o = i * D;
      for (let f = 0; f < D; f++) {
        const z = scale * Math.cos(proj[o + f]! + feats.phase[f]!);
        sum[f]! += z;
        sumSq[f]! += z * z;
      }
    }
  }
  return { sum, sumSq };
}

export interface RffMmd extends MmdEstimates {
  /**
   * Monte-Carlo standard error of the unbiased estimate over the random features: the estimate is the mean of D
   * independent per-feature terms (given the data), so se = sd(terms)/√D. It measures the approximation noise,
   * not the sampling noise of the data.
   */
  se: number;
}

/** MMD² of the random-feature kernel: biased ‖μ̂_X − μ̂_Y‖² and its unbiased version. O((n+m)·D·d) time. */
export function mmdRff(X: Matrix, Y: Matrix, feats: RffFeatures): RffMmd {
  checkPair(X, Y);
  if (feats.omega.length !== feats.numFeatures * X.cols) throw new TransferLabError("SHAPE_MISMATCH", "random features were drawn for a different dimension");
  const n = X.rows, m = Y.rows, D = feats.numFeatures;
  const a = rffSums(X, feats), b = rffSums(Y, feats);
  let biased = 0, unbiased = 0;
  const terms = new Float64Array(D);
  for (let f = 0; f < D; f++) {
    const xx = a.sum[f]! * a.sum[f]!, yy = b.sum[f]! * b.sum[f]!, xy = a.sum[f]! * b.sum[f]!;
    biased += xx / (n * n) + yy / (m * m) - (2 * xy) / (n * m);
    const u = (xx - a.sumSq[f]!) / (n * (n - 1)) + (yy - b.sumSq[f]!) / (m * (m - 1)) - (2 * xy) / (n * m);
    unbiased += u;
    terms[f] = u * D;
  }
  let v = 0;
  for (let f = 0; f < D; f++) v += (terms[f]! - unbiased) ** 2;
  const se = D > 1 ? Math.sqrt(v / (D - 1)) / Math.sqrt(D) : 0;
  return { biased, unbiased, se };
}

/** Bytes the exact permutation test needs: the pooled N×N kernel matrix plus the N×(P+1) membership and product. */
export function exactTestBytes(N: number, permutations: number): number {
  return 4 * N * N + 2 * 4 * N * (permutations + 1);
}

export interface PermutationTest {
  /** Unbiased MMD² of the observed split under the test kernel. */
  statistic: number;
  /** (1 + #{permuted ≥ observed}) / (1 + permutations): never 0, exact level under the null. */
  pValue: number;
  permutations: number;
  nullMean: number;
  nullSd: number;
}

export interface PermutationTestOptions {
  permutations?: number;
  rng: Rng;
  /** Bytes allowed for the kernel matrix and permutation buffers; throws MEMORY_BUDGET when exceeded. */
  memoryBudget?: number;
  /** Also return biased/unbiased MMD² for these kernels, from the same pooled distance matrix. */
  alsoEstimate?: RbfKernel[];
  /** Permutations per GEMM call (bounds the buffer memory). */
  batch?: number;
  signal?: AbortSignal;
}

export interface PermutationTestResult extends PermutationTest {
  estimates: MmdEstimates[];
}

/**
 * Permutation test of H0: P_X = P_Y with the unbiased MMD² under `kernel`. The pooled distance matrix is
 * computed once; `alsoEstimate` kernels are summed from it, then it is turned into the test kernel matrix K in
 * place. For a membership vector u (1 = "source"), with t = K·u, r = K·1 and diagonal 1:
 *   Σ_XX = uᵀt − n,   Σ_YY = 1ᵀr − 2uᵀr + uᵀt − m,   Σ_XY = uᵀr − uᵀt,
 * so every permutation costs one column of the GEMM K·U. Column 0 of U is the observed split, so the observed
 * and permuted statistics are computed identically.
 */
export function mmdPermutationTest(X: Matrix, Y: Matrix, kernel: RbfKernel, opts: PermutationTestOptions): PermutationTestResult {
  checkPair(X, Y);
  const P = opts.permutations ?? 500;
  if (!Number.isInteger(P) || P < 1) throw invalidParam("permutations", `must be a positive integer, got ${P}`);
  const n = X.rows, m = Y.rows, N = n + m, d = X.cols;
  const batch = Math.min(opts.batch ?? 128, P + 1);
  const need = 4 * N * N + 2 * 4 * N * batch;
  if (opts.memoryBudget !== undefined && need > opts.memoryBudget) {
    throw new TransferLabError("MEMORY_BUDGET", `the exact permutation test needs ${(need / 2 ** 20).toFixed(0)} MiB, over the ${(opts.memoryBudget / 2 ** 20).toFixed(0)} MiB budget`, { param: "memoryBudget" }, "use the linear-time or random-feature estimators");
  }
  const testG = gammas(kernel);
  const extra = (opts.alsoEstimate ?? []).map(gammas);
  const Z = pool(X, Y);
  const K = new Float32Array(N * N);
  const kern = kernels();
  // Gram matrix by one GEMM; ‖z_i − z_j‖² = ‖z_i‖² + ‖z_j‖² − 2 z_iᵀz_j.
  kern.gemm(false, true, N, N, d, 1, Z.data, d, Z.data, d, 0, K, N);
  const norms = new Float64Array(N);
  for (let i = 0; i < N; i++) norms[i] = K[i * N + i]!;
  // Every kernel is a mean of exp(−γ d²) over a few γ; evaluate each distinct γ once per pair.
  const plan = gammaPlan([testG, ...extra]);
  const G = plan.gammas.length, E = extra.length;
  const vals = new Float64Array(G);
  // Dense weights: kernel q's value is Σ_t W[q·G + t]·vals[t] (row 0 = the test kernel, then `alsoEstimate`).
  const W = new Float64Array((E + 1) * G);
  plan.members.forEach((ids, q) => { for (const t of ids) W[q * G + t]! += 1 / ids.length; });
  const sxx = new Float64Array(E), sxy = new Float64Array(E), syy = new Float64Array(E);
  // Upper triangle in 64×64 tiles, mirrored within the tile so the transposed writes stay in cache.
  const TB = 64;
  for (let i = 0; i < N; i++) K[i * N + i] = 1;
  for (let i0 = 0; i0 < N; i0 += TB) {
    const i1 = Math.min(N, i0 + TB);
    for (let j0 = i0; j0 < N; j0 += TB) {
      const j1 = Math.min(N, j0 + TB);
      for (let i = i0; i < i1; i++) {
        const o = i * N;
        const inX = i < n;
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const d2 = Math.max(0, norms[i]! + norms[j]! - 2 * K[o + j]!);
          plan.evaluate(d2, vals);
          let v = 0;
          for (let t = 0; t < G; t++) v += W[t]! * vals[t]!;
          for (let e = 0; e < E; e++) {
            let ve = 0;
            const we = (e + 1) * G;
            for (let t = 0; t < G; t++) ve += W[we + t]! * vals[t]!;
            if (j < n) sxx[e]! += 2 * ve;
            else if (inX) sxy[e]! += ve;
            else syy[e]! += 2 * ve;
          }
          K[o + j] = v;
          K[j * N + i] = v;
        }
      }
    }
  }
  const sums: BlockSums[] = extra.map((_, e) => ({ xx: sxx[e]!, yy: syy[e]!, xy: sxy[e]!, diagX: n, diagY: m }));
  const estimates = sums.map((sm) => estimatesFrom(sm, n, m));
  const r = new Float64Array(N);
  let total = 0;
  for (let i = 0; i < N; i++) {
    let s = 0;
    const o = i * N;
    for (let j = 0; j < N; j++) s += K[o + j]!;
    r[i] = s;
    total += s;
  }
  const stats = new Float64Array(P + 1);
  const U = new Float32Array(N * batch);
  const T = new Float32Array(N * batch);
  const members: Int32Array[] = [];
  const base = Int32Array.from({ length: N }, (_, i) => i);
  for (let c0 = 0; c0 <= P; c0 += batch) {
    if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "the permutation test was aborted", { param: "signal" });
    const bc = Math.min(batch, P + 1 - c0);
    U.fill(0);
    members.length = 0;
    for (let c = 0; c < bc; c++) {
      // The first n entries of a permutation of 0..N-1 are the rows labelled "source".
      const perm = c0 + c === 0 ? base : opts.rng.shuffle(base.slice());
      const mem = perm.subarray(0, n);
      members.push(mem);
      for (let q = 0; q < n; q++) U[mem[q]! * bc + c] = 1;
    }
    kern.gemm(false, false, N, bc, N, 1, K, N, U, bc, 0, T, bc);
    for (let c = 0; c < bc; c++) {
      const mem = members[c]!;
      let ut = 0, ur = 0;
      for (let q = 0; q < n; q++) {
        const i = mem[q]!;
        ut += T[i * bc + c]!;
        ur += r[i]!;
      }
      const sxx = ut - n;
      const syy = total - 2 * ur + ut - m;
      const sxy = ur - ut;
      stats[c0 + c] = sxx / (n * (n - 1)) + syy / (m * (m - 1)) - (2 * sxy) / (n * m);
    }
  }
  const obs = stats[0]!;
  let ge = 0, mean = 0;
  for (let p = 1; p <= P; p++) {
    if (stats[p]! >= obs) ge++;
    mean += stats[p]!;
  }
  mean /= P;
  let v = 0;
  for (let p = 1; p <= P; p++) v += (stats[p]! - mean) ** 2;
  return { statistic: obs, pValue: (1 + ge) / (1 + P), permutations: P, nullMean: mean, nullSd: Math.sqrt(v / Math.max(1, P - 1)), estimates };
}
