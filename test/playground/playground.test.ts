// The playground (npm run playground) driven as a user would in headless Chromium: choose a covariate shift and
// its strength, two methods and an estimator, click Run, read the table. Its numbers and verdicts must be those
// of evaluate in Node with the same settings on the same tiers (wasm kernels); both baselines are rows; the
// figure is drawn; no console error; every request goes to the playground's own server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { playgroundVite, startPlayground } from "../../scripts/playground.mjs";
import { browserTestOptions } from "../report/chromium.js";
import { withPage } from "../browser/served.js";

const vite = await playgroundVite();
const skip = browserTestOptions.skip || (!vite && process.env.CI !== "true" ? "the playground's Vite is not installed (npm ci --prefix playground; required when CI=true)" : false);

test("playground: choose, click Run, read the table — the numbers are evaluate's", { ...browserTestOptions, skip }, async () => {
  const server = await startPlayground({ port: 0 });
  try {
    const got = await withPage(server.url, async ({ page, errors, requests }) => {
      await page.selectOption("#generator", "covariate");
      await page.fill("#strength", "2.5");
      await page.fill("#n", "200");
      for (const box of await page.$$("#methods input:checked")) await box.uncheck();
      await page.check('#methods input[value="coral"]');
      await page.check('#methods input[value="kmm"]');
      await page.selectOption("#estimator", "logreg");
      await page.fill("#labels", "5");
      await page.fill("#seeds", "2");
      await page.fill("#jobs", "2");
      await page.click("#run");
      await page.waitForSelector("body[data-state]", { timeout: 150_000 });
      const state = await page.getAttribute("body", "data-state");
      const error = await page.textContent("#error");
      const rows = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent ?? "")));
      const figure = await page.$$eval("#figure svg", (s) => s.length);
      return { state, error, rows, figure, errors, requests };
    });
    assert.equal(got.state, "done", got.error ?? "");
    const node = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `
      import { generators } from "./src/data/generators/index.js";
      import { Rng } from "./src/core/rng.js";
      import { evaluate, notConverged } from "./src/experiment/evaluate.js";
      const r = await evaluate(generators.covariate.make({ n: 200, bias: 2.5 }, new Rng(1)), { methods: ["coral", "kmm"], estimator: "logreg", targetLabelsPerClass: 5, seeds: 2 });
      console.log(JSON.stringify(r.methods.map((m) => [m.name, m.accuracy.mean.toFixed(1) + " ± " + m.accuracy.sd.toFixed(1), m.verdict + notConverged(m)])));`],
    { encoding: "utf8", env: { ...process.env, TRANSFERLAB_KERNELS: "wasm" } });
    assert.equal(node.status, 0, node.stderr);
    const want = JSON.parse(node.stdout) as string[][];
    // The page lists methods in registry order (kmm before coral): compare by name.
    const byName = (rows: string[][]) => [...rows].sort((a, b) => a[0]!.localeCompare(b[0]!));
    assert.deepEqual(want.map((w) => w[0]).sort(), ["coral", "kmm", "source-only", "target-only"]);
    assert.deepEqual(byName(got.rows.map((r) => [r[0]!, r[2]!, r[6]!])), byName(want));
    assert.equal(got.figure, 1);
    assert.deepEqual(got.errors, []);
    assert.ok(got.requests.every((u) => u.startsWith(server.url)), `requests outside the playground: ${got.requests.filter((u) => !u.startsWith(server.url)).join(", ")}`);
  } finally {
    await server.close();
  }
});
