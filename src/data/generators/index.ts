// Seeded shift generators by name. Each takes documented parameters and an Rng and returns a DomainPair.
import { Matrix } from "../../core/matrix.js";
import type { Rng } from "../../core/rng.js";
import type { DomainPair } from "../pair.js";
import { twoMoons } from "./moons.js";
import { covariateShift, priorShift, conditionalShift, subspaceShift } from "./shifts.js";
import { sampleGaussianClasses64, REFERENCE_DEFAULTS } from "./reference.js";
import { checkInt, checkNum } from "./util.js";
import { invalidParam } from "../../core/errors.js";

export { twoMoons, MOONS_CENTRE, type TwoMoonsParams } from "./moons.js";
export * from "./shifts.js";

export interface GaussiansParams {
  /** Points per domain (default 1000 source, 500 target; n sets both). */
  n?: number;
  /** Target rotation in degrees (default 45). */
  angle?: number;
  /** Class standard deviations (defaults 0.5 source, 0.6 target). */
  sourceSigma?: number;
  targetSigma?: number;
  /** Target translation after the rotation, [dx, dy] (default [0, 0]). */
  offset?: number[];
}

/** The reference pair (rotated Gaussians, see reference.ts) with the target as one labelled pool. */
export function rotatedGaussians(params: GaussiansParams, rng: Rng): DomainPair {
  const angle = checkNum("angle", params.angle ?? REFERENCE_DEFAULTS.rotationDeg);
  const ns = checkInt("n", params.n ?? REFERENCE_DEFAULTS.sourceN, 2);
  const nt = checkInt("n", params.n ?? 500, 2);
  const ss = checkNum("sourceSigma", params.sourceSigma ?? REFERENCE_DEFAULTS.sourceSigma, 0);
  const ts = checkNum("targetSigma", params.targetSigma ?? REFERENCE_DEFAULTS.targetSigma, 0);
  const off = params.offset ?? [...REFERENCE_DEFAULTS.targetShift];
  if (off.length !== 2 || off.some((v) => !Number.isFinite(v))) throw invalidParam("offset", `must be two numbers dx/dy, got ${JSON.stringify(off)}`);
  const s = sampleGaussianClasses64(rng, ns, { means: REFERENCE_DEFAULTS.sourceMeans, sigma: ss });
  const t = sampleGaussianClasses64(rng, nt, { means: REFERENCE_DEFAULTS.targetMeans, sigma: ts, rotationDeg: angle, shift: [off[0]!, off[1]!] });
  const dom = (name: string, X: Float64Array, y: Int32Array) => ({ name, X: new Matrix(y.length, 2, Float32Array.from(X)), y, featureNames: ["x1", "x2"], classNames: ["0", "1"] });
  return {
    name: `gaussians(angle=${angle})`,
    source: dom("gaussians-source", s.X, s.y),
    target: dom("gaussians-target", t.X, t.y),
    kind: "synthetic",
    scaling: { rule: "none" },
    notes: [`rotated Gaussians (reference pair): source means ±(2, 2) σ=${ss}; target means ±(1, 1) σ=${ts}, rotated ${angle}°, offset (${off.join(", ")})`],
  };
}

export type Generator = (params: Record<string, any>, rng: Rng) => DomainPair;

export const generators: Record<string, { make: Generator; description: string }> = {
  gaussians: { make: rotatedGaussians, description: "the reference pair: two Gaussian classes, target closer, wider, rotated and offset (n, angle, sourceSigma, targetSigma, offset)" },
  moons: { make: twoMoons, description: "two moons, target rotated (n, noise, angle)" },
  covariate: { make: covariateShift, description: "covariate shift: biased sampling of one pool, same P(y|x) (n, bias, labelNoise)" },
  prior: { make: priorShift, description: "prior/target shift: class proportions change (n, sourcePriors, targetPriors, separation)" },
  conditional: { make: conditionalShift, description: "conditional shift: P(x|y) changes (n, classes, separation, shift, targetStd)" },
  subspace: { make: subspaceShift, description: "subspace shift: the informative subspace rotates (n, dim, informative, separation, angle)" },
};
