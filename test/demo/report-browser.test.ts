// The demo's own report.html (a short run: 2 epochs, 1 seed) in headless Chromium: all five figures are
// displayed, the verdict is on the page, no console error, no request but the page itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runDemo } from "../../src/experiment/demo.js";
import { writeDemoOutputs, DEMO_FIGURES } from "../../src/report/demo-page.js";
import { browserTestOptions, viewPages } from "../report/chromium.js";
import { tempDir } from "../tmp.js";

test("the demo's report.html shows every figure in Chromium with no console error and no network request", browserTestOptions, async (t) => {
  const dir = tempDir("tl-demo-browser-", t);
  const run = await runDemo({ seeds: [42], epochs: 2 });
  await writeDemoOutputs(run, dir, { plots: true });
  const [view] = await viewPages([join(dir, "report.html")]);
  assert.equal(view!.images.length, DEMO_FIGURES.length, `images: ${JSON.stringify(view!.images.map((i) => i.alt))}`);
  for (const i of view!.images) assert.ok(i.complete && i.w > 0 && i.h > 0 && i.shown > 0, `figure not displayed: ${JSON.stringify(i)}`);
  assert.deepEqual(view!.errors, []);
  assert.deepEqual(view!.requests, [view!.url]);
});
