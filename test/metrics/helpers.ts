// Test data: the rotated two-Gaussian reference pair, generated directly with Rng.
import { Matrix } from "../../src/core/matrix.js";
import type { LabelledDomain } from "../../src/core/domain.js";
import type { Rng } from "../../src/core/rng.js";

/** Two classes at (±2, 0) with unit-variance noise; the target is the source distribution rotated by `degrees`. */
export function rotatedPair(rng: Rng, degrees: number, nPerDomain: number, dim = 2): { source: LabelledDomain; target: LabelledDomain } {
  const make = (name: string, theta: number): LabelledDomain => {
    const X = new Matrix(nPerDomain, dim);
    const y = new Int32Array(nPerDomain);
    const c = Math.cos(theta), s = Math.sin(theta);
    for (let i = 0; i < nPerDomain; i++) {
      const cls = i % 2;
      y[i] = cls;
      const a = (cls ? 2 : -2) + rng.normal(), b = rng.normal();
      X.set(i, 0, c * a - s * b);
      X.set(i, 1, s * a + c * b);
      for (let j = 2; j < dim; j++) X.set(i, j, rng.normal());
    }
    return { name, X, y };
  };
  return { source: make("source", 0), target: make("target", (degrees * Math.PI) / 180) };
}
