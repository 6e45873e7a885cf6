// The rotated-Gaussian reference pair of the classic transfer-learning tutorial: a source of well separated
// Gaussian classes and a target whose classes are closer, wider and rotated. Any angle, σ, class means and
// post-rotation shift; draws come from any normal source (core/Rng, or NumpyRandomState to reproduce the
// tutorial's numbers exactly — the draw order below is the tutorial's).
import { Matrix } from "../../core/matrix.js";
import { invalidParam } from "../../core/errors.js";
import type { LabelledDomain, UnlabelledDomain } from "../../core/domain.js";

/** Anything that draws standard normal values: core/Rng or data/NumpyRandomState. */
export interface NormalSource {
  normal(): number;
}

export interface GaussianClassesSpec {
  /** One mean per class, before rotation. */
  means: ReadonlyArray<readonly [number, number]>;
  /** Isotropic standard deviation of every class. */
  sigma: number;
  /** Counter-clockwise rotation applied to every point (about the origin), in degrees. */
  rotationDeg?: number;
  /** Added after the rotation. */
  shift?: readonly [number, number];
}

/**
 * n points, ⌊n/k⌋ per class in class order (class 0 first), as the tutorial does:
 * x = R·(σ·z + μ_c) + shift with z ~ N(0, I), z drawn row by row, two values per row.
 * Returns float64 coordinates (row-major n'×2) so callers can check them against numpy exactly.
 */
export function sampleGaussianClasses64(src: NormalSource, n: number, spec: GaussianClassesSpec): { X: Float64Array; y: Int32Array } {
  const k = spec.means.length;
  if (k < 1) throw invalidParam("means", "need at least one class mean");
  if (!Number.isInteger(n) || n < k) throw invalidParam("n", `need an integer number of points ≥ ${k} (one per class), got ${n}`);
  if (!(spec.sigma > 0) || !Number.isFinite(spec.sigma)) throw invalidParam("sigma", `must be a positive number, got ${spec.sigma}`);
  const deg = spec.rotationDeg ?? 0;
  if (!Number.isFinite(deg)) throw invalidParam("rotation", `must be a finite angle in degrees, got ${deg}`);
  const per = Math.floor(n / k);
  const theta = (deg * Math.PI) / 180;
  const c = Math.cos(theta), s = Math.sin(theta);
  const rotate = deg !== 0;
  const [dx, dy] = spec.shift ?? [0, 0];
  const X = new Float64Array(per * k * 2);
  const y = new Int32Array(per * k);
  let r = 0;
  for (let cls = 0; cls < k; cls++) {
    const [mx, my] = spec.means[cls]!;
    for (let i = 0; i < per; i++, r++) {
      const a = src.normal() * spec.sigma + mx;
      const b = src.normal() * spec.sigma + my;
      // Row form of X @ R.T, as numpy computes it.
      X[2 * r] = (rotate ? a * c + b * -s : a) + dx;
      X[2 * r + 1] = (rotate ? a * s + b * c : b) + dy;
      y[r] = cls;
    }
  }
  return { X, y };
}

export interface ReferencePairOptions {
  /** Target rotation in degrees (the tutorial: 45). */
  rotationDeg?: number;
  sourceN?: number;
  targetLabelledN?: number;
  targetTestN?: number;
  /** Size of a separate unlabelled target sample, drawn last; 0 for none (the tutorial has none). */
  targetUnlabelledN?: number;
  sourceMeans?: ReadonlyArray<readonly [number, number]>;
  sourceSigma?: number;
  targetMeans?: ReadonlyArray<readonly [number, number]>;
  targetSigma?: number;
  targetShift?: readonly [number, number];
}

export const REFERENCE_DEFAULTS = {
  rotationDeg: 45,
  sourceN: 1000,
  targetLabelledN: 50,
  targetTestN: 200,
  targetUnlabelledN: 200,
  sourceMeans: [[-2, -2], [2, 2]] as ReadonlyArray<readonly [number, number]>,
  sourceSigma: 0.5,
  targetMeans: [[-1, -1], [1, 1]] as ReadonlyArray<readonly [number, number]>,
  targetSigma: 0.6,
  targetShift: [0, 0] as readonly [number, number],
};

export interface ReferencePair {
  source: LabelledDomain;
  targetLabelled: LabelledDomain;
  targetTest: LabelledDomain;
  /** Present when targetUnlabelledN > 0: inputs only, disjoint from the test set. */
  targetUnlabelled?: UnlabelledDomain;
}

function toDomain(name: string, X: Float64Array, y: Int32Array, k: number): LabelledDomain {
  return {
    name,
    X: new Matrix(y.length, 2, Float32Array.from(X)),
    y,
    featureNames: ["x1", "x2"],
    classNames: Array.from({ length: k }, (_, i) => String(i)),
  };
}

/**
 * Draws, in the tutorial's order, source → labelled target → target test, then (beyond the tutorial)
 * the separate unlabelled target sample.
 */
export function referencePair(src: NormalSource, options: ReferencePairOptions = {}): ReferencePair {
  const o = { ...REFERENCE_DEFAULTS, ...stripUndefined(options) };
  const k = o.sourceMeans.length;
  if (o.targetMeans.length !== k) throw invalidParam("targetMeans", `source has ${k} classes but target has ${o.targetMeans.length}`);
  if (!Number.isInteger(o.targetUnlabelledN) || o.targetUnlabelledN < 0) throw invalidParam("targetUnlabelledN", `must be a non-negative integer, got ${o.targetUnlabelledN}`);
  const sourceSpec: GaussianClassesSpec = { means: o.sourceMeans, sigma: o.sourceSigma };
  const targetSpec: GaussianClassesSpec = { means: o.targetMeans, sigma: o.targetSigma, rotationDeg: o.rotationDeg, shift: o.targetShift };
  const s = sampleGaussianClasses64(src, o.sourceN, sourceSpec);
  const tl = sampleGaussianClasses64(src, o.targetLabelledN, targetSpec);
  const tt = sampleGaussianClasses64(src, o.targetTestN, targetSpec);
  const pair: ReferencePair = {
    source: toDomain("source", s.X, s.y, k),
    targetLabelled: toDomain("target-labelled", tl.X, tl.y, k),
    targetTest: toDomain("target-test", tt.X, tt.y, k),
  };
  if (o.targetUnlabelledN > 0) {
    const tu = sampleGaussianClasses64(src, o.targetUnlabelledN, targetSpec);
    const { y: _y, ...rest } = toDomain("target-unlabelled", tu.X, tu.y, k);
    pair.targetUnlabelled = rest;
  }
  return pair;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
