// A solver stopped at its iteration cap shows in the verdict, not only in the notes: KMM with maxIter 2 is
// flagged on every fit (it is fitted once: one fit); with a tolerance it reaches (1e-3) it is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { generators } from "../../src/data/generators/index.js";
import { evaluate, formatEvaluation } from "../../src/experiment/evaluate.js";

test("evaluate: KMM at its iteration cap is NOT CONVERGED in the verdict line; converged runs are not", async () => {
  const pair = generators.covariate!.make({ n: 150, bias: 2 }, new Rng(3));
  const opts = { methods: ["kmm"] as const, estimator: "logreg" as const, seeds: 2, targetLabelsPerClass: 5 };
  const capped = await evaluate(pair, { ...opts, methodParams: { kmm: { maxIter: 2 } } });
  const kmm = capped.methods.find((m) => m.name === "kmm")!;
  assert.equal(kmm.unconvergedFits, 1);
  assert.ok(kmm.notes.some((n) => /maxIter=2/.test(n)));
  const line = formatEvaluation(capped).split("\n").find((l) => l.startsWith("kmm "))!;
  assert.match(line, /NOT CONVERGED \(1 fit at the iteration cap/);
  const free = await evaluate(pair, { ...opts, methodParams: { kmm: { tol: 1e-3 } } });
  assert.ok(free.methods.every((m) => m.unconvergedFits === 0), JSON.stringify(free.methods.map((m) => [m.name, m.unconvergedFits, m.notes])));
  assert.doesNotMatch(formatEvaluation(free), /NOT CONVERGED/);
});
