import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { logME, leep, hScore } from "../../src/metrics/transferability.js";

// Truth: float64 numpy implementations of the published algorithms, test/fixtures/metrics/make_transferability.py.
const fx = JSON.parse(readFileSync(new URL("../fixtures/metrics/transferability.json", import.meta.url), "utf8")) as {
  cases: Array<{ name: string; F: number[][]; y: number[]; theta: number[][]; logme: number; leep: number; hscore: number | null }>;
};

for (const c of fx.cases) {
  test(`LogME, LEEP and H-score equal the reference script: ${c.name}`, () => {
    const F = Matrix.from(c.F), y = Int32Array.from(c.y);
    const lm = logME(F, y).value;
    assert.ok(Math.abs(lm - c.logme) < 1e-6 * Math.max(1, Math.abs(c.logme)), `LogME ${lm} vs ${c.logme}`);
    // θ is stored in float32 by Matrix; the reference renormalised its float32-rounded rows, so they agree to ~1e-7.
    const le = leep(Matrix.from(c.theta), y);
    assert.ok(Math.abs(le - c.leep) < 1e-6, `LEEP ${le} vs ${c.leep}`);
    if (c.hscore !== null) {
      const h = hScore(F, y);
      assert.ok(Math.abs(h - c.hscore) < 1e-6 * Math.max(1, c.hscore), `H-score ${h} vs ${c.hscore}`);
    }
  });
}

test("scores order an informative representation above a useless one", () => {
  const inf = fx.cases.find((c) => c.name === "informative")!, weak = fx.cases.find((c) => c.name === "weak")!;
  assert.ok(inf.logme > weak.logme && inf.leep > weak.leep);
  assert.ok(logME(Matrix.from(inf.F), Int32Array.from(inf.y)).value > logME(Matrix.from(weak.F), Int32Array.from(weak.y)).value);
});

test("H-score with a singular cov(f) (d ≥ n): rows in general position separate any labelling, so H = k − 1 exactly", async () => {
  const { Rng } = await import("../../src/core/rng.js");
  // n points in general position in d ≥ n − 1 dimensions: every labelling is linearly separable with zero within-class
  // variance along the k − 1 discriminant directions, so tr(cov(f)⁺ cov(E[f|y])) = k − 1. Float32 sums in cov(f) (or a
  // cutoff below the eigensolver's accuracy) inverted noise eigenvalues: 9.785 for 50 × 200, 10.279 for 50 × 300,
  // −1e5 for 50 × 784 (all with k = 10).
  for (const [n, d, k] of [[50, 200, 10], [50, 300, 10], [30, 100, 5]] as const) {
    const rng = new Rng(11);
    const X = new Matrix(n, d), y = Int32Array.from({ length: n }, (_, i) => i % k);
    for (let q = 0; q < X.data.length; q++) X.data[q] = rng.normal();
    const h = hScore(X, y);
    assert.ok(Math.abs(h - (k - 1)) < 1e-6, `${n}×${d}, k = ${k}: H-score ${h}, expected ${k - 1}`);
  }
});
