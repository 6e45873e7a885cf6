// Modules: parameters with torch-style names, train/eval mode, freeze/unfreeze; the layers and builders.
import { invalidParam } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Parameter, Tensor, type Shape } from "../tensor.js";
import { linear, type Activation, activation, checkActivation, dropout, batchNorm, conv2d, maxPool2d, avgPool2d, flatten } from "../ops/index.js";

export type Init = "torch" | "he" | "xavier";

/** A named, non-trainable state array saved with the weights (e.g. batch-norm running statistics). */
export interface Buffer {
  data: Float32Array;
  shape: Shape;
}

export abstract class Module {
  training = true;
  protected readonly ownParams: [string, Parameter][] = [];
  protected readonly ownBuffers: [string, Buffer][] = [];
  protected readonly children: [string, Module][] = [];

  abstract forward(x: Tensor): Tensor;

  protected param(name: string, p: Parameter): Parameter {
    p.name = name;
    this.ownParams.push([name, p]);
    return p;
  }

  protected child<M extends Module>(name: string, m: M): M {
    this.children.push([name, m]);
    return m;
  }

  /** All parameters with dotted names ("0.weight", "features.1.bias"), frozen ones included. */
  namedParameters(prefix = ""): [string, Parameter][] {
    const out: [string, Parameter][] = this.ownParams.map(([n, p]) => [prefix + n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters that currently require gradients. */
  trainableParameters(): Parameter[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }

  namedBuffers(prefix = ""): [string, Buffer][] {
    const out: [string, Buffer][] = this.ownBuffers.map(([n, b]) => [prefix + n, b]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  namedChildren(): [string, Module][] {
    return this.children.slice();
  }

  /** Training mode (dropout active, batch norm on batch statistics); returns this. */
  train(on = true): this {
    this.training = on;
    for (const [, c] of this.children) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Stop (or resume) gradients for every parameter of this module; returns this. */
  freeze(frozen = true): this {
    for (const p of this.parameters()) p.requiresGrad = !frozen;
    return this;
  }

  unfreeze(): this {
    return this.freeze(false);
  }

  /** Number of parameter values. */
  parameterCount(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.size;
    return n;
  }
}

function uniform(rng: Rng, n: number, bound: number): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.range(-bound, bound);
  return d;
}

/** Weight and bias values for a layer with the given fan-in/out. */
function initWeights(init: Init, rng: Rng, n: number, fanIn: number, fanOut: number, bias: number): [Float32Array, Float32Array] {
  switch (init) {
    case "torch": {
      // kaiming_uniform(a=√5): gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in; bias U(±1/√fan_in).
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      return [uniform(rng, n, bound), uniform(rng, bias, bound)];
    }
    case "he": {
      const std = Math.sqrt(2 / Math.max(fanIn, 1));
      const w = new Float32Array(n);
      for (let i = 0; i < n; i++) w[i] = std * rng.normal();
      return [w, new Float32Array(bias)];
    }
    case "xavier":
      return [uniform(rng, n, Math.sqrt(6 / Math.max(fanIn + fanOut, 1))), new Float32Array(bias)];
    default:
      throw invalidParam("init", `unknown init '${String(init)}'`, "use torch, he or xavier");
  }
}

export interface LinearOptions {
  rng: Rng;
  bias?: boolean;
  /** Fused activation applied after the affine map (default "none"). */
  activation?: Activation;
  /** Negative slope for leakyRelu (default 0.01). */
  slope?: number;
  init?: Init;
}

/** act(x·Wᵀ + b) with W out×in (torch layout), one fused op. */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly activation: Activation;
  readonly slope: number;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions) {
    super();
    if (!(Number.isInteger(inFeatures) && inFeatures > 0 && Number.isInteger(outFeatures) && outFeatures > 0)) {
      throw invalidParam("features", `Linear needs positive integer sizes, got ${inFeatures}→${outFeatures}`);
    }
    const hasBias = opts.bias ?? true;
    const [w, b] = initWeights(opts.init ?? "torch", opts.rng, inFeatures * outFeatures, inFeatures, outFeatures, hasBias ? outFeatures : 0);
    this.weight = this.param("weight", new Parameter(w, [outFeatures, inFeatures]));
    this.bias = hasBias ? this.param("bias", new Parameter(b, [outFeatures])) : null;
    this.activation = checkActivation(opts.activation ?? "none");
    this.slope = opts.slope ?? 0.01;
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, this.activation, this.slope);
  }
}

/** A stand-alone activation. */
export class Act extends Module {
  constructor(readonly kind: Activation, readonly slope = 0.01) {
    super();
    checkActivation(kind);
  }
  forward(x: Tensor): Tensor {
    return activation(x, this.kind, this.slope);
  }
}

export class Dropout extends Module {
  constructor(readonly p: number, private readonly rng: Rng) {
    super();
    if (!(p >= 0 && p < 1)) throw invalidParam("p", `dropout probability must be in [0, 1), got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }
}

/** Batch norm over n×C or n×C×H×W inputs, with affine γ, β and running statistics (saved as buffers). */
export class BatchNorm extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly runningMean: Float32Array;
  readonly runningVar: Float32Array;
  constructor(readonly channels: number, readonly opts: { momentum?: number; eps?: number } = {}) {
    super();
    this.weight = this.param("weight", new Parameter(new Float32Array(channels).fill(1), [channels]));
    this.bias = this.param("bias", new Parameter(new Float32Array(channels), [channels]));
    this.runningMean = new Float32Array(channels);
    this.runningVar = new Float32Array(channels).fill(1);
    this.ownBuffers.push(["running_mean", { data: this.runningMean, shape: [channels] }], ["running_var", { data: this.runningVar, shape: [channels] }]);
  }
  forward(x: Tensor): Tensor {
    return batchNorm(x, this.weight, this.bias, this.runningMean, this.runningVar, { ...this.opts, training: this.training });
  }
}

export interface Conv2dLayerOptions {
  rng: Rng;
  stride?: number;
  padding?: number;
  bias?: boolean;
  init?: Init;
}

export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: number;
  readonly padding: number;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernel: number, opts: Conv2dLayerOptions) {
    super();
    const fanIn = inChannels * kernel * kernel, fanOut = outChannels * kernel * kernel;
    const hasBias = opts.bias ?? true;
    const [w, b] = initWeights(opts.init ?? "torch", opts.rng, outChannels * fanIn, fanIn, fanOut, hasBias ? outChannels : 0);
    this.weight = this.param("weight", new Parameter(w, [outChannels, inChannels, kernel, kernel]));
    this.bias = hasBias ? this.param("bias", new Parameter(b, [outChannels])) : null;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
  }
  /** The convolution, optionally with a fused activation and max pool (Sequential fuses the layers after it). */
  forward(x: Tensor, activation: Activation = "none", maxPool = 1): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, activation, maxPool });
  }
}

export class MaxPool2d extends Module {
  constructor(readonly kernel: number, readonly stride = kernel) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernel, this.stride);
  }
}

export class AvgPool2d extends Module {
  constructor(readonly kernel: number, readonly stride = kernel) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernel, this.stride);
  }
}

export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return flatten(x);
  }
}

/**
 * Modules applied in order; children are named "0", "1", ... A Conv2d followed by a ReLU `Act` and/or a
 * `MaxPool2d` whose stride equals its window runs as one fused conv2d op (same values; the layers and their
 * parameter names stay as they are).
 */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.child(String(i), m));
  }
  forward(x: Tensor): Tensor {
    let h = x;
    const L = this.layers;
    for (let i = 0; i < L.length; i++) {
      const m = L[i]!;
      if (!(m instanceof Conv2d)) {
        h = m.forward(h);
        continue;
      }
      let next = L[i + 1];
      const relu = next instanceof Act && next.kind === "relu";
      if (relu) next = L[i + 2];
      const pool = next instanceof MaxPool2d && next.stride === next.kernel ? next.kernel : 1;
      h = m.forward(h, relu ? "relu" : "none", pool);
      i += (relu ? 1 : 0) + (pool > 1 ? 1 : 0);
    }
    return h;
  }
}

export interface MlpOptions {
  rng: Rng;
  /** Hidden activation, fused into each Linear (default "relu"). */
  activation?: Activation;
  /** Also apply the activation after the last layer (a feature extractor), default false (logits). */
  finalActivation?: boolean;
  /** Dropout probability after each hidden activation (default 0: none). */
  dropout?: number;
  /** Batch norm before each hidden activation (the Linear then has no fused activation). */
  batchNorm?: boolean;
  init?: Init;
  slope?: number;
}

/** An MLP over sizes [in, h1, ..., out]: Linear layers with fused activations. */
export function mlp(sizes: readonly number[], opts: MlpOptions): Sequential {
  if (sizes.length < 2) throw invalidParam("sizes", `an MLP needs at least an input and an output size, got [${sizes.join(", ")}]`);
  const act = opts.activation ?? "relu";
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    const withAct = !last || opts.finalActivation === true;
    if (withAct && opts.batchNorm) {
      layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { rng: opts.rng, init: opts.init }));
      layers.push(new BatchNorm(sizes[i + 1]!));
      layers.push(new Act(act, opts.slope));
    } else {
      layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { rng: opts.rng, activation: withAct ? act : "none", init: opts.init, slope: opts.slope }));
    }
    if (withAct && !last && (opts.dropout ?? 0) > 0) layers.push(new Dropout(opts.dropout!, opts.rng.fork("dropout")));
  }
  return new Sequential(layers);
}

export interface CnnOptions {
  rng: Rng;
  inChannels: number;
  height: number;
  width: number;
  /** Output channels of each conv block (conv k×k "same" padding → activation → 2×2 max pool). */
  channels: readonly number[];
  kernel?: number;
  /** Hidden sizes of the MLP head. */
  hidden?: readonly number[];
  classes: number;
  activation?: Activation;
  init?: Init;
}

/** A small CNN: conv blocks, flatten, MLP head producing logits. */
export function cnn(opts: CnnOptions): Sequential {
  const k = opts.kernel ?? 3;
  const act = opts.activation ?? "relu";
  const layers: Module[] = [];
  let c = opts.inChannels, h = opts.height, w = opts.width;
  for (const f of opts.channels) {
    layers.push(new Conv2d(c, f, k, { rng: opts.rng, padding: k >> 1, init: opts.init }));
    layers.push(new Act(act));
    h = Math.floor((h + 2 * (k >> 1) - k) + 1);
    w = Math.floor((w + 2 * (k >> 1) - k) + 1);
    if (h >= 2 && w >= 2) {
      layers.push(new MaxPool2d(2));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
    c = f;
  }
  layers.push(new Flatten());
  layers.push(mlp([c * h * w, ...(opts.hidden ?? []), opts.classes], { rng: opts.rng, activation: act, init: opts.init }));
  return new Sequential(layers);
}
