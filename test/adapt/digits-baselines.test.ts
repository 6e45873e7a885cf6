// Issue 6's digits protocol (10 target labels per class, 5 seeds, SVC rbf gamma 'scale', global pixel scaling):
// the baselines must land within 2 points of the reference accuracies made with scikit-learn 1.2.1.
// Checked here: target-only on both pairs and source-only optdigits→mnist (the cheap ones). Source-only
// mnist→optdigits trains on 10,000 points (≈15 s), so it and the adaptation methods are in
// `npm run bench -- evaluate`, which also runs scikit-learn/POT on the same splits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveDomainPair } from "../../src/data/registry.js";
import { evaluate } from "../../src/experiment/evaluate.js";
import { getMethod } from "../../src/adapt/registry.js";
import { splitTargetForProtocol } from "../../src/data/split.js";
import { scalePair } from "../../src/data/prepare.js";
import { Rng } from "../../src/core/rng.js";
import { estimatorFactory } from "../../src/estimators/registry.js";

const protocol = { estimator: "svc" as const, targetLabelsPerClass: 10, seeds: 5, scale: "global" as const, protocol: "transductive" as const };

test("optdigits→mnist: source-only 16.9 and target-only 75.0 within 2 points", async () => {
  const pair = await resolveDomainPair("optdigits→mnist", { scaling: "none" });
  const r = await evaluate(pair, { ...protocol, methods: [] });
  const acc = (n: string) => r.methods.find((m) => m.name === n)!.accuracy!.mean;
  assert.ok(Math.abs(acc("source-only") - 16.9) <= 2, `source-only ${acc("source-only").toFixed(1)}`);
  assert.ok(Math.abs(acc("target-only") - 75.0) <= 2, `target-only ${acc("target-only").toFixed(1)}`);
});

test("mnist→optdigits: target-only 90.8 within 2 points", async () => {
  const pair = await resolveDomainPair("mnist→optdigits", { scaling: "none" });
  // Only target-only: evaluate always adds source-only (10,000 training points), so run the protocol's pieces.
  const sc = scalePair(pair.source.X, pair.target.X, "global");
  const target = { ...pair.target, X: sc.target };
  const accs: number[] = [];
  for (let seed = 0; seed < 5; seed++) {
    const s = splitTargetForProtocol(target, 10, "transductive", new Rng(seed).fork("split"));
    const fit = await getMethod("target-only").fit({ source: { ...pair.source, X: sc.source }, target: s.unlabelled, targetLabelled: s.labelled }, { rng: new Rng(seed), estimator: estimatorFactory("svc") });
    const p = fit.predict(s.testX);
    accs.push((100 * p.filter((v, i) => v === s.testLabels[i]).length) / p.length);
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  assert.ok(Math.abs(mean - 90.8) <= 2, `target-only ${mean.toFixed(1)} (per seed ${accs.map((a) => a.toFixed(1)).join(", ")})`);
});
