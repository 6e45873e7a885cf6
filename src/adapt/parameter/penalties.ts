// The regularisers of the parameter family, as engine ops so autograd gives their gradients: the anchored squared
// distance behind L2-SP and EWC, the diagonal Fisher of EWC, and the distillation term of LwF.
import type { Labels } from "../../core/domain.js";
import type { Matrix } from "../../core/matrix.js";
import { Tensor, add, gather, logSoftmax, mul, noGrad, softmax, softmaxCrossEntropy, sub, sum, tidy, weightedSquaredDistance, type Parameter } from "../../engine/index.js";
import type { DeepNetwork } from "../deep/define.js";

/** Σₖ Σᵢ wₖᵢ·(pₖᵢ − aₖᵢ)² over parameters p with anchors a (null: towards 0) and optional weights w (one fused op
 * per parameter tensor: this runs every fine-tuning step over every weight). */
export function anchoredSquaredDistance(params: Parameter[], anchors: (Tensor | null)[], weights?: Tensor[]): Tensor {
  let total: Tensor | null = null;
  params.forEach((p, k) => {
    const term = weightedSquaredDistance(p, anchors[k] ?? null, weights?.[k] ?? null);
    total = total ? add(total, term) : term;
  });
  return total!;
}

/** A constant tensor (no gradient, outside any tidy scope) holding a copy of `data` in the shape of `like`. */
export function constantLike(like: Tensor, data: Float32Array): Tensor {
  return new Tensor(data.slice(), [...like.shape]);
}

/** The diagonal empirical Fisher of the classification task at the network's current parameters: for every
 * parameter, the mean over the given rows of the squared gradient of that row's log-likelihood −ℓ(x, y) (one
 * backward pass per row, accumulated in float64). Returns one array per parameter of `params`. */
export function diagonalFisher(network: DeepNetwork, params: Parameter[], X: Matrix, y: Labels, rows: ArrayLike<number>): Float32Array[] {
  const acc = params.map((p) => new Float64Array(p.size));
  const x = Tensor.fromMatrix(X);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    tidy(() => {
      for (const p of params) p.grad?.fill(0);
      const loss = softmaxCrossEntropy(network.head.forward(network.backbone.module.forward(gather(x, [i]))), Int32Array.of(y[i]!));
      loss.backward();
      params.forEach((p, k) => {
        const g = p.grad!, a = acc[k]!;
        for (let j = 0; j < g.length; j++) a[j]! += g[j]! * g[j]!;
      });
    });
  }
  for (const p of params) p.grad?.fill(0);
  return acc.map((a) => Float32Array.from(a, (v) => v / rows.length));
}

/** Teacher probabilities at temperature T, softmax(z/T), of fixed logits (rows × classes). */
export function softTargets(network: DeepNetwork, X: Matrix, T: number): Float32Array {
  return noGrad(() => softmax(mul(network.head.forward(network.backbone.module.forward(Tensor.fromMatrix(X))), 1 / T))).data.slice();
}

/** Distillation: the mean over rows of KL(q ‖ softmax(z/T)) = Σ_c q_c (log q_c − log softmax(z/T)_c), with q the
 * teacher's probabilities at T (constants) and z the student's logits. Rows with q_c = 0 contribute 0 for c. */
export function distillationKl(studentLogits: Tensor, teacher: Tensor, T: number): Tensor {
  const n = studentLogits.shape[0]!;
  // Σ q log q is a constant (in float64): it makes the value a KL (≥ 0, 0 when the student matches), not the gradient.
  let qLogQ = 0;
  for (const v of teacher.data) if (v > 0) qLogQ += v * Math.log(v);
  const cross = sum(mul(teacher, logSoftmax(mul(studentLogits, 1 / T))));
  return mul(sub(cross, qLogQ), -1 / n);
}
