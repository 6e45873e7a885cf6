// Opens a generated report.html in headless Chromium: every figure is displayed, nothing is logged as an error,
// and the page makes no request but for itself. A page that does reach out is the negative control.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeReportHtml } from "../../src/report/html.js";
import { samplePage, sampleFigures } from "./fixtures.js";
import { browserTestOptions, viewPages } from "./chromium.js";
import { tempDir } from "../tmp.js";

test("report.html displays every figure in headless Chromium with no console error and no network request", browserTestOptions, async (t) => {
  const dir = tempDir("tl-browser-", t);
  const page = await samplePage();
  const path = join(dir, "report.html");
  writeReportHtml(path, page);
  const leaky = join(dir, "leaky.html");
  writeFileSync(leaky, '<!doctype html><title>x</title><img src="http://127.0.0.1:9/x.png">');
  const [report, control] = await viewPages([path, leaky]);
  assert.equal(report!.images.length, Object.keys(sampleFigures()).length);
  for (const i of report!.images) assert.ok(i.complete && i.w > 0 && i.h > 0 && i.shown > 0, `figure not displayed: ${JSON.stringify(i)}`);
  assert.deepEqual(report!.errors, []);
  assert.deepEqual(report!.requests, [report!.url]);
  assert.equal(report!.title, page.title);
  // Negative control: the same listeners do see a page that reaches out (so an empty list means something).
  assert.ok(control!.requests.some((u) => u.startsWith("http://127.0.0.1:9/")), `the request listener missed an external image: ${JSON.stringify(control!.requests)}`);
});
