// Every kernel tier against float64 references computed here in plain loops (independent of all tiers):
// GEMM at awkward shapes, all transposes, leading dimensions wider than the matrix, alpha/beta variants,
// views with a byteOffset; outputs poisoned before each call so an element left unwritten fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Rng } from "../../src/core/rng.js";
import { TransferLabError } from "../../src/core/errors.js";
import { availableTiers, kernelsFor, tierStatus, type Kernels, type Tier } from "../../src/engine/kernels/index.js";
import { GEMM_ISAS, nativeAddon } from "../../src/engine/kernels/native.js";
import type { WasmKernels } from "../../src/engine/kernels/wasm.js";

const POISON = NaN;
const GAP = -7777; // sentinel in leading-dimension gaps and around views: must survive every call
const SMALL_PRODUCT = 96 ** 3; // native/src/gemm.c: products above this are packed and blocked

/** A rows×cols matrix with leading dimension ld, as a view at a non-zero byteOffset inside a bigger buffer. */
function matrix(rng: Rng, rows: number, cols: number, ld: number, fill: "random" | "nan"): { view: Float32Array; whole: Float32Array; off: number } {
  const off = 3 + rng.int(5);
  const len = rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
  const whole = new Float32Array(off + len + 4).fill(GAP);
  const view = whole.subarray(off, off + len);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) view[r * ld + c] = fill === "nan" ? POISON : rng.range(-1, 1);
  return { view, whole, off };
}

interface Case { ta: boolean; tb: boolean; m: number; n: number; k: number; alpha: number; beta: number; pad: number }

// References are computed once per case (the inputs are regenerated from the same seed for every tier).
const refCache = new Map<string, { ref: Float64Array; bound: Float64Array }>();
const U = 2 ** -24; // float32 unit roundoff

function runGemm(K: Kernels, rng: Rng, cs: Case, cacheKey?: string): void {
  const { ta, tb, m, n, k, alpha, beta, pad } = cs;
  const [ar, ac] = ta ? [k, m] : [m, k];
  const [br, bc] = tb ? [n, k] : [k, n];
  const lda = ac + pad, ldb = bc + pad, ldc = n + pad;
  const A = matrix(rng, ar, ac, lda, "random"), B = matrix(rng, br, bc, ldb, "random");
  const C = matrix(rng, m, n, ldc, beta === 0 ? "nan" : "random");
  let cached = cacheKey === undefined ? undefined : refCache.get(cacheKey);
  if (!cached) {
    // bound = |alpha|·(|A||B|)_ij + |beta·C_ij|: any float32 summation order (blocked, FMA) stays within
    // (k + 2)·u·bound of the exact value (Higham, Accuracy and Stability, §3.5).
    const ref = new Float64Array(m * n), bound = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0, sa = 0;
        for (let p = 0; p < k; p++) {
          const x = A.view[ta ? p * lda + i : i * lda + p]! * B.view[tb ? j * ldb + p : p * ldb + j]!;
          s += x;
          sa += Math.abs(x);
        }
        const cb = beta === 0 ? 0 : beta * C.view[i * ldc + j]!;
        ref[i * n + j] = alpha * s + cb;
        bound[i * n + j] = Math.abs(alpha) * sa + Math.abs(cb);
      }
    cached = { ref, bound };
    if (cacheKey !== undefined) refCache.set(cacheKey, cached);
  }
  const { ref, bound } = cached;
  K.gemm(ta, tb, m, n, k, alpha, A.view, lda, B.view, ldb, beta, C.view, ldc);
  let num = 0, den = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const got = C.view[i * ldc + j]!;
      assert.ok(Number.isFinite(got), `${K.tier} ${JSON.stringify(cs)}: C[${i},${j}] = ${got} (unwritten or NaN)`);
      const tol = (k + 2) * U * bound[i * n + j]! + 1e-30;
      if (Math.abs(got - ref[i * n + j]!) > tol) assert.fail(`${K.tier} ${JSON.stringify(cs)}: C[${i},${j}] = ${got}, float64 ${ref[i * n + j]}, beyond the float32 bound ${tol}`);
      num += (got - ref[i * n + j]!) ** 2;
      den += ref[i * n + j]! ** 2;
    }
  const rel = den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  assert.ok(rel < 1e-5, `${K.tier} ${JSON.stringify(cs)}: relative error ${rel}`);
  // Nothing outside the m×n region moved: gaps between rows and the cells around every view.
  for (let i = 0; i < m; i++) for (let j = n; j < ldc && i * ldc + j < C.view.length; j++) assert.equal(C.view[i * ldc + j], GAP, `${K.tier}: C gap written`);
  for (const X of [A, B, C]) {
    for (let t = 0; t < X.off; t++) assert.equal(X.whole[t], GAP, `${K.tier}: wrote before a view`);
    for (let t = X.off + X.view.length; t < X.whole.length; t++) assert.equal(X.whole[t], GAP, `${K.tier}: wrote after a view`);
  }
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [1, 17, 9], [17, 1, 9], [9, 17, 1], [1, 1, 300], [7, 13, 31], [13, 7, 31], [32, 2, 32], [32, 32, 16],
  [5, 0, 4], [0, 5, 4], [6, 16, 8], [12, 32, 64], [67, 45, 300], // k > 256: several K blocks
  [157, 35, 263], // m > 144: several M blocks, row-split threads
  [41, 151, 97], // column-split threads
  [13, 3100, 9], // n > the wasm (2048) and native (3072) column blocks
  [37, 211, 127], // above the native threading threshold, split by columns
  [7, 6200, 23], // split by columns, each half still wider than one native column block
];

function gemmCases(): Case[] {
  const cases: Case[] = [];
  for (const [m, n, k] of SHAPES)
    for (const ta of [false, true]) for (const tb of [false, true]) cases.push({ ta, tb, m, n, k, alpha: 1, beta: 0, pad: (m + n + k) % 3 });
  for (const [m, n, k] of [[7, 13, 31], [1, 1, 1], [40, 50, 60], [131, 97, 70]] as const)
    for (const [alpha, beta] of [[1, 1], [-0.5, 0], [2.5, -0.75], [0, 0.5], [0, 0], [1.5, 1]] as const)
      for (const ta of [false, true]) for (const tb of [false, true]) cases.push({ ta, tb, m, n, k, alpha, beta, pad: 2 });
  // Random shapes around the micro-tile edges (4/6/8/16) and the small-product thresholds.
  const rng = new Rng(99);
  for (let t = 0; t < 40; t++) {
    const dim = (): number => 1 + rng.int(t < 20 ? 20 : 70);
    cases.push({ ta: rng.uniform() < 0.5, tb: rng.uniform() < 0.5, m: dim(), n: dim(), k: dim(), alpha: rng.uniform() < 0.7 ? 1 : rng.range(-2, 2), beta: [0, 0, 1, -0.3][rng.int(4)]!, pad: rng.int(4) });
  }
  // K = 0: C ← beta·C (and zeros for beta = 0, even over NaN)
  for (const beta of [0, 1, -2]) cases.push({ ta: false, tb: true, m: 6, n: 9, k: 0, alpha: 1, beta, pad: 1 });
  return cases;
}

function sqdistCheck(K: Kernels, rng: Rng, n: number, m: number, d: number): void {
  const X = matrix(rng, n, d, d, "random"), Y = matrix(rng, m, d, d, "random");
  const out = matrix(rng, n, m, m, "nan");
  K.sqdist(X.view, n, Y.view, m, d, out.view);
  let num = 0, den = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) s += (X.view[i * d + p]! - Y.view[j * d + p]!) ** 2;
      const got = out.view[i * m + j]!;
      assert.ok(Number.isFinite(got) && got >= 0, `${K.tier} sqdist ${n}×${m}×${d}: out[${i},${j}] = ${got}`);
      num += (got - s) ** 2;
      den += s * s;
    }
  assert.ok(den === 0 ? num === 0 : Math.sqrt(num / den) < 1e-5, `${K.tier} sqdist ${n}×${m}×${d}: relative error ${Math.sqrt(num / den)}`);
  for (let t = 0; t < out.off; t++) assert.equal(out.whole[t], GAP);
  for (let t = out.off + out.view.length; t < out.whole.length; t++) assert.equal(out.whole[t], GAP);
}

/** The tiers to check, plus the native addon's portable path on CPUs where AVX2 is the default. */
function variants(): Array<{ name: string; tier: Tier; setup?: () => void; teardown?: () => void }> {
  const out: Array<{ name: string; tier: Tier; setup?: () => void; teardown?: () => void }> = availableTiers().map((tier) => ({ name: tier, tier }));
  // Every GEMM path this CPU runs below the active one (AVX2 and portable on an AVX-512 machine).
  const addon = nativeAddon();
  if (typeof addon !== "string") {
    const active = addon.info().isa;
    for (const isa of GEMM_ISAS.slice(GEMM_ISAS.indexOf(active) + 1))
      out.push({ name: `native (${isa} micro-kernel)`, tier: "native", setup: () => assert.equal(addon.setIsa(isa), isa), teardown: () => addon.setIsa(active) });
  }
  return out;
}

test("CI exercises the js, wasm and native tiers", () => {
  const tiers = availableTiers();
  assert.ok(tiers.includes("js"));
  if (process.env.CI === "true") {
    for (const t of ["wasm", "native"] as const) {
      const s = tierStatus().find((x) => x.tier === t)!;
      assert.ok(s.available, `tier ${t} unavailable in CI: ${s.detail}`);
    }
  }
});

for (const v of variants()) {
  test(`gemm matches a float64 reference: ${v.name}`, () => {
    const K = kernelsFor(v.tier);
    const rng = new Rng(2024);
    v.setup?.();
    try {
      // Same seed and order for every tier: case i gets the same inputs, so its reference is reused.
      gemmCases().forEach((cs, i) => runGemm(K, rng, cs, `case ${i}`));
    } finally {
      v.teardown?.();
    }
  });

  // The packed (blocked) path only runs above the small-product threshold (96³ multiply-adds): random shapes
  // there, so every micro-tile edge (m mod 14/6/4, n mod 32/16/8), several K blocks and both thread splits occur.
  if (v.tier === "native" || v.tier === "openblas") test(`gemm on random shapes above the small-product threshold matches a float64 reference: ${v.name}`, () => {
    const K = kernelsFor(v.tier);
    v.setup?.();
    try {
      fc.assert(fc.property(
        fc.integer({ min: 1, max: 330 }), fc.integer({ min: 1, max: 330 }), fc.double({ min: 1, max: 2.5, noNaN: true }),
        fc.boolean(), fc.boolean(), fc.constantFrom(0, 1, -0.5), fc.constantFrom(1, -1.25), fc.integer({ min: 0, max: 3 }), fc.integer(),
        (m, n, over, ta, tb, beta, alpha, pad, seed) => {
          const k = Math.ceil((SMALL_PRODUCT * over) / (m * n));
          fc.pre(k <= 3000);
          runGemm(K, new Rng(seed), { ta, tb, m, n, k, alpha, beta, pad });
        },
      ), { seed: 14, numRuns: 40 });
      // Past the AVX-512 path's row (1008) and column (1024) blocks, with ragged edges.
      for (const [m, n, k] of [[1009, 33, 31], [29, 1057, 37], [15, 47, 1500]] as const)
        for (const [ta, tb] of [[false, false], [true, true]] as const) runGemm(K, new Rng(m + n), { ta, tb, m, n, k, alpha: 0.75, beta: 0.5, pad: 1 });
    } finally {
      v.teardown?.();
    }
  });

  test(`sqdist matches a float64 reference: ${v.name}`, () => {
    const K = kernelsFor(v.tier);
    const rng = new Rng(7);
    v.setup?.();
    try {
      for (const [n, m, d] of [[1, 1, 1], [5, 7, 3], [3, 5, 0], [33, 200, 16], [64, 61, 130], [101, 97, 93], [200, 200, 2], [0, 4, 3]]) sqdistCheck(K, rng, n, m, d);
      // ‖x − x‖² is exactly 0 (no ‖x‖² + ‖y‖² − 2x·y cancellation).
      const x = new Float32Array(50 * 9).map(() => rng.range(-100, 100));
      const out = new Float32Array(50 * 50);
      K.sqdist(x, 50, x, 50, 9, out);
      for (let i = 0; i < 50; i++) assert.equal(out[i * 50 + i], 0, `${v.name}: diagonal ${i}`);
    } finally {
      v.teardown?.();
    }
  });

  test(`rbf matches exp in float64: ${v.name}`, () => {
    const K = kernelsFor(v.tier);
    const rng = new Rng(11);
    for (const len of [1, 7, 8, 33, 1003, 4096])
      for (const gammas of [[1], [0.5, 2, 8], [1e-3], [0]])
        for (const withDk of [true, false]) {
          const off = 1 + rng.int(4);
          const dWhole = new Float32Array(off + len + 3).fill(GAP), d = dWhole.subarray(off, off + len);
          for (let i = 0; i < len; i++) d[i] = i % 5 === 0 ? 0 : i % 7 === 0 ? rng.range(80, 200) : rng.range(0, 30);
          const kWhole = new Float32Array(len + 6).fill(GAP), k = kWhole.subarray(2, 2 + len).fill(NaN);
          const dkWhole = new Float32Array(len + 6).fill(GAP), dk = dkWhole.subarray(3, 3 + len).fill(NaN);
          K.rbf(d, len, gammas, k, withDk ? dk : null);
          for (let i = 0; i < len; i++) {
            let s = 0, sd = 0;
            for (const g of gammas) {
              const e = Math.exp(-g * d[i]!);
              s += e;
              sd -= g * e;
            }
            const tol = (x: number): number => 2e-6 * Math.abs(x) + 1e-37;
            assert.ok(Math.abs(k[i]! - s) <= tol(s), `${v.name} rbf len=${len} γ=${gammas}: k[${i}] = ${k[i]} vs ${s} (d = ${d[i]})`);
            if (withDk) assert.ok(Math.abs(dk[i]! - sd) <= tol(sd), `${v.name} rbf: dk[${i}] = ${dk[i]} vs ${sd}`);
          }
          if (!withDk) for (let i = 0; i < len; i++) assert.ok(Number.isNaN(dk[i]), "dk written although null was passed");
          for (const [w, o] of [[kWhole, 2], [dkWhole, 3]] as const) {
            for (let t = 0; t < o; t++) assert.equal(w[t], GAP);
            for (let t = o + len; t < w.length; t++) assert.equal(w[t], GAP);
          }
        }
    // NaN in, NaN out: a bad distance is never hidden as a kernel value of 0 or 1.
    const d = new Float32Array(40).fill(1);
    d[3] = NaN;
    d[37] = NaN;
    const k = new Float32Array(40);
    K.rbf(d, 40, [1], k, null);
    assert.ok(Number.isNaN(k[3]) && Number.isNaN(k[37]) && Math.abs(k[0]! - Math.exp(-1)) < 1e-6);
    assert.throws(() => K.rbf(d, 41, [1], k, null), TransferLabError);
    assert.throws(() => K.rbf(d, 40, [], k, null), TransferLabError);
    assert.throws(() => K.rbf(d, 40, [-1], k, null), TransferLabError);
  });

  test(`bad shapes are typed errors, not out-of-bounds access: ${v.name}`, () => {
    const K = kernelsFor(v.tier);
    const a = new Float32Array(6), b = new Float32Array(5), c = new Float32Array(4);
    assert.throws(() => K.gemm(false, false, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2), TransferLabError); // lda < k
    assert.throws(() => K.gemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2), TransferLabError); // B too short
    assert.throws(() => K.gemm(false, false, 3, 2, 2, 1, a, 2, b, 2, 0, c, 2), TransferLabError); // C too short
    assert.throws(() => K.sqdist(a, 3, b, 3, 3, c), TransferLabError);
    // The same above every tier's small-product threshold (native checks these in C).
    const a4 = new Float32Array(64), b4 = new Float32Array(63), c4 = new Float32Array(64);
    assert.throws(() => K.gemm(false, false, 8, 8, 8, 1, a4, 7, a4, 8, 0, c4, 8), TransferLabError); // lda < k
    assert.throws(() => K.gemm(false, true, 8, 8, 8, 1, a4, 8, b4, 8, 0, c4, 8), TransferLabError); // B too short
    assert.throws(() => K.gemm(true, false, 8, 8, 8, 1, a4, 8, a4, 8, 1, c4, 9), TransferLabError); // C too short for ldc
    assert.throws(() => K.gemm(false, false, 8, 8, 8, 1, a4, 8.5, a4, 8, 0, c4, 8), TransferLabError); // non-integer ld
    assert.throws(() => K.sqdist(a4, 8, b4, 8, 8, c4), TransferLabError);
  });
}

test("each native GEMM path gives the same bits at 1, 2, 3 and 4 threads (the k order of an element never depends on the split; the parked pool grows and shrinks)", () => {
  const addon = nativeAddon();
  if (typeof addon === "string") return;
  const { isa: active, threads } = addon.info();
  const rng = new Rng(5);
  const [m, n, k] = [301, 263, 517]; // above the threading threshold, ragged tiles, three K blocks on every path
  const a = Float32Array.from({ length: m * k }, () => rng.range(-1, 1)), b = Float32Array.from({ length: k * n }, () => rng.range(-1, 1));
  const K = kernelsFor("native");
  try {
    for (const isa of GEMM_ISAS.slice(GEMM_ISAS.indexOf(active))) {
      assert.equal(addon.setIsa(isa), isa);
      // 4 then 3 then 2: parked workers beyond this call's parts must answer without touching C.
      const counts = [1, 2, 4, 3, 2];
      const out = counts.map((t) => {
        addon.setThreads(t);
        const c = new Float32Array(m * n);
        K.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
        return c;
      });
      for (let i = 1; i < counts.length; i++) assert.deepEqual(out[i], out[0], `${isa}: 1 and ${counts[i]} threads differ`);
    }
  } finally {
    addon.setIsa(active);
    addon.setThreads(threads);
  }
});

test("native GEMM from two Node worker threads at once (one owns the parked pool, the other runs alone) gives the single-thread bits", async () => {
  const addon = nativeAddon();
  if (typeof addon === "string") return;
  const { Worker } = await import("node:worker_threads");
  const rng = new Rng(6);
  const [m, n, k] = [301, 263, 517];
  const a = Float32Array.from({ length: m * k }, () => rng.range(-1, 1)), b = Float32Array.from({ length: k * n }, () => rng.range(-1, 1));
  const { threads } = addon.info();
  addon.setThreads(1);
  const ref = new Float32Array(m * n);
  kernelsFor("native").gemm(false, false, m, n, k, 1, a, k, b, n, 0, ref, n);
  addon.setThreads(threads);
  // Each worker repeats the product 60 times with 2 threads.
  // Node 20 does not carry tsx's loader into worker threads: the worker registers it first (as fit-pool does).
  const api = import.meta.resolve("tsx/esm/api");
  const kernelsUrl = new URL("../../src/engine/kernels/index.ts", import.meta.url).href;
  const nativeUrl = new URL("../../src/engine/kernels/native.ts", import.meta.url).href;
  const src = `
    const { parentPort, workerData: { m, n, k, a, b, ready } } = require("node:worker_threads");
    import(${JSON.stringify(api)}).then(async (tsx) => {
      tsx.register();
      const { kernelsFor } = await import(${JSON.stringify(kernelsUrl)});
      const { nativeAddon } = await import(${JSON.stringify(nativeUrl)});
      nativeAddon().setThreads(2);
      const K = kernelsFor("native"), outs = [];
      Atomics.add(ready, 0, 1);
      while (Atomics.load(ready, 0) < 2); // start together, so the two callers overlap in the pool
      for (let r = 0; r < 60; r++) { const c = new Float32Array(m * n); K.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n); outs.push(c); }
      parentPort.postMessage(outs);
    });`;
  const ready = new Int32Array(new SharedArrayBuffer(4));
  const results = await Promise.all([0, 1].map(() => new Promise<Float32Array[]>((resolve, reject) => {
    const w = new Worker(src, { eval: true, workerData: { m, n, k, a, b, ready } });
    w.once("message", (outs: Float32Array[]) => { void w.terminate(); resolve(outs); });
    w.once("error", reject);
  })));
  for (const outs of results) for (const c of outs) assert.deepEqual(c, ref);
});

test("TRANSFERLAB_GEMM_ISA forces a native GEMM path, `transferlab info` names it and why; a bad value is a typed error", () => {
  const addon = nativeAddon();
  if (typeof addon === "string") return;
  const best = addon.info().bestIsa;
  const info = (isa?: string) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "info", "--json"], {
    encoding: "utf8", env: { ...process.env, TRANSFERLAB_KERNELS: "", TRANSFERLAB_GEMM_ISA: isa ?? "" },
  });
  const detail = (r: ReturnType<typeof info>): string => (JSON.parse(r.stdout) as { tiers: Array<{ tier: string; detail: string }> }).tiers.find((t) => t.tier === "native")!.detail;
  const auto = info();
  assert.equal(auto.status, 0, auto.stderr);
  assert.match(detail(auto), { avx512: /AVX-512 .* \(avx512f\+avx512vl detected\)/, avx2: /AVX2\+FMA .* \(avx2\+fma detected\)/, portable: /portable .* \(no avx2 detected\)/ }[best]);
  const forced = info("portable");
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(detail(forced), new RegExp(`portable 4×8 micro-kernel \\(forced by TRANSFERLAB_GEMM_ISA=portable; the CPU runs ${best}\\)`));
  const bad = info("avx1024");
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /TRANSFERLAB_GEMM_ISA=avx1024 is not a GEMM path; use avx512, avx2, portable/);
  if (best !== "avx512") {
    const over = info("avx512");
    assert.notEqual(over.status, 0);
    assert.match(over.stderr, /this CPU only runs/);
  }
});

test("wasm memory stops growing once it holds the largest product", () => {
  if (!availableTiers().includes("wasm")) return;
  const K = kernelsFor("wasm") as WasmKernels;
  const rng = new Rng(3);
  const cs: Case = { ta: false, tb: false, m: 90, n: 80, k: 70, alpha: 1, beta: 0, pad: 0 };
  runGemm(K, rng, cs);
  const bytes = K.memoryBytes();
  for (let r = 0; r < 50; r++) runGemm(K, rng, r % 2 ? cs : { ...cs, m: 30, tb: true });
  assert.equal(K.memoryBytes(), bytes);
});

test("the committed wasm binary is built from assembly/kernels.ts", () => {
  if (!existsSync("node_modules/assemblyscript/bin/asc.js")) {
    assert.notEqual(process.env.CI, "true", "assemblyscript (devDependency) missing in CI");
    return;
  }
  const r = spawnSync(process.execPath, ["scripts/build-wasm.mjs", "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
