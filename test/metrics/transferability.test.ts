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
