// Float64 gradient check: the engine's analytic gradient of Σ r·f(x) (r a fixed random projection) against
// central finite differences of the same sum, accumulated in float64 over float32 forward passes.
import { Rng } from "../../src/core/rng.js";
import { Tensor, noGrad, sum, mul } from "../../src/engine/index.js";

export interface GradcheckResult {
  /** ‖analytic − numeric‖ / ‖numeric‖ per input. */
  relErr: number[];
  worst: number;
}

export interface GradcheckOptions {
  h?: number;
  seed?: number;
}

/** Random input values in [lo, hi], optionally kept at least `gap` away from 0 (kinks of relu/abs). */
export function randomInput(rng: Rng, n: number, lo = -1, hi = 1, gap = 0): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.range(lo, hi);
    while (Math.abs(v) < gap);
    d[i] = v;
  }
  return d;
}

export function gradcheck(f: (xs: Tensor[]) => Tensor, inputs: { data: Float32Array; shape: number[] }[], opts: GradcheckOptions = {}): GradcheckResult {
  const h = opts.h ?? 3e-3;
  const rng = new Rng(opts.seed ?? 7);
  const leaves = inputs.map((i) => new Tensor(i.data.slice(), i.shape).requireGrad());
  const y = f(leaves);
  const r = new Float32Array(y.size);
  for (let i = 0; i < r.length; i++) r[i] = rng.range(0.5, 1.5) * (rng.uniform() < 0.5 ? -1 : 1);
  const loss = y.size === 1 ? mul(y, r[0]!) : sum(mul(y, new Tensor(r, y.shape)));
  loss.backward();
  const objective = (xs: Tensor[]): number => {
    const out = noGrad(() => f(xs));
    let s = 0;
    for (let i = 0; i < out.size; i++) s += r[i]! * out.data[i]!;
    return s;
  };
  const relErr: number[] = [];
  leaves.forEach((leaf, li) => {
    const an = leaf.grad ?? new Float32Array(leaf.size);
    const probe = inputs.map((i) => new Tensor(i.data.slice(), i.shape));
    const x = probe[li]!.data;
    let num2 = 0, diff2 = 0;
    for (let j = 0; j < x.length; j++) {
      const x0 = x[j]!;
      const step = h * Math.max(1, Math.abs(x0));
      x[j] = x0 + step;
      const up = x[j]!;
      const fp = objective(probe);
      x[j] = x0 - step;
      const dn = x[j]!;
      const fm = objective(probe);
      x[j] = x0;
      const g = (fp - fm) / (up - dn);
      num2 += g * g;
      diff2 += (g - an[j]!) ** 2;
    }
    relErr.push(Math.sqrt(diff2) / Math.max(Math.sqrt(num2), 1e-6));
  });
  return { relErr, worst: Math.max(...relErr) };
}
