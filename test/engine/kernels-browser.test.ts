// The kernel module must load where there is no Node: bundle it for the browser (a reachable node:
// import fails the bundle) and run it in a fresh JS realm without process, require or Buffer. There the
// wasm tier must be chosen and agree with a float64 reference.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import vm from "node:vm";

const require = createRequire(import.meta.url);

test("kernels load without Node and pick the wasm tier", async () => {
  let esbuild: typeof import("esbuild");
  try {
    esbuild = require("esbuild") as typeof import("esbuild"); // installed with tsx
  } catch {
    assert.notEqual(process.env.CI, "true", "esbuild (via tsx) missing in CI");
    return;
  }
  const out = await esbuild.build({
    entryPoints: ["src/engine/kernels/index.ts"], bundle: true, platform: "browser", format: "iife",
    globalName: "TL", write: false, logLevel: "silent",
  });
  const code = out.outputFiles[0]!.text;
  const sandbox: Record<string, unknown> = { atob: globalThis.atob };
  vm.createContext(sandbox);
  vm.runInContext(code, sandbox);
  const result = vm.runInContext(`(() => {
    const K = TL.kernels();
    const status = TL.tierStatus();
    const m = 19, n = 23, k = 29;
    const a = new Float32Array(m * k), b = new Float32Array(k * n), c = new Float32Array(m * n).fill(NaN);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
    for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
    K.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
    return { tier: K.tier, status, a: Array.from(a), b: Array.from(b), c: Array.from(c), m, n, k };
  })()`, sandbox) as { tier: string; status: Array<{ tier: string; available: boolean; detail: string }>; a: number[]; b: number[]; c: number[]; m: number; n: number; k: number };
  assert.equal(result.tier, "wasm");
  const native = result.status.find((s) => s.tier === "native")!;
  assert.equal(native.available, false);
  assert.match(native.detail, /not running in Node/);
  let num = 0, den = 0;
  for (let i = 0; i < result.m; i++)
    for (let j = 0; j < result.n; j++) {
      let s = 0;
      for (let p = 0; p < result.k; p++) s += result.a[i * result.k + p]! * result.b[p * result.n + j]!;
      num += (result.c[i * result.n + j]! - s) ** 2;
      den += s * s;
    }
  assert.ok(Math.sqrt(num / den) < 1e-5);
});
