// Tensor: row-major Float32Array + shape (1-D to 4-D). Autograd state lives on the tensor (grad) and on a
// flat global tape of backward closures; buffers come from a size-keyed pool while inside `tidy`.
import { Matrix } from "../core/matrix.js";
import { TransferLabError, invalidParam, shapeMismatch } from "../core/errors.js";

export type Shape = readonly number[];

// ---------------------------------------------------------------------------------------------------------
// Buffer pool and scopes

interface Scope {
  owned: Float32Array[];
  tapeStart: number;
}

const free = new Map<number, Float32Array[]>();
let pooledCount = 0; // buffers sitting in the free lists
let freshCount = 0; // buffers ever allocated inside scopes (a leak shows up as growth)
const scopes: Scope[] = [];

/** A buffer of n floats with undefined contents (pooled inside `tidy`, fresh outside). */
export function alloc(n: number): Float32Array {
  const s = scopes.length > 0 ? scopes[scopes.length - 1]! : null;
  if (s === null) return new Float32Array(n);
  const list = free.get(n);
  let b: Float32Array;
  if (list !== undefined && list.length > 0) {
    b = list.pop()!;
    pooledCount--;
  } else {
    b = new Float32Array(n);
    freshCount++;
  }
  s.owned.push(b);
  return b;
}

/** A zero-filled buffer of n floats. */
export function allocZero(n: number): Float32Array {
  const s = scopes.length > 0;
  const b = alloc(n);
  if (s) b.fill(0);
  return b;
}

function collectKept(v: unknown, into: Set<ArrayBufferLike>, depth = 0): void {
  if (depth > 4 || v === null || typeof v !== "object") return;
  if (v instanceof Tensor) {
    into.add(v.data.buffer);
    if (v.grad !== null) into.add(v.grad.buffer);
    return;
  }
  if (Array.isArray(v)) for (const x of v) collectKept(x, into, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) collectKept(x, into, depth + 1);
}

/**
 * Run fn with pooled buffers: every buffer allocated inside goes back to the pool when fn returns, except
 * those of tensors in the return value. Backward closures recorded inside and not yet run are dropped.
 */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { owned: [], tapeStart: tape.length };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
    if (tape.length > scope.tapeStart) tape.length = scope.tapeStart;
  }
  const kept = new Set<ArrayBufferLike>();
  collectKept(result, kept);
  const outer = scopes.length > 0 ? scopes[scopes.length - 1]! : null;
  for (const b of scope.owned) {
    if (kept.has(b.buffer)) {
      if (outer !== null) outer.owned.push(b); // released when the outer scope ends
      continue;
    }
    let list = free.get(b.length);
    if (list === undefined) free.set(b.length, (list = []));
    list.push(b);
    pooledCount++;
  }
  return result;
}

/** Diagnostics for leak tests: buffers in the pool, buffers ever allocated in scopes, tape entries, open scopes. */
export function engineStats(): { pooledBuffers: number; allocatedBuffers: number; pooledSizes: number; tapeLength: number; scopes: number } {
  return { pooledBuffers: pooledCount, allocatedBuffers: freshCount, pooledSizes: free.size, tapeLength: tape.length, scopes: scopes.length };
}

/** Drop every pooled buffer (lets the GC reclaim them). */
export function clearPool(): void {
  free.clear();
  pooledCount = 0;
}

// ---------------------------------------------------------------------------------------------------------
// Tape and grad mode

type Backward = () => void;
const tape: Backward[] = [];
const TAPE_LIMIT = 100_000; // far above any single step; a forgotten noGrad() fails loudly instead of leaking
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn without recording gradients. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Record a backward closure (ops call this only when their output requires grad). */
export function record(fn: Backward): void {
  if (tape.length >= TAPE_LIMIT) {
    tape.length = 0;
    throw new TransferLabError("MEMORY_BUDGET", `the autograd tape passed ${TAPE_LIMIT} entries without backward()`, {}, "wrap each step in tidy(), call backward(), or evaluate under noGrad()");
  }
  tape.push(fn);
}

/** Does an op with these inputs record? (grad mode on and some input requires grad) */
export function needsGrad(a: Tensor, b?: Tensor | null, c?: Tensor | null): boolean {
  return gradEnabled && (a.requiresGrad || (b != null && b.requiresGrad) || (c != null && c.requiresGrad));
}

/** Run the tape backwards from a one-element tensor; gradients accumulate into .grad; the tape is cleared. */
export function backward(loss: Tensor, gradOutput = 1): void {
  if (loss.size !== 1) throw invalidParam("loss", `backward() needs a one-element loss, got shape [${loss.shape.join(", ")}]`, "reduce with sum() or mean() first");
  if (!loss.requiresGrad) throw invalidParam("loss", "backward() on a tensor that does not require grad", "no parameter or input with requiresGrad reached this loss (frozen model or noGrad?)");
  gradOf(loss)[0]! += gradOutput;
  try {
    for (let i = tape.length - 1; i >= 0; i--) tape[i]!();
  } finally {
    tape.length = 0; // every recorded closure has run (retain-graph is not supported)
  }
}

/**
 * The gradient buffer of t, allocated zeroed on first use: pooled when t was created in the current tidy
 * scope (it dies with the scope), persistent for parameters and for tensors that outlive the scope.
 */
export function gradOf(t: Tensor): Float32Array {
  let g = t.grad;
  if (g === null) {
    g = t.isParameter || t.depth !== scopes.length || t.depth === 0 ? new Float32Array(t.size) : allocZero(t.size);
    t.grad = g;
  }
  return g;
}

// ---------------------------------------------------------------------------------------------------------
// Tensor

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: Shape, where: string): void {
  if (shape.length < 1 || shape.length > 4) throw shapeMismatch(`${where}: tensors have 1 to 4 dimensions, got [${shape.join(", ")}]`);
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw shapeMismatch(`${where}: bad dimension ${d} in [${shape.join(", ")}]`);
}

export class Tensor {
  readonly dtype = "float32" as const;
  data: Float32Array;
  readonly shape: Shape;
  readonly size: number;
  grad: Float32Array | null = null;
  requiresGrad: boolean;
  /** Parameters keep persistent (non-pooled) gradient buffers and are what optimizers update. */
  isParameter = false;
  /** Optional name (parameters get theirs from their module). */
  name = "";
  /** tidy() nesting depth at creation (decides whether the gradient buffer may be pooled). */
  readonly depth: number = scopes.length;

  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    this.data = data;
    this.shape = shape;
    this.size = data.length;
    this.requiresGrad = requiresGrad;
  }

  /** Checked construction: the shape must match the data length. */
  static of(data: Float32Array, shape: Shape): Tensor {
    checkShape(shape, "tensor");
    if (sizeOf(shape) !== data.length) throw shapeMismatch(`tensor: data has ${data.length} values but shape [${shape.join(", ")}] needs ${sizeOf(shape)}`);
    return new Tensor(data, shape.slice());
  }

  /** Shares m.data (no copy). */
  static fromMatrix(m: Matrix): Tensor {
    return new Tensor(m.data, [m.rows, m.cols]);
  }

  /** A 2-D tensor as a core Matrix sharing the same storage (no copy); 1-D tensors become n×1. */
  toMatrix(): Matrix {
    if (this.shape.length === 1) return new Matrix(this.shape[0]!, 1, this.data);
    if (this.shape.length !== 2) throw shapeMismatch(`toMatrix needs a 1-D or 2-D tensor, got [${this.shape.join(", ")}]`);
    return new Matrix(this.shape[0]!, this.shape[1]!, this.data);
  }

  get rank(): number {
    return this.shape.length;
  }

  item(): number {
    if (this.size !== 1) throw invalidParam("tensor", `item() needs a one-element tensor, got shape [${this.shape.join(", ")}]`);
    return this.data[0]!;
  }

  /** Mark this tensor as needing a gradient (in place); returns it. */
  requireGrad(on = true): this {
    this.requiresGrad = on;
    return this;
  }

  backward(gradOutput = 1): void {
    backward(this, gradOutput);
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  /** A copy that owns fresh (non-pooled) storage and no gradient. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape.slice());
  }

  // Chaining helpers; the implementations live in ops/ (installed by ops/index.ts).
  add(b: Tensor | number): Tensor { return methods.add(this, b); }
  sub(b: Tensor | number): Tensor { return methods.sub(this, b); }
  mul(b: Tensor | number): Tensor { return methods.mul(this, b); }
  div(b: Tensor | number): Tensor { return methods.div(this, b); }
  matmul(b: Tensor): Tensor { return methods.matmul(this, b); }
  sum(axes?: number | number[], keepDims = false): Tensor { return methods.sum(this, axes, keepDims); }
  mean(axes?: number | number[], keepDims = false): Tensor { return methods.mean(this, axes, keepDims); }
  reshape(shape: Shape): Tensor { return methods.reshape(this, shape); }
}

/** A trainable tensor: persistent storage and gradient; optimizers update it in place. */
export class Parameter extends Tensor {
  constructor(data: Float32Array, shape: Shape, name = "") {
    super(data, shape, true);
    this.isParameter = true;
    this.name = name;
  }
}

/** Int32 tensor for labels and indices (no gradient). */
export class IntTensor {
  readonly dtype = "int32" as const;
  constructor(readonly data: Int32Array, readonly shape: Shape) {
    checkShape(shape, "IntTensor");
    if (sizeOf(shape) !== data.length) throw shapeMismatch(`IntTensor: data has ${data.length} values but shape [${shape.join(", ")}] needs ${sizeOf(shape)}`);
  }
  static from(values: ArrayLike<number>): IntTensor {
    return new IntTensor(values instanceof Int32Array ? values : Int32Array.from(values), [values.length]);
  }
  get size(): number {
    return this.data.length;
  }
}

export type IndexLike = Int32Array | IntTensor | readonly number[];

export function indexData(i: IndexLike): Int32Array {
  if (i instanceof Int32Array) return i;
  if (i instanceof IntTensor) return i.data;
  return Int32Array.from(i);
}

interface Methods {
  add(a: Tensor, b: Tensor | number): Tensor;
  sub(a: Tensor, b: Tensor | number): Tensor;
  mul(a: Tensor, b: Tensor | number): Tensor;
  div(a: Tensor, b: Tensor | number): Tensor;
  matmul(a: Tensor, b: Tensor): Tensor;
  sum(a: Tensor, axes?: number | number[], keepDims?: boolean): Tensor;
  mean(a: Tensor, axes?: number | number[], keepDims?: boolean): Tensor;
  reshape(a: Tensor, shape: Shape): Tensor;
}
const methods = {} as Methods;
/** ops/index.ts installs the chaining implementations here (avoids an import cycle). */
export function installMethods(m: Methods): void {
  Object.assign(methods, m);
}

// ---------------------------------------------------------------------------------------------------------
// Constructors

/** A tensor from nested arrays (1-D or 2-D) or from a Float32Array with a shape (copied only for arrays). */
export function tensor(values: Float32Array | ArrayLike<number> | ArrayLike<ArrayLike<number>>, shape?: Shape): Tensor {
  if (values instanceof Float32Array) return Tensor.of(values, shape ?? [values.length]);
  const first = values.length > 0 ? values[0] : undefined;
  if (first !== undefined && typeof first === "object") {
    const m = Matrix.from(values as ArrayLike<ArrayLike<number>>);
    return Tensor.of(m.data, shape ?? [m.rows, m.cols]);
  }
  const d = Float32Array.from(values as ArrayLike<number>);
  return Tensor.of(d, shape ?? [d.length]);
}

export function zeros(shape: Shape): Tensor {
  checkShape(shape, "zeros");
  return new Tensor(allocZero(sizeOf(shape)), shape.slice());
}

export function full(shape: Shape, v: number): Tensor {
  checkShape(shape, "full");
  const d = alloc(sizeOf(shape));
  d.fill(v);
  return new Tensor(d, shape.slice());
}

export function scalar(v: number): Tensor {
  const d = alloc(1);
  d[0] = v;
  return new Tensor(d, [1]);
}

/** New op output: pooled storage, requiresGrad set when the op records. */
export function out(shape: Shape, rg: boolean, zero = false): Tensor {
  const n = sizeOf(shape);
  return new Tensor(zero ? allocZero(n) : alloc(n), shape, rg);
}
