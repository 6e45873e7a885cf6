// Shape ops: reshape and flatten (views), row slices (views), other slices, concat, transpose, gather (copies).
import { invalidParam, shapeMismatch } from "../../core/errors.js";
import { Tensor, out, gradOf, needsGrad, record, sizeOf, indexData, type IndexLike, type Shape } from "../tensor.js";

/** Same storage, new shape (one dimension may be −1). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const s = shape.slice();
  const neg = s.indexOf(-1);
  if (neg >= 0) {
    let rest = 1;
    for (let i = 0; i < s.length; i++) if (i !== neg) rest *= s[i]!;
    s[neg] = rest === 0 ? 0 : x.size / rest;
  }
  if (s.length < 1 || s.length > 4 || sizeOf(s) !== x.size || s.some((d) => !Number.isInteger(d) || d < 0)) {
    throw shapeMismatch(`reshape: cannot view [${x.shape.join(", ")}] (${x.size} values) as [${shape.join(", ")}]`);
  }
  const rg = needsGrad(x);
  const y = new Tensor(x.data, s, rg);
  if (rg) record(() => addGrad(y, x, 0));
  return y;
}

/** Keep the first axis, merge the rest: [n, ...] → [n, rest] (a view). */
export function flatten(x: Tensor): Tensor {
  return reshape(x, [x.shape[0]!, x.shape[0] === 0 ? 0 : x.size / x.shape[0]!]);
}

function addGrad(y: Tensor, x: Tensor, offset: number): void {
  const g = y.grad;
  if (g === null) return;
  const gx = gradOf(x);
  for (let i = 0, n = g.length; i < n; i++) gx[offset + i]! += g[i]!;
}

function axisOf(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw invalidParam("axis", `${op}: axis ${axis} is out of range for a ${rank}-D tensor`);
  return a;
}

/** Elements [start, end) along an axis. Along axis 0 this is a view; along other axes a copy. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = axisOf(axis, x.shape.length, "slice");
  const len = x.shape[a]!;
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= len)) {
    throw invalidParam("start", `slice: range [${start}, ${end}) is outside 0..${len} on axis ${axis}`);
  }
  const s = x.shape.slice();
  s[a] = end - start;
  const rg = needsGrad(x);
  let inner = 1;
  for (let i = a + 1; i < x.shape.length; i++) inner *= x.shape[i]!;
  if (a === 0) {
    const y = new Tensor(x.data.subarray(start * inner, end * inner), s, rg);
    if (rg) record(() => addGrad(y, x, start * inner));
    return y;
  }
  let outer = 1;
  for (let i = 0; i < a; i++) outer *= x.shape[i]!;
  const y = out(s, rg);
  const w = (end - start) * inner, xs = len * inner;
  for (let o = 0; o < outer; o++) y.data.set(x.data.subarray(o * xs + start * inner, o * xs + start * inner + w), o * w);
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x);
      for (let o = 0; o < outer; o++) for (let i = 0; i < w; i++) gx[o * xs + start * inner + i]! += g[o * w + i]!;
    });
  }
  return y;
}

/** Concatenate along an axis (a copy); all other dimensions must agree. */
export function concat(parts: readonly Tensor[], axis = 0): Tensor {
  if (parts.length === 0) throw invalidParam("parts", "concat of no tensors");
  const r = parts[0]!.shape.length;
  const a = axisOf(axis, r, "concat");
  let total = 0;
  for (const p of parts) {
    if (p.shape.length !== r) throw shapeMismatch(`concat: ranks differ ([${parts[0]!.shape.join(", ")}] and [${p.shape.join(", ")}])`);
    for (let i = 0; i < r; i++) {
      if (i !== a && p.shape[i] !== parts[0]!.shape[i]) throw shapeMismatch(`concat: shapes [${parts[0]!.shape.join(", ")}] and [${p.shape.join(", ")}] differ off axis ${a}`);
    }
    total += p.shape[a]!;
  }
  const s = parts[0]!.shape.slice();
  s[a] = total;
  let outer = 1, inner = 1;
  for (let i = 0; i < a; i++) outer *= s[i]!;
  for (let i = a + 1; i < r; i++) inner *= s[i]!;
  let rg = false;
  for (const p of parts) if (needsGrad(p)) rg = true;
  const y = out(s, rg);
  const row = total * inner;
  let off = 0;
  const offs: number[] = [];
  for (const p of parts) {
    const w = p.shape[a]! * inner;
    for (let o = 0; o < outer; o++) y.data.set(p.data.subarray(o * w, (o + 1) * w), o * row + off);
    offs.push(off);
    off += w;
  }
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      parts.forEach((p, k) => {
        if (!p.requiresGrad) return;
        const gp = gradOf(p), w = p.shape[a]! * inner, o0 = offs[k]!;
        for (let o = 0; o < outer; o++) for (let i = 0; i < w; i++) gp[o * w + i]! += g[o * row + o0 + i]!;
      });
    });
  }
  return y;
}

/** Transpose of a 2-D tensor (a copy). */
export function transpose(x: Tensor): Tensor {
  if (x.shape.length !== 2) throw shapeMismatch(`transpose: needs a 2-D tensor, got [${x.shape.join(", ")}]`);
  const [r, c] = [x.shape[0]!, x.shape[1]!];
  const rg = needsGrad(x);
  const y = out([c, r], rg);
  const xd = x.data, yd = y.data;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) yd[j * r + i] = xd[i * c + j]!;
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) gx[i * c + j]! += g[j * r + i]!;
    });
  }
  return y;
}

/** Rows of x by index along axis 0 (a copy); repeated indices accumulate their gradients. */
export function gather(x: Tensor, indices: IndexLike): Tensor {
  const idx = indexData(indices);
  const n = x.shape[0]!;
  const inner = n === 0 ? 0 : x.size / n;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (!(i >= 0 && i < n)) throw invalidParam("indices", `gather: index ${i} at position ${k} is outside 0..${n - 1}`);
  }
  const s = x.shape.slice();
  s[0] = idx.length;
  const rg = needsGrad(x);
  const y = out(s, rg);
  const xd = x.data, yd = y.data;
  if (inner === 1) for (let k = 0; k < idx.length; k++) yd[k] = xd[idx[k]!]!;
  else for (let k = 0; k < idx.length; k++) yd.set(xd.subarray(idx[k]! * inner, (idx[k]! + 1) * inner), k * inner);
  if (rg) {
    record(() => {
      const g = y.grad;
      if (g === null) return;
      const gx = gradOf(x);
      for (let k = 0; k < idx.length; k++) {
        const o = idx[k]! * inner;
        for (let p = 0; p < inner; p++) gx[o + p]! += g[k * inner + p]!;
      }
    });
  }
  return y;
}
