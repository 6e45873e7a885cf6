// Seeded shift generators by name. Each takes documented parameters and an Rng and returns a DomainPair.
import { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { requireBudget } from "../../core/budget.js";
import { MAX_CLASSES, describe } from "../../core/args.js";
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

/** Parameter names per generator (anything else is refused) and the features each draws (subspace: dim). */
const KEYS: Record<string, { keys: string[]; dim: (p: Record<string, unknown>) => number; n: number; classes?: (p: Record<string, unknown>) => number }> = {
  gaussians: { keys: ["n", "angle", "sourceSigma", "targetSigma", "offset"], dim: () => 2, n: 1000 },
  moons: { keys: ["n", "noise", "angle"], dim: () => 2, n: 500 },
  covariate: { keys: ["n", "bias", "labelNoise"], dim: () => 2, n: 500 },
  prior: { keys: ["n", "sourcePriors", "targetPriors", "separation"], dim: () => 2, n: 600 },
  conditional: { keys: ["n", "classes", "separation", "shift", "targetStd"], dim: () => 2, n: 500, classes: (p) => Number(p.classes ?? 2) },
  subspace: { keys: ["n", "dim", "informative", "separation", "angle"], dim: (p) => Number(p.dim ?? 10), n: 500 },
};

/** Refuses a key that generator `name` does not read: one check for parameter objects (guarded, below) and spec
 *  strings (data/registry.ts parseGeneratorSpec), one code (INVALID_PARAMETER at the key) and one message. An
 *  unknown generator passes: its caller reports the name. */
export function checkGeneratorKeys(name: string, keys: Iterable<string>): void {
  const spec = Object.hasOwn(KEYS, name) ? KEYS[name]! : undefined;
  if (!spec) return;
  for (const key of keys) {
    if (!spec.keys.includes(key)) throw invalidParam(key, `generator '${name}' has no parameter '${key}'`, `its parameters: ${spec.keys.join(", ")}`);
  }
}

/** A generator behind the library boundary: params a plain object of known keys, an Rng, and the pair's memory
 *  (two n×d float32 domains plus float64 working copies) within the default budget before anything is drawn. */
function guarded(name: string, make: Generator): Generator {
  const spec = KEYS[name]!;
  return (params, rng) => {
    if (params === null || typeof params !== "object" || Array.isArray(params)) throw invalidParam("params", `generator '${name}': parameters must be an object, got ${describe(params)}`);
    checkGeneratorKeys(name, Object.keys(params));
    if (!(rng instanceof Rng)) throw invalidParam("rng", `generator '${name}' needs an Rng (new Rng(seed)), got ${describe(rng)}`);
    const n = Number(params.n ?? spec.n), d = spec.dim(params), k = spec.classes?.(params) ?? 2;
    if (Number.isFinite(n) && Number.isFinite(d) && n > 0 && d > 0) {
      requireBudget({}, 2 * n * d * (4 + 8) + 2 * n * 4, `generator '${name}' with n=${n} and ${d} features`, "lower n (or dim)");
    }
    if (Number.isFinite(k) && (k > MAX_CLASSES || (Number.isFinite(n) && k > n))) throw invalidParam("classes", `generator '${name}': ${k} classes for ${n} points`, `at most min(n, ${MAX_CLASSES})`);
    return make(params, rng);
  };
}

/** A generator by name, with the parameters it reads (a spec naming any other key is an error). */
export const generators: Record<string, { make: Generator; description: string; params: readonly string[] }> = {
  gaussians: { params: KEYS.gaussians!.keys, make: guarded("gaussians", rotatedGaussians), description: "the reference pair: two Gaussian classes, target closer, wider, rotated and offset (n, angle, sourceSigma, targetSigma, offset)" },
  moons: { params: KEYS.moons!.keys, make: guarded("moons", twoMoons), description: "two moons, target rotated (n, noise, angle)" },
  covariate: { params: KEYS.covariate!.keys, make: guarded("covariate", covariateShift), description: "covariate shift: biased sampling of one pool, same P(y|x) (n, bias, labelNoise)" },
  prior: { params: KEYS.prior!.keys, make: guarded("prior", priorShift), description: "prior/target shift: class proportions change (n, sourcePriors, targetPriors, separation)" },
  conditional: { params: KEYS.conditional!.keys, make: guarded("conditional", conditionalShift), description: "conditional shift: P(x|y) changes (n, classes, separation, shift, targetStd)" },
  subspace: { params: KEYS.subspace!.keys, make: guarded("subspace", subspaceShift), description: "subspace shift: the informative subspace rotates (n, dim, informative, separation, angle)" },
};
