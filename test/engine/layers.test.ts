// The fused layers (conv block = conv + bias + ReLU + max pool, linear, SGD step) on every kernel tier: values and
// gradients against float64 references computed here in plain loops, the native layers' bit-for-bit agreement
// with the TypeScript paths they replace, and typed errors for bad buffers at the addon's boundary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { TransferLabError } from "../../src/core/errors.js";
import * as E from "../../src/engine/index.js";
import { availableTiers, kernels, kernelsFor, useTier } from "../../src/engine/kernels/index.js";

interface ConvCase { n: number; C: number; H: number; W: number; F: number; k: number; stride: number; pad: number; relu: boolean; pool: number }

const CASES: ConvCase[] = [
  { n: 3, C: 1, H: 8, W: 8, F: 5, k: 3, stride: 1, pad: 1, relu: true, pool: 2 }, // the digit CNN's first block
  { n: 2, C: 4, H: 4, W: 4, F: 6, k: 3, stride: 1, pad: 1, relu: true, pool: 2 }, // its second block
  { n: 2, C: 3, H: 7, W: 6, F: 4, k: 3, stride: 1, pad: 1, relu: true, pool: 2 }, // odd side: a row no window covers
  { n: 2, C: 3, H: 5, W: 5, F: 4, k: 3, stride: 2, pad: 1, relu: false, pool: 1 },
  { n: 1, C: 2, H: 9, W: 9, F: 3, k: 2, stride: 1, pad: 0, relu: false, pool: 3 },
  { n: 2, C: 2, H: 6, W: 5, F: 70, k: 3, stride: 1, pad: 1, relu: true, pool: 1 }, // more channels than one block
];

/** conv → bias → ReLU → k×k max pool in float64, with the winners (for the reference backward). */
function reference(c: ConvCase, x: Float32Array, w: Float32Array, b: Float32Array) {
  const oh = Math.floor((c.H + 2 * c.pad - c.k) / c.stride) + 1, ow = Math.floor((c.W + 2 * c.pad - c.k) / c.stride) + 1;
  const act = new Float64Array(c.n * c.F * oh * ow);
  for (let i = 0; i < c.n; i++)
    for (let f = 0; f < c.F; f++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let s = b[f]!;
          for (let ch = 0; ch < c.C; ch++)
            for (let ki = 0; ki < c.k; ki++)
              for (let kj = 0; kj < c.k; kj++) {
                const iy = oy * c.stride + ki - c.pad, ix = ox * c.stride + kj - c.pad;
                if (iy >= 0 && iy < c.H && ix >= 0 && ix < c.W) s += x[((i * c.C + ch) * c.H + iy) * c.W + ix]! * w[((f * c.C + ch) * c.k + ki) * c.k + kj]!;
              }
          act[((i * c.F + f) * oh + oy) * ow + ox] = c.relu ? Math.max(s, 0) : s;
        }
  const p = c.pool, ph = p > 1 ? Math.floor((oh - p) / p) + 1 : oh, pw = p > 1 ? Math.floor((ow - p) / p) + 1 : ow;
  const y = new Float64Array(c.n * c.F * ph * pw), arg = new Int32Array(y.length);
  for (let q = 0; q < c.n * c.F; q++)
    for (let py = 0; py < ph; py++)
      for (let px = 0; px < pw; px++) {
        let best = -Infinity, bi = -1;
        for (let di = 0; di < p; di++)
          for (let dj = 0; dj < p; dj++) {
            const idx = (q * oh + py * p + di) * ow + px * p + dj;
            if (act[idx]! > best) { best = act[idx]!; bi = idx; }
          }
        y[(q * ph + py) * pw + px] = best;
        arg[(q * ph + py) * pw + px] = bi;
      }
  return { y, arg, act, oh, ow, shape: [c.n, c.F, ph, pw] };
}

/** Gradients of Σ r·y in float64: r through the pool's winners and the ReLU's mask, then the convolution's adjoint. */
function referenceGrads(c: ConvCase, x: Float32Array, w: Float32Array, r: Float32Array, ref: ReturnType<typeof reference>) {
  const { oh, ow } = ref;
  const dz = new Float64Array(ref.act.length);
  for (let o = 0; o < r.length; o++) dz[ref.arg[o]!]! += r[o]!;
  if (c.relu) for (let q = 0; q < dz.length; q++) if (!(ref.act[q]! > 0)) dz[q] = 0;
  const gx = new Float64Array(x.length), gw = new Float64Array(w.length), gb = new Float64Array(c.F);
  for (let i = 0; i < c.n; i++)
    for (let f = 0; f < c.F; f++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const d = dz[((i * c.F + f) * oh + oy) * ow + ox]!;
          gb[f]! += d;
          for (let ch = 0; ch < c.C; ch++)
            for (let ki = 0; ki < c.k; ki++)
              for (let kj = 0; kj < c.k; kj++) {
                const iy = oy * c.stride + ki - c.pad, ix = ox * c.stride + kj - c.pad;
                if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
                const xi = ((i * c.C + ch) * c.H + iy) * c.W + ix, wi = ((f * c.C + ch) * c.k + ki) * c.k + kj;
                gx[xi]! += d * w[wi]!;
                gw[wi]! += d * x[xi]!;
              }
        }
  return { gx, gw, gb };
}

function worstRelative(got: Float32Array, want: Float64Array): number {
  let scale = 1e-3;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / scale);
  return Number.isNaN(worst) || got.length !== want.length ? Infinity : worst;
}

const random = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.range(-1, 1));

for (const tier of availableTiers()) {
  test(`conv2d with fused ReLU and max pool matches float64 conv → ReLU → pool, values and gradients (${tier} tier)`, () => {
    useTier(tier);
    try {
      const rng = new Rng(41);
      for (const c of CASES) {
        const xd = random(rng, c.n * c.C * c.H * c.W), wd = random(rng, c.F * c.C * c.k * c.k), bd = random(rng, c.F);
        const ref = reference(c, xd, wd, bd);
        const x = new E.Tensor(xd.slice(), [c.n, c.C, c.H, c.W]).requireGrad();
        const w = new E.Tensor(wd.slice(), [c.F, c.C, c.k, c.k]).requireGrad();
        const b = new E.Tensor(bd.slice(), [c.F]).requireGrad();
        const y = E.conv2d(x, w, b, { stride: c.stride, padding: c.pad, activation: c.relu ? "relu" : "none", maxPool: c.pool });
        const what = `${JSON.stringify(c)} on ${tier}`;
        assert.deepEqual([...y.shape], ref.shape, what);
        assert.ok(worstRelative(y.data, ref.y) < 1e-5, `values ${what}`);
        const r = random(rng, y.size);
        E.sum(E.mul(y, new E.Tensor(r, y.shape))).backward();
        const g = referenceGrads(c, xd, wd, r, ref);
        assert.ok(worstRelative(x.grad!, g.gx) < 1e-5, `dx ${what}`);
        assert.ok(worstRelative(w.grad!, g.gw) < 1e-5, `dw ${what}`);
        assert.ok(worstRelative(b.grad!, g.gb) < 1e-5, `db ${what}`);
      }
    } finally {
      useTier(availableTiers()[0]!);
    }
  });

  test(`the fused linear layer equals matmul + biasActivation bit for bit, values and gradients (${tier} tier)`, () => {
    useTier(tier);
    try {
      const rng = new Rng(42);
      for (const act of ["relu", "none"] as const)
        for (const [n, i, o] of [[7, 5, 3], [64, 128, 256], [3, 40, 1]] as const) {
          const xd = random(rng, n * i), wd = random(rng, o * i), bd = random(rng, o), r = random(rng, n * o);
          const run = (fused: boolean) => {
            const x = new E.Tensor(xd.slice(), [n, i]).requireGrad(), w = new E.Tensor(wd.slice(), [o, i]).requireGrad(), b = new E.Tensor(bd.slice(), [o]).requireGrad();
            const y = fused ? E.linear(x, w, b, act) : E.biasActivation(E.matmul(x, w, { transB: true }), b, act);
            E.sum(E.mul(y, new E.Tensor(r, [n, o]))).backward();
            return [y.data, x.grad!, w.grad!, b.grad!];
          };
          const fused = run(true), composed = run(false);
          fused.forEach((a, k) => assert.ok(a.every((v, j) => Object.is(v, composed[k]![j])), `${act} ${n}×${i}→${o}, output ${k} on ${tier}`));
        }
    } finally {
      useTier(availableTiers()[0]!);
    }
  });
}

test("the native SGD step gives the TypeScript loop's bits (momentum, Nesterov, dampening, weight decay, plain)", (t) => {
  if (!availableTiers().includes("native") || kernelsFor("native").sgdStep === undefined) return t.skip("no native SGD step");
  const settings = [
    { momentum: 0.9, weightDecay: 5e-4 }, { momentum: 0.9, nesterov: true, weightDecay: 1e-2 },
    { momentum: 0.5, dampening: 0.3 }, { weightDecay: 0.1 },
  ];
  for (const s of settings) {
    const finals = (["native", "js"] as const).map((tier) => {
      useTier(tier);
      const rng = new Rng(3);
      const p = new E.Parameter(Float32Array.from({ length: 1000 }, () => rng.normal()), [1000]);
      const opt = new E.SGD([p], { lr: 0.01, ...s });
      for (let step = 0; step < 5; step++) {
        p.grad = Float32Array.from({ length: 1000 }, () => rng.normal());
        opt.setLrFactor(1 / (1 + step));
        opt.step();
      }
      return p.data;
    });
    useTier(availableTiers()[0]!);
    assert.ok(finals[0]!.every((v, i) => Object.is(v, finals[1]![i])), JSON.stringify(s));
  }
});

test("CDAN's outer product and the gradient reversal give the TypeScript loops' bits on the native tier", (t) => {
  if (!availableTiers().includes("native") || kernelsFor("native").outer === undefined || kernelsFor("native").axpy === undefined) return t.skip("no native outer/axpy");
  const results = (["native", "js"] as const).map((tier) => {
    useTier(tier);
    const rng = new Rng(5);
    const a = new E.Tensor(random(rng, 6 * 7), [6, 7]).requireGrad(), b = new E.Tensor(random(rng, 6 * 3), [6, 3]).requireGrad();
    const y = E.gradReverse(E.outer(a, b), 0.37);
    E.sum(E.mul(y, new E.Tensor(random(rng, y.size), y.shape))).backward();
    return [y.data, a.grad!, b.grad!];
  });
  useTier(availableTiers()[0]!);
  results[0]!.forEach((v, k) => assert.ok(v.every((z, j) => Object.is(z, results[1]![k]![j])), `output ${k}`));
});

test("a Sequential of Conv2d → ReLU → MaxPool2d (fused) equals the same layers run one by one", () => {
  const rng = new Rng(9);
  const net = new E.Sequential([new E.Conv2d(1, 4, 3, { rng, padding: 1 }), new E.Act("relu"), new E.MaxPool2d(2), new E.Conv2d(4, 3, 3, { rng, padding: 1 }), new E.Act("relu"), new E.Flatten()]);
  const x = new E.Tensor(random(rng, 2 * 64), [2, 1, 8, 8]);
  let h = x;
  for (const layer of net.layers) h = layer.forward(h);
  const fused = net.forward(x);
  assert.deepEqual([...fused.shape], [...h.shape]);
  for (let i = 0; i < h.size; i++) assert.ok(Math.abs(fused.data[i]! - h.data[i]!) <= 1e-6 * (1 + Math.abs(h.data[i]!)), `element ${i}`);
  assert.deepEqual(net.namedParameters().map(([name]) => name), ["0.weight", "0.bias", "3.weight", "3.bias"], "parameter names unchanged");
});

test("conv2d's fused options and the native layers' buffers are checked: typed errors, never out-of-bounds access", (t) => {
  const x = E.zeros([1, 1, 4, 4]), w = E.zeros([2, 1, 3, 3]);
  assert.throws(() => E.conv2d(x, w, null, { maxPool: 0 }), (e: unknown) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER" && /maxPool/.test(e.message));
  assert.throws(() => E.conv2d(x, w, null, { maxPool: 5 }), (e: unknown) => e instanceof TransferLabError && e.code === "SHAPE_MISMATCH");
  assert.throws(() => E.conv2d(x, w, null, { activation: "swish" as E.Activation }), (e: unknown) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER");
  const k = availableTiers().includes("native") ? kernelsFor("native") : null;
  if (k?.conv === undefined || k.linear === undefined || k.sgdStep === undefined) return t.skip("no native layers");
  const geom = Int32Array.of(1, 1, 4, 4, 2, 3, 3, 1, 1, 1, 2); // 1×1×4×4 input, 2 filters 3×3, pad 1, ReLU, pool 2
  const f = (n: number) => new Float32Array(n);
  const shape = (fn: () => void, what: RegExp) => assert.throws(fn, (e: unknown) => e instanceof TransferLabError && e.code === "SHAPE_MISMATCH" && what.test(e.message));
  shape(() => k.conv!.forward(geom, f(16), f(18), null, f(143), f(32), new Int32Array(8), f(8), f(18)), /cols/);
  shape(() => k.conv!.forward(geom, f(16), f(18), null, f(144), f(32), new Int32Array(7), f(8), f(18)), /arg/);
  shape(() => k.conv!.forward(Int32Array.of(1, 1, 4, 4, 2, 9, 9, 1, 0, 1, 2), f(16), f(162), null, f(1), f(1), null, f(1), f(1)), /geometry/);
  const arg = Int32Array.of(0, 1, 2, 3, 4, 5, 6, 99); // an index outside the 32 activations
  shape(() => k.conv!.backward(geom, f(8), f(18), f(144), f(32), arg, f(18), f(2), null, f(32 + 36)), /arg/);
  shape(() => k.linear!.forward(Int32Array.of(2, 3, 4, 1), f(6), f(11), null, f(8)), /w/);
  shape(() => k.sgdStep!(f(10), f(9), null, new Float64Array(6)), /grad/);
  if (k.outer !== undefined) shape(() => k.outer!.forward(Int32Array.of(2, 3, 4), f(6), f(8), f(23)), /too short/);
  if (k.axpy !== undefined) shape(() => k.axpy!(2, f(3), f(4)), /at least as long/);
  assert.equal(kernels().tier, availableTiers()[0]);
});
