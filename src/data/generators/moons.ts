// Two interleaving half circles (as sklearn's make_moons) with the target rotated about the moons' centre.
import type { Rng } from "../../core/rng.js";
import type { DomainPair } from "../pair.js";
import { labelled, checkInt, checkNum } from "./util.js";

export interface TwoMoonsParams {
  /** Points per domain, split evenly between the two moons (default 400). */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.1). */
  noise?: number;
  /** Counter-clockwise rotation of the target about the centre (0.5, 0.25), in degrees (default 30). */
  angle?: number;
}

export const MOONS_CENTRE: readonly [number, number] = [0.5, 0.25];

/** Moon 0: (cos t, sin t); moon 1: (1 − cos t, 0.5 − sin t); t ~ U[0, π]; then noise; target then rotated. */
export function twoMoons(params: TwoMoonsParams, rng: Rng): DomainPair {
  const n = checkInt("n", params.n ?? 400, 2);
  const noise = checkNum("noise", params.noise ?? 0.1, 0);
  const angle = checkNum("angle", params.angle ?? 30);
  const draw = (rot: number, name: string) => {
    const X = new Float32Array(n * 2);
    const y = new Int32Array(n);
    const c = Math.cos((rot * Math.PI) / 180);
    const s = Math.sin((rot * Math.PI) / 180);
    for (let i = 0; i < n; i++) {
      const k = i < Math.ceil(n / 2) ? 0 : 1;
      const t = Math.PI * rng.uniform();
      let x = k === 0 ? Math.cos(t) : 1 - Math.cos(t);
      let z = k === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      x += noise * rng.normal() - MOONS_CENTRE[0];
      z += noise * rng.normal() - MOONS_CENTRE[1];
      X[2 * i] = c * x - s * z + MOONS_CENTRE[0];
      X[2 * i + 1] = s * x + c * z + MOONS_CENTRE[1];
      y[i] = k;
    }
    return labelled(name, X, y, 2, 2);
  };
  return {
    name: `moons(angle=${angle})`,
    source: draw(0, "moons-source"),
    target: draw(angle, "moons-target"),
    kind: "synthetic",
    scaling: { rule: "none" },
    notes: [`two moons, ${n} points per domain, noise σ=${noise}; target rotated ${angle}° about (0.5, 0.25)`],
  };
}
