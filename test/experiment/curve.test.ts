// `transferlab curve` (runner + report in a few lines) against evaluate, an independent pipeline: at the same K,
// seeds and estimator, target-only and source-only score exactly what evaluate scores.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveDomainPair } from "../../src/data/index.js";
import { labelCurve, evaluate } from "../../src/experiment/index.js";
import { formatCurve } from "../../src/report/index.js";

test("curve: at each K the baselines equal evaluate's; the text names every K", async () => {
  const pair = await resolveDomainPair("moons?angle=40&n=200", { seed: 0 });
  const r = await labelCurve(pair, { grid: [2, 5], seeds: 2, estimator: "knn", methods: [] });
  assert.equal(r.schema, "transferlab/curve");
  for (const p of r.points) {
    const e = await evaluate(pair, { targetLabelsPerClass: p.perClass, seeds: 2, estimator: "knn" });
    for (const name of ["source-only", "target-only"]) {
      assert.deepEqual(p.methods.find((m) => m.name === name)!.accuracy.perSeed, e.methods.find((m) => m.name === name)!.accuracy!.perSeed, `${name} at K=${p.perClass}`);
    }
  }
  const text = formatCurve(r);
  assert.match(text, /^2 +/m);
  assert.match(text, /^5 +/m);
});
