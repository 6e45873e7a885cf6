// numpy's legacy generator re-implemented: checked against values numpy itself produced
// (test/fixtures/demo/make_numpy_reference.py → numpy_reference.json) and against seed_fingerprint.py's printout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NumpyRandomState } from "../../src/data/numpy-rng.js";
import { referencePair, sampleGaussianClasses64, REFERENCE_DEFAULTS } from "../../src/data/generators/reference.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/demo/numpy_reference.json", import.meta.url), "utf8"));

/** Equal up to a few ulps: V8's Math.log may differ from glibc's log in the last bit. */
function close(a: number, b: number, rel = 1e-13, what = ""): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs numpy ${b}`);
}

test("MT19937 outputs and random_sample equal numpy's bit for bit", () => {
  for (const [seed, v] of Object.entries<any>(fx.raw)) {
    const rs = new NumpyRandomState(Number(seed));
    assert.deepEqual(Array.from({ length: 8 }, () => rs.nextUint32()), v.uint32, `uint32 seed ${seed}`);
    const rs2 = new NumpyRandomState(Number(seed));
    assert.deepEqual(Array.from({ length: 8 }, () => rs2.randomSample()), v.random_sample, `doubles seed ${seed}`);
  }
});

test("legacy randn (polar method, cached second value) matches numpy", () => {
  for (const [seed, v] of Object.entries<any>(fx.raw)) {
    const rs = new NumpyRandomState(Number(seed));
    const z = rs.randn(2001, 1);
    v.randn_first.forEach((b: number, i: number) => close(z[i]!, b, 1e-13, `seed ${seed} randn[${i}]`));
    close(z[1000]!, v.randn_1000, 1e-13, `seed ${seed} randn[1000]`);
    close(z[2000]!, v.randn_2000, 1e-13, `seed ${seed} randn[2000]`);
    close(z.reduce((a, b) => a + b, 0), v.randn_sum, 1e-10, `seed ${seed} sum`);
  }
});

test("seed_fingerprint.py's seed-42 data values are reproduced", () => {
  // Printed by /work/shared/reference/seed_fingerprint.py (numpy 1.24.2).
  const rs = new NumpyRandomState(42);
  const s = sampleGaussianClasses64(rs, 1000, { means: REFERENCE_DEFAULTS.sourceMeans, sigma: 0.5 });
  const tspec = { means: REFERENCE_DEFAULTS.targetMeans, sigma: 0.6, rotationDeg: 45 };
  const tt = sampleGaussianClasses64(rs, 50, tspec);
  const te = sampleGaussianClasses64(rs, 200, tspec);
  close(s.X[0]!, -1.7516429234943836); close(s.X[1]!, -2.069132150585592);
  close(s.X[1000]!, 2.699677718293001); close(s.X[1999]!, 1.6275486775967756);
  close(tt.X[0]!, -0.22513980280392745); close(tt.X[99]!, 1.1020107405774011);
  close(te.X[0]!, 0.5424050996836978); close(te.X[399]!, 1.8938115045921118);
  close(s.X.reduce((a, b) => a + b, 0), 45.08414653574, 1e-11);
  close(tt.X.reduce((a, b) => a + b, 0), -4.211961884985, 1e-11);
  close(te.X.reduce((a, b) => a + b, 0), -12.104901786566, 1e-11);
});

test("referencePair draws every array as the tutorial does, in the tutorial's order", () => {
  for (const [seed, v] of Object.entries<any>(fx.pairs)) {
    const pair = referencePair(new NumpyRandomState(Number(seed)));
    const check = (got: Float32Array, want: number[][], what: string) => {
      const flat = want.flat();
      assert.equal(got.length, flat.length, what);
      // Matrices are float32: each value must be numpy's float64 rounded to float32 (up to one float32 ulp).
      for (let i = 0; i < flat.length; i++) assert.ok(Math.abs(got[i]! - flat[i]!) <= 2.5e-7 * Math.max(1, Math.abs(flat[i]!)), `${what}[${i}] seed ${seed}`);
    };
    check(pair.source.X.data, v.X_source, "source");
    check(pair.targetLabelled.X.data, v.X_target_train, "target train");
    check(pair.targetTest.X.data, v.X_target_test, "target test");
    check(pair.targetUnlabelled!.X.data.subarray(0, 6), v.X_target_unlabelled_first, "unlabelled");
    assert.equal(pair.targetUnlabelled!.y, undefined);
    assert.deepEqual(Array.from(pair.source.y.subarray(498, 502)), [0, 0, 1, 1]);
  }
});

test("seeds outside numpy's range are refused with a named parameter", () => {
  assert.throws(() => new NumpyRandomState(-1), /parameter 'seed'/);
  assert.throws(() => new NumpyRandomState(2 ** 32), /parameter 'seed'/);
  assert.throws(() => new NumpyRandomState(1.5), /parameter 'seed'/);
});
