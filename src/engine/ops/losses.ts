// Fused losses: softmax cross-entropy (torch's CrossEntropyLoss semantics), BCE on logits, MSE.
import { invalidParam, shapeMismatch, TransferLabError } from "../../core/errors.js";
import { Tensor, out, gradOf, needsGrad, record, alloc, indexData, type IndexLike } from "../tensor.js";
import { softmaxRows } from "./reduce.js";

export interface CrossEntropyOptions {
  /** Weight per class (length C), as torch's `weight`. */
  classWeights?: ArrayLike<number>;
  /** ε in [0, 1): targets become (1−ε)·onehot + ε/C, as torch's `label_smoothing`. */
  labelSmoothing?: number;
  /** Weight per sample (length n), e.g. importance weights; multiplies each sample's loss. */
  sampleWeights?: ArrayLike<number>;
}

/**
 * Mean softmax cross-entropy of logits (n×C) against integer labels:
 * Σ_i s_i·[(1−ε)·w_{y_i}·(−log p_{i,y_i}) + (ε/C)·Σ_c w_c·(−log p_{ic})] / Σ_i w_{y_i}
 * (torch's CrossEntropyLoss with weight and label_smoothing when s ≡ 1).
 */
export function softmaxCrossEntropy(logits: Tensor, labels: IndexLike, opts: CrossEntropyOptions = {}): Tensor {
  if (logits.shape.length !== 2) throw shapeMismatch(`softmaxCrossEntropy: logits must be n×C, got [${logits.shape.join(", ")}]`);
  const n = logits.shape[0]!, C = logits.shape[1]!;
  const y = indexData(labels);
  if (y.length !== n) throw shapeMismatch(`softmaxCrossEntropy: ${n} rows of logits but ${y.length} labels`);
  if (n === 0) throw invalidParam("labels", "softmaxCrossEntropy of an empty batch");
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw invalidParam("labelSmoothing", `must be in [0, 1), got ${eps}`);
  const cw = opts.classWeights;
  if (cw !== undefined && cw.length !== C) throw shapeMismatch(`softmaxCrossEntropy: ${cw.length} class weights for ${C} classes`, { param: "classWeights" });
  const sw = opts.sampleWeights;
  if (sw !== undefined && sw.length !== n) throw shapeMismatch(`softmaxCrossEntropy: ${sw.length} sample weights for ${n} samples`, { param: "sampleWeights" });
  const z = logits.data;
  const rg = needsGrad(logits);
  const p = alloc(n * C);
  softmaxRows(z, p, n, C);
  let sumCw = 0;
  if (cw !== undefined) for (let c = 0; c < C; c++) sumCw += cw[c]!;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    if (!(yi >= 0 && yi < C)) throw new TransferLabError("LABEL_MISMATCH", `softmaxCrossEntropy: label ${yi} at row ${i + 1} is outside 0..${C - 1}`, { row: i + 1 });
    const o = i * C;
    // log p_c = z_c − lse computed in float64 for accuracy.
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (z[o + c]! > m) m = z[o + c]!;
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z[o + c]! - m);
    const lse = m + Math.log(s);
    const wy = cw === undefined ? 1 : cw[yi]!;
    let li = (1 - eps) * wy * (lse - z[o + yi]!);
    if (eps > 0) {
      let sm = 0;
      for (let c = 0; c < C; c++) sm += (cw === undefined ? 1 : cw[c]!) * (lse - z[o + c]!);
      li += (eps / C) * sm;
    }
    num += (sw === undefined ? 1 : sw[i]!) * li;
    den += wy;
  }
  if (!(den > 0)) throw invalidParam("classWeights", "the class weights of the batch's labels sum to 0");
  const loss = out([1], rg);
  loss.data[0] = num / den;
  if (rg) {
    record(() => {
      const g = loss.grad;
      if (g === null) return;
      const gz = gradOf(logits);
      const g0 = g[0]! / den;
      for (let i = 0; i < n; i++) {
        const o = i * C, yi = y[i]!;
        const si = g0 * (sw === undefined ? 1 : sw[i]!);
        const wy = cw === undefined ? 1 : cw[yi]!;
        const a = (1 - eps) * wy + (eps / C) * (cw === undefined ? C : sumCw);
        for (let c = 0; c < C; c++) {
          let d = a * p[o + c]!;
          if (c === yi) d -= (1 - eps) * wy;
          if (eps > 0) d -= (eps / C) * (cw === undefined ? 1 : cw[c]!);
          gz[o + c]! += si * d;
        }
      }
    });
  }
  return loss;
}

/** Mean binary cross-entropy on logits against targets in [0, 1]; optional per-element weights. */
export function bceWithLogits(logits: Tensor, targets: Tensor | ArrayLike<number>, weights?: ArrayLike<number>): Tensor {
  const n = logits.size;
  const t = targets instanceof Tensor ? targets.data : targets;
  if (t.length !== n) throw shapeMismatch(`bceWithLogits: ${n} logits but ${t.length} targets`);
  if (weights !== undefined && weights.length !== n) throw shapeMismatch(`bceWithLogits: ${n} logits but ${weights.length} weights`);
  if (n === 0) throw invalidParam("logits", "bceWithLogits of an empty batch");
  const z = logits.data;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = z[i]!;
    const l = Math.max(v, 0) - v * t[i]! + Math.log1p(Math.exp(-Math.abs(v)));
    s += (weights === undefined ? 1 : weights[i]!) * l;
  }
  const rg = needsGrad(logits);
  const loss = out([1], rg);
  loss.data[0] = s / n;
  if (rg) {
    record(() => {
      const g = loss.grad;
      if (g === null) return;
      const gz = gradOf(logits), f = g[0]! / n;
      for (let i = 0; i < n; i++) {
        const sig = 1 / (1 + Math.exp(-z[i]!));
        gz[i]! += f * (weights === undefined ? 1 : weights[i]!) * (sig - t[i]!);
      }
    });
  }
  return loss;
}

/** Σᵢ wᵢ·(pᵢ − aᵢ)², fused (one pass forward, one backward; float64 sum): the anchored penalties of parameter
 * transfer (L2-SP's pull to the pretrained weights, EWC's Fisher-weighted one). `anchor` null means 0, `weights`
 * null means 1; both are constants (no gradient flows to them). */
export function weightedSquaredDistance(p: Tensor, anchor: Tensor | null, weights: Tensor | null = null): Tensor {
  if ((anchor && anchor.size !== p.size) || (weights && weights.size !== p.size)) {
    throw shapeMismatch(`weightedSquaredDistance: sizes differ (${p.size}, ${anchor?.size ?? "-"}, ${weights?.size ?? "-"})`);
  }
  const n = p.size, pd = p.data, ad = anchor?.data ?? null, wd = weights?.data ?? null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = ad ? pd[i]! - ad[i]! : pd[i]!;
    s += (wd ? wd[i]! : 1) * d * d;
  }
  const rg = needsGrad(p);
  const loss = out([1], rg);
  loss.data[0] = s;
  if (rg) {
    record(() => {
      const g = loss.grad;
      if (g === null) return;
      const f = 2 * g[0]!, gp = gradOf(p);
      for (let i = 0; i < n; i++) gp[i]! += f * (wd ? wd[i]! : 1) * (ad ? pd[i]! - ad[i]! : pd[i]!);
    });
  }
  return loss;
}

/** Mean squared error between two tensors of the same size. */
export function mse(a: Tensor, b: Tensor): Tensor {
  if (a.size !== b.size) throw shapeMismatch(`mse: sizes differ (${a.size} and ${b.size})`);
  const n = a.size, ad = a.data, bd = b.data;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = ad[i]! - bd[i]!;
    s += d * d;
  }
  const rg = needsGrad(a, b);
  const loss = out([1], rg);
  loss.data[0] = s / n;
  if (rg) {
    record(() => {
      const g = loss.grad;
      if (g === null) return;
      const f = (2 * g[0]!) / n;
      const ga = a.requiresGrad ? gradOf(a) : null, gb = b.requiresGrad ? gradOf(b) : null;
      for (let i = 0; i < n; i++) {
        const d = f * (ad[i]! - bd[i]!);
        if (ga) ga[i]! += d;
        if (gb) gb[i]! -= d;
      }
    });
  }
  return loss;
}
