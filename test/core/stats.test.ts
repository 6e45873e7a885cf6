import { test } from "node:test";
import assert from "node:assert/strict";
import { summarize, pairedComparison, studentTCdf, studentTQuantile } from "../../src/core/stats.js";
import { transferVerdict } from "../../src/experiment/verdict.js";

// Reference values: standard Student-t tables (scipy.stats.t.ppf / t.cdf give the same digits).
test("Student t quantiles and CDF match tables", () => {
  assert.ok(Math.abs(studentTQuantile(0.975, 19) - 2.093024054) < 1e-6);
  assert.ok(Math.abs(studentTQuantile(0.975, 4) - 2.776445105) < 1e-6);
  assert.ok(Math.abs(studentTQuantile(0.975, 1) - 12.70620474) < 1e-5);
  assert.ok(Math.abs(studentTCdf(2, 10) - 0.963305982) < 1e-7);
  assert.ok(Math.abs(studentTCdf(0, 3) - 0.5) < 1e-12);
});

test("summary of a known sample", () => {
  const s = summarize([1, 2, 3, 4, 5]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.sd - Math.sqrt(2.5)) < 1e-12);
  const half = 2.776445105 * Math.sqrt(2.5) / Math.sqrt(5);
  assert.ok(Math.abs(s.ci95[0] - (3 - half)) < 1e-6 && Math.abs(s.ci95[1] - (3 + half)) < 1e-6);
});

test("paired comparison counts and p-value", () => {
  // d = [1, 2, 3, 0, -1]: mean 1, sd sqrt(2.5), t = 1/(sqrt(2.5)/sqrt(5)) = 1.41421, df 4 → p = 0.230327
  const c = pairedComparison([11, 12, 13, 10, 9], [10, 10, 10, 10, 10]);
  assert.deepEqual([c.wins, c.ties, c.losses], [3, 1, 1]);
  assert.ok(Math.abs(c.pValue - 0.2303) < 1e-3, `p ${c.pValue}`);
  assert.equal(transferVerdict(c), "no significant transfer");
  const worse = pairedComparison([1, 2, 3, 4, 5, 6], [3, 4.1, 5, 6.2, 7, 8.1]);
  assert.equal(transferVerdict(worse), "negative transfer");
});
