// Matrix products: matmul (all transpose combinations) and the fused linear layer act(x·Wᵀ + b).
import { shapeMismatch } from "../../core/errors.js";
import { kernels, NATIVE_GEMM_MIN_WORK, type LinearKernels } from "../kernels/index.js";
import { gemmUnchecked } from "../kernels/js.js";
import { Tensor, out, gradOf, needsGrad, record, alloc } from "../tensor.js";
import { type Activation, activateInto, activateGrad } from "./elementwise.js";

/**
 * Products with m·n·k at or below this go straight to the TypeScript kernel (kernels/js.ts, no argument checks)
 * instead of the active tier. Default 0 (always the tier): measured, even the workload's 32×2·2×32 product is
 * faster through the native (0.3 µs) and wasm (1 µs) tiers than in TypeScript (5 µs); the hook stays for tiers
 * with costlier calls.
 */
let smallGemm = 0;
export function setSmallGemmThreshold(mnk: number): void {
  smallGemm = mnk;
}
export function smallGemmThreshold(): number {
  return smallGemm;
}

/** C ← alpha·op(A)·op(B) + beta·C through the active tier (or the TypeScript kernel when tiny). */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
  beta: number, c: Float32Array, ldc: number,
): void {
  if (m === 0 || n === 0) return;
  if (m * n * k <= smallGemm) return gemmUnchecked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  kernels().gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

function dims2(t: Tensor, op: string, what: string): [number, number] {
  if (t.shape.length !== 2) throw shapeMismatch(`${op}: ${what} must be 2-D, got [${t.shape.join(", ")}]`);
  return [t.shape[0]!, t.shape[1]!];
}

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/** op(a)·op(b) for 2-D tensors; op transposes when asked. */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const tA = opts.transA === true, tB = opts.transB === true;
  const [ar, ac] = dims2(a, "matmul", "a");
  const [br, bc] = dims2(b, "matmul", "b");
  const m = tA ? ac : ar, k = tA ? ar : ac;
  const k2 = tB ? bc : br, n = tB ? br : bc;
  if (k !== k2) throw shapeMismatch(`matmul: inner dimensions differ: op(a) is ${m}×${k}, op(b) is ${k2}×${n}`);
  const rg = needsGrad(a, b);
  const y = out([m, n], rg);
  gemm(tA, tB, m, n, k, 1, a.data, ac, b.data, bc, 0, y.data, n);
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      // C = op(A)op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G; transposed storage swaps the product order.
      if (a.requiresGrad) {
        const ga = gradOf(a);
        if (!tA) gemm(false, !tB, m, k, n, 1, g, n, b.data, bc, 1, ga, ac);
        else gemm(tB, true, k, m, n, 1, b.data, bc, g, n, 1, ga, ac);
      }
      if (b.requiresGrad) {
        const gb = gradOf(b);
        if (!tB) gemm(!tA, false, k, n, m, 1, a.data, ac, g, n, 1, gb, bc);
        else gemm(true, tA, n, k, m, 1, g, n, a.data, ac, 1, gb, bc);
      }
    });
  }
  return y;
}

/**
 * Fused linear layer: act(x·Wᵀ + b) with x n×in, W out×in (torch layout), b of length out (or null).
 * One output buffer, one backward closure.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null, act: Activation = "none", slope = 0.01): Tensor {
  const [n, inF] = dims2(x, "linear", "x");
  const [outF, inW] = dims2(w, "linear", "weight");
  if (inW !== inF) throw shapeMismatch(`linear: input has ${inF} features but the weight expects ${inW}`);
  if (b !== null && b.size !== outF) throw shapeMismatch(`linear: bias has ${b.size} values, expected ${outF}`);
  const rg = needsGrad(x, w, b);
  const y = out([n, outF], rg);
  const yd = y.data;
  const k = kernels().linear;
  // Products the tier itself would hand to the TypeScript kernel stay on this path, so the fused layer never changes a bit.
  if (k !== undefined && (act === "relu" || act === "none") && n * outF * inF > Math.max(smallGemm, NATIVE_GEMM_MIN_WORK - 1)) return linearKernel(k, x, w, b, y, act === "relu", n, inF, outF);
  gemm(false, true, n, outF, inF, 1, x.data, inF, w.data, inF, 0, yd, outF);
  // Pre-activations are needed in backward only where the output does not determine the derivative.
  let pre: Float32Array | null = null;
  if (act === "relu" || act === "none") {
    // One pass: bias add and activation.
    if (b !== null) {
      const bd = b.data;
      for (let i = 0; i < n; i++) {
        const o = i * outF;
        if (act === "relu") for (let j = 0; j < outF; j++) { const v = yd[o + j]! + bd[j]!; yd[o + j] = v > 0 ? v : 0; }
        else for (let j = 0; j < outF; j++) yd[o + j]! += bd[j]!;
      }
    } else if (act === "relu") activateInto(act, yd, yd, yd.length, slope);
  } else {
    if (b !== null) {
      const bd = b.data;
      for (let i = 0; i < n; i++) {
        const o = i * outF;
        for (let j = 0; j < outF; j++) yd[o + j]! += bd[j]!;
      }
    }
    if (rg && (act === "gelu" || (act === "leakyRelu" && !(slope > 0)))) {
      pre = alloc(yd.length);
      pre.set(yd);
    }
    activateInto(act, yd, yd, yd.length, slope);
  }
  if (rg) {
    const p = pre;
    record(() => linearBackward(x, w, b, y, act, slope, p, n, inF, outF));
  }
  return y;
}

/** linear on a tier with the fused layer (ReLU or none): the same values as the loops below, in one call each way. */
function linearKernel(k: LinearKernels, x: Tensor, w: Tensor, b: Tensor | null, y: Tensor, relu: boolean, n: number, inF: number, outF: number): Tensor {
  const dims = Int32Array.of(n, inF, outF, relu ? 1 : 0);
  k.forward(dims, x.data, w.data, b === null ? null : b.data, y.data);
  if (y.requiresGrad) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gb = b !== null && b.requiresGrad ? gradOf(b) : null;
      k.backward(dims, x.data, w.data, y.data, g, relu ? alloc(g.length) : null, x.requiresGrad ? gradOf(x) : null, w.requiresGrad ? gradOf(w) : null, gb);
    });
  }
  return y;
}

// Backward of linear as a top-level function: hot loops read arguments, not closure context slots.
function linearBackward(x: Tensor, w: Tensor, b: Tensor | null, y: Tensor, act: Activation, slope: number, pre: Float32Array | null, n: number, inF: number, outF: number): void {
  const g = y.grad;
  if (g === null) return;
  const yd = y.data;
  // One pass: the activation's derivative and the bias gradient.
  const gb = b !== null && b.requiresGrad ? gradOf(b) : null;
  let gp = g;
  if (act === "relu") {
    gp = alloc(g.length);
    if (gb !== null) {
      for (let i = 0; i < n; i++) {
        const o = i * outF;
        for (let j = 0; j < outF; j++) {
          const v = yd[o + j]! > 0 ? g[o + j]! : 0;
          gp[o + j] = v;
          gb[j]! += v;
        }
      }
    } else {
      for (let q = 0, len = g.length; q < len; q++) gp[q] = yd[q]! > 0 ? g[q]! : 0;
    }
  } else if (act !== "none") {
    gp = alloc(g.length);
    for (let q = 0, len = g.length; q < len; q++) {
      const v = act === "leakyRelu" && pre === null ? (yd[q]! > 0 ? g[q]! : g[q]! * slope) : g[q]! * activateGrad(act, pre === null ? yd[q]! : pre[q]!, yd[q]!, slope);
      gp[q] = v;
    }
    if (gb !== null) for (let i = 0; i < n; i++) for (let j = 0; j < outF; j++) gb[j]! += gp[i * outF + j]!;
  } else if (gb !== null) {
    for (let i = 0; i < n; i++) {
      const o = i * outF;
      for (let j = 0; j < outF; j++) gb[j]! += g[o + j]!;
    }
  }
  if (x.requiresGrad) gemm(false, false, n, inF, outF, 1, gp, outF, w.data, inF, 1, gradOf(x), inF);
  if (w.requiresGrad) gemm(true, false, outF, inF, n, 1, gp, outF, x.data, inF, 1, gradOf(w), inF);
}
