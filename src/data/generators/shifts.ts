// The four classic dataset-shift types (Quiñonero-Candela et al., Dataset Shift in Machine Learning, 2009;
// Moreno-Torres et al., A unifying view on dataset shift in classification, 2012), each as a seeded generator.
import type { Rng } from "../../core/rng.js";
import { invalidParam } from "../../core/errors.js";
import type { DomainPair } from "../pair.js";
import { labelled, countsFor, checkInt, checkNum, checkPriors, circleMeans } from "./util.js";

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

export interface CovariateShiftParams {
  /** Points per domain (default 500). */
  n?: number;
  /** Selection strength b: a pool point x ~ N(0, I₂) enters the source with probability σ(−b·x₁) and the
   * target with probability σ(+b·x₁) (default 2). b = 0 means no shift. */
  bias?: number;
  /** Probability that a label is flipped, the same in both domains (default 0). */
  labelNoise?: number;
}

/** The labelling rule shared by both domains: class 1 above the parabola x₂ = x₁²/2 − 1. */
export function covariateRule(x1: number, x2: number): number {
  return x2 > (x1 * x1) / 2 - 1 ? 1 : 0;
}

/**
 * Covariate shift: P(x) differs, P(y|x) is the same. Both domains are biased samples (rejection sampling) of one
 * pool N(0, I₂), the source favouring x₁ < 0 and the target x₁ > 0; labels follow `covariateRule`.
 */
export function covariateShift(params: CovariateShiftParams, rng: Rng): DomainPair {
  const n = checkInt("n", params.n ?? 500, 2);
  const bias = checkNum("bias", params.bias ?? 2, 0);
  const flip = checkNum("labelNoise", params.labelNoise ?? 0, 0);
  const draw = (sign: number, name: string) => {
    const X = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; ) {
      const x1 = rng.normal();
      const x2 = rng.normal();
      if (rng.uniform() >= sigmoid(sign * bias * x1)) continue;
      X[2 * i] = x1;
      X[2 * i + 1] = x2;
      const k = covariateRule(x1, x2);
      y[i] = flip > 0 && rng.uniform() < flip ? 1 - k : k;
      i++;
    }
    return labelled(name, X, y, 2, 2);
  };
  return {
    name: `covariate(bias=${bias})`,
    source: draw(-1, "covariate-source"),
    target: draw(1, "covariate-target"),
    kind: "synthetic",
    scaling: { rule: "none" },
    notes: [`covariate shift: pool N(0, I₂), source kept with p = σ(−${bias}·x₁), target with σ(+${bias}·x₁); y = [x₂ > x₁²/2 − 1], label noise ${flip}`],
  };
}

export interface PriorShiftParams {
  /** Points per domain (default 600). */
  n?: number;
  /** Class proportions in the source (default uniform over 3 classes). */
  sourcePriors?: number[];
  /** Class proportions in the target (default [0.6, 0.3, 0.1]). */
  targetPriors?: number[];
  /** Distance of the class means from the origin (default 2); classes are N(μ_k, I₂), means evenly on a circle. */
  separation?: number;
}

/** Target (prior, label) shift: P(y) differs, P(x|y) is the same. Class counts are exactly round(n·p). */
export function priorShift(params: PriorShiftParams, rng: Rng): DomainPair {
  const n = checkInt("n", params.n ?? 600, 1);
  const tp = params.targetPriors ?? [0.6, 0.3, 0.1];
  const k = tp.length;
  checkInt("targetPriors.length", k, 2);
  const sp = checkPriors("sourcePriors", params.sourcePriors ?? Array.from({ length: k }, () => 1 / k), k);
  checkPriors("targetPriors", tp, k);
  const sep = checkNum("separation", params.separation ?? 2, 0);
  const means = circleMeans(k, sep, 2);
  const draw = (p: number[], name: string) => {
    const counts = countsFor(n, p);
    const X = new Float32Array(n * 2);
    const y = new Int32Array(n);
    let i = 0;
    counts.forEach((cnt, c) => {
      for (let r = 0; r < cnt; r++, i++) {
        X[2 * i] = means[c]![0]! + rng.normal();
        X[2 * i + 1] = means[c]![1]! + rng.normal();
        y[i] = c;
      }
    });
    return labelled(name, X, y, 2, k);
  };
  return {
    name: `prior(target=${tp.join("/")})`,
    source: draw(sp, "prior-source"),
    target: draw(tp, "prior-target"),
    kind: "synthetic",
    scaling: { rule: "none" },
    notes: [`prior shift: classes N(μ_k, I₂) with means on a circle of radius ${sep}; source P(y) = [${sp.join(", ")}], target P(y) = [${tp.join(", ")}]`],
  };
}

export interface ConditionalShiftParams {
  /** Points per domain, balanced classes (default 500). */
  n?: number;
  /** Number of classes (default 2). */
  classes?: number;
  /** Distance of the source class means from the origin (default 2). */
  separation?: number;
  /** In the target every class mean moves by this distance, class k towards angle 2πk/K + π/2 (default 1.5). */
  shift?: number;
  /** Target class standard deviation (source: 1) (default 1.5). */
  targetStd?: number;
}

/**
 * Conditional shift: P(y) is the same, P(x|y) changes. Source classes N(μ_k, I₂); target classes
 * N(μ_k + shift·(cos θ_k, sin θ_k), targetStd²·I₂) with θ_k = 2πk/K + π/2 (each class moves its own way).
 */
export function conditionalShift(params: ConditionalShiftParams, rng: Rng): DomainPair {
  const n = checkInt("n", params.n ?? 500, 2);
  const k = checkInt("classes", params.classes ?? 2, 2);
  const sep = checkNum("separation", params.separation ?? 2, 0);
  const shift = checkNum("shift", params.shift ?? 1.5);
  const tstd = checkNum("targetStd", params.targetStd ?? 1.5, 0);
  const src = circleMeans(k, sep, 2);
  const tgt = src.map((m, c) => {
    const th = (2 * Math.PI * c) / k + Math.PI / 2;
    return Float64Array.from([m[0]! + shift * Math.cos(th), m[1]! + shift * Math.sin(th)]);
  });
  const draw = (means: Float64Array[], std: number, name: string) => {
    const counts = countsFor(n, Array.from({ length: k }, () => 1 / k));
    const X = new Float32Array(n * 2);
    const y = new Int32Array(n);
    let i = 0;
    counts.forEach((cnt, c) => {
      for (let r = 0; r < cnt; r++, i++) {
        X[2 * i] = means[c]![0]! + std * rng.normal();
        X[2 * i + 1] = means[c]![1]! + std * rng.normal();
        y[i] = c;
      }
    });
    return labelled(name, X, y, 2, k);
  };
  return {
    name: `conditional(shift=${shift})`,
    source: draw(src, 1, "conditional-source"),
    target: draw(tgt, tstd, "conditional-target"),
    kind: "synthetic",
    scaling: { rule: "none" },
    notes: [`conditional shift: ${k} balanced classes; target means moved by ${shift} (class k towards angle 2πk/K + π/2), std 1 → ${tstd}`],
  };
}

export interface SubspaceShiftParams {
  /** Points per domain, two balanced classes (default 500). */
  n?: number;
  /** Dimension (default 10). */
  dim?: number;
  /** Size of the informative subspace (default 2; at most dim/2). */
  informative?: number;
  /** Distance between the two class means inside the informative subspace (default 3). */
  separation?: number;
  /** Rotation of the informative subspace in the target, in degrees (default 60). */
  angle?: number;
}

/**
 * Subspace shift: the classes differ only inside a k-dimensional subspace; everything else is N(0, 1) noise.
 * Source: class means ±(separation/2)·u/‖u‖ with u = (1, …, 1) on coordinates 1..k. Target: the same points
 * rotated by `angle` in each plane (coordinate j, coordinate k+j), j = 1..k, moving the informative directions
 * into coordinates the source treats as noise. Class-mean difference: source along u, target along R·u.
 */
export function subspaceShift(params: SubspaceShiftParams, rng: Rng): DomainPair {
  const n = checkInt("n", params.n ?? 500, 2);
  const d = checkInt("dim", params.dim ?? 10, 2);
  const k = checkInt("informative", params.informative ?? 2, 1);
  if (2 * k > d) throw invalidParam("informative", `must be at most dim/2 = ${Math.floor(d / 2)} (each informative coordinate rotates into its own noise coordinate), got ${k}`);
  const sep = checkNum("separation", params.separation ?? 3, 0);
  const angle = checkNum("angle", params.angle ?? 60);
  const c = Math.cos((angle * Math.PI) / 180);
  const s = Math.sin((angle * Math.PI) / 180);
  const draw = (rotate: boolean, name: string) => {
    const X = new Float32Array(n * d);
    const y = new Int32Array(n);
    const half = Math.ceil(n / 2);
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const cls = i < half ? 0 : 1;
      for (let j = 0; j < d; j++) row[j] = rng.normal();
      for (let j = 0; j < k; j++) row[j]! += ((cls === 0 ? -1 : 1) * sep) / 2 / Math.sqrt(k);
      if (rotate) {
        for (let j = 0; j < k; j++) {
          const a = row[j]!;
          const b = row[k + j]!;
          row[j] = c * a - s * b;
          row[k + j] = s * a + c * b;
        }
      }
      for (let j = 0; j < d; j++) X[i * d + j] = row[j]!;
      y[i] = cls;
    }
    return labelled(name, X, y, d, 2);
  };
  return {
    name: `subspace(angle=${angle})`,
    source: draw(false, "subspace-source"),
    target: draw(true, "subspace-target"),
    kind: "synthetic",
    scaling: { rule: "none" },
    notes: [`subspace shift: ${d} dims, classes separated by ${sep} in a ${k}-dim subspace that the target rotates by ${angle}°`],
  };
}
