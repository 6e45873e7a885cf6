// Reductions over axes (sum, mean, max) and softmax / log-softmax over the last axis.
import { invalidParam } from "../../core/errors.js";
import { Tensor, out, gradOf, needsGrad, record, type Shape } from "../tensor.js";
import { pad4 } from "./elementwise.js";

interface Plan {
  outShape: number[];
  x4: number[];
  /** 4-D strides into the output (0 along reduced axes). */
  so: number[];
  count: number;
}

function plan(shape: Shape, axes: number | number[] | undefined, keepDims: boolean, name: string): Plan {
  const r = shape.length;
  const list = axes === undefined ? shape.map((_, i) => i) : Array.isArray(axes) ? axes : [axes];
  const red = new Array<boolean>(r).fill(false);
  for (const a0 of list) {
    const a = a0 < 0 ? a0 + r : a0;
    if (!Number.isInteger(a) || a < 0 || a >= r) throw invalidParam("axes", `${name}: axis ${a0} is out of range for a ${r}-D tensor`);
    red[a] = true;
  }
  const outShape: number[] = [];
  const kept: number[] = [];
  let count = 1;
  for (let i = 0; i < r; i++) {
    if (red[i]) {
      count *= shape[i]!;
      if (keepDims) outShape.push(1);
    } else {
      outShape.push(shape[i]!);
    }
    kept.push(red[i] ? 1 : shape[i]!);
  }
  if (outShape.length === 0) outShape.push(1);
  const so = [0, 0, 0, 0];
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    so[4 - r + i] = red[i] ? 0 : acc;
    acc *= kept[i]!;
  }
  return { outShape, x4: pad4(shape), so, count };
}

function reduceSum(x: Tensor, p: Plan, scale: number): Tensor {
  const rg = needsGrad(x);
  const y = out(p.outShape, rg, true);
  const xd = x.data, yd = y.data, x4 = p.x4, so = p.so;
  if (yd.length === 1) {
    let s = 0;
    for (let i = 0, n = xd.length; i < n; i++) s += xd[i]!;
    yd[0] = s * scale;
  } else {
    let k = 0;
    for (let i0 = 0; i0 < x4[0]!; i0++)
      for (let i1 = 0; i1 < x4[1]!; i1++)
        for (let i2 = 0; i2 < x4[2]!; i2++) {
          let o = i0 * so[0]! + i1 * so[1]! + i2 * so[2]!;
          const s3 = so[3]!;
          for (let i3 = 0; i3 < x4[3]!; i3++, o += s3) yd[o]! += xd[k++]!;
        }
    if (scale !== 1) for (let i = 0; i < yd.length; i++) yd[i]! *= scale;
  }
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x);
      if (g.length === 1) {
        const v = g[0]! * scale;
        for (let i = 0, n = gx.length; i < n; i++) gx[i]! += v;
        return;
      }
      let k = 0;
      for (let i0 = 0; i0 < x4[0]!; i0++)
        for (let i1 = 0; i1 < x4[1]!; i1++)
          for (let i2 = 0; i2 < x4[2]!; i2++) {
            let o = i0 * so[0]! + i1 * so[1]! + i2 * so[2]!;
            const s3 = so[3]!;
            for (let i3 = 0; i3 < x4[3]!; i3++, o += s3) gx[k++]! += g[o]! * scale;
          }
    });
  }
  return y;
}

/** Sum over axes (all when omitted). */
export function sum(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return reduceSum(x, plan(x.shape, axes, keepDims, "sum"), 1);
}

/** Mean over axes (all when omitted). */
export function mean(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const p = plan(x.shape, axes, keepDims, "mean");
  if (p.count === 0) throw invalidParam("axes", "mean over an empty axis");
  return reduceSum(x, p, 1 / p.count);
}

/** Max over axes (all when omitted); the gradient goes to the first maximal element. */
export function max(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const p = plan(x.shape, axes, keepDims, "max");
  if (p.count === 0) throw invalidParam("axes", "max over an empty axis");
  const rg = needsGrad(x);
  const y = out(p.outShape, rg);
  const yd = y.data, xd = x.data, x4 = p.x4, so = p.so;
  yd.fill(-Infinity);
  const arg = new Int32Array(yd.length);
  let k = 0;
  for (let i0 = 0; i0 < x4[0]!; i0++)
    for (let i1 = 0; i1 < x4[1]!; i1++)
      for (let i2 = 0; i2 < x4[2]!; i2++) {
        let o = i0 * so[0]! + i1 * so[1]! + i2 * so[2]!;
        const s3 = so[3]!;
        for (let i3 = 0; i3 < x4[3]!; i3++, o += s3, k++) {
          const v = xd[k]!;
          if (v > yd[o]! || Number.isNaN(v)) {
            yd[o] = v;
            arg[o] = k;
          }
        }
      }
  if (rg) recordArgmaxBackward(x, y, arg);
  return y;
}

function lastAxis(x: Tensor, name: string): [number, number] {
  const c = x.shape[x.shape.length - 1]!;
  if (c === 0) throw invalidParam("x", `${name}: the last axis is empty`);
  return [x.size / c, c];
}

/** Index of the largest value along the last axis (first on ties), e.g. predicted classes; no gradient. */
export function argmax(x: Tensor): Int32Array {
  const [rows, c] = lastAxis(x, "argmax");
  return argmaxRows(x.data, rows, c);
}

/** argmax of each row of a row-major rows×cols array (first on ties), for plain arrays such as class scores. */
export function argmaxRows(data: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < cols; j++) if (data[r * cols + j]! > data[r * cols + best]!) best = j;
    out[r] = best;
  }
  return out;
}

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  const [rows, c] = lastAxis(x, "softmax");
  const rg = needsGrad(x);
  const y = out(x.shape, rg);
  softmaxRows(x.data, y.data, rows, c);
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x), yd = y.data;
      for (let r = 0; r < rows; r++) {
        const o = r * c;
        let dot = 0;
        for (let j = 0; j < c; j++) dot += g[o + j]! * yd[o + j]!;
        for (let j = 0; j < c; j++) gx[o + j]! += yd[o + j]! * (g[o + j]! - dot);
      }
    });
  }
  return y;
}

/** Row-wise softmax of x (rows×c) into p; returns nothing. */
export function softmaxRows(x: Float32Array, p: Float32Array, rows: number, c: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let m = -Infinity;
    for (let j = 0; j < c; j++) if (x[o + j]! > m) m = x[o + j]!;
    let s = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(x[o + j]! - m);
      p[o + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < c; j++) p[o + j]! *= inv;
  }
}

/** Log-softmax over the last axis. */
export function logSoftmax(x: Tensor): Tensor {
  const [rows, c] = lastAxis(x, "logSoftmax");
  const rg = needsGrad(x);
  const y = out(x.shape, rg);
  const xd = x.data, yd = y.data;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let m = -Infinity;
    for (let j = 0; j < c; j++) if (xd[o + j]! > m) m = xd[o + j]!;
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(xd[o + j]! - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < c; j++) yd[o + j] = xd[o + j]! - lse;
  }
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x);
      for (let r = 0; r < rows; r++) {
        const o = r * c;
        let gs = 0;
        for (let j = 0; j < c; j++) gs += g[o + j]!;
        for (let j = 0; j < c; j++) gx[o + j]! += g[o + j]! - Math.exp(yd[o + j]!) * gs;
      }
    });
  }
  return y;
}


/** Backward of a max (reduction or pooling): each output's gradient goes to the input element that won. */
export function recordArgmaxBackward(x: Tensor, y: Tensor, arg: ArrayLike<number>): void {
  record(() => {
    const g = y.grad;
    if (g === null) return;
    const gx = gradOf(x);
    for (let o = 0; o < g.length; o++) gx[arg[o]!]! += g[o]!;
  });
}
