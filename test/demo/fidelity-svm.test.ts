// With numpy-compatible data, the demo's two SVM methods reproduce the Python original seed by seed
// (test/fixtures/demo/make_seed_svms.py, scikit-learn on numpy's data for seeds 0–19: means 99.025 / 95.00 %).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolveDemoSettings, demoData } from "../../src/experiment/demo.js";
import { SVC } from "../../src/estimators/svc.js";
import type { LabelledDomain } from "../../src/core/domain.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/demo/seed_svms.json", import.meta.url), "utf8"));

async function acc(train: LabelledDomain, test: LabelledDomain): Promise<number> {
  const svm = new SVC({ kernel: "rbf", C: 1, gamma: "auto" });
  await svm.fit(train.X, train.y);
  const p = svm.predict(test.X);
  return (100 * p.filter((v, i) => v === test.y[i]).length) / p.length;
}

test("numpy-compatible data: from-scratch and direct SVM accuracies equal scikit-learn's for seeds 0–19", async () => {
  const { settings } = resolveDemoSettings({ transductive: true, numpyCompatible: true });
  for (const row of fx.seeds) {
    const d = demoData(settings, row.seed);
    assert.equal(await acc(d.targetLabelled, d.targetTest), row.scratch, `seed ${row.seed} scratch`);
    assert.equal(await acc(d.source, d.targetTest), row.direct, `seed ${row.seed} direct`);
  }
});
