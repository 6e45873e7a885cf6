// Opens a generated report.html in headless Chromium (Debian's /usr/bin/chromium via playwright-core):
// every figure must display (natural size > 0), with no console error and no request but the page itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeReportHtml } from "../../src/report/html.js";
import { samplePage, sampleFigures } from "./fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const missing = !existsSync(CHROMIUM);
const inCi = process.env.CI === "true";

test("report.html displays every figure in headless Chromium with no console error and no network request", { timeout: 180_000, skip: missing && !inCi ? `${CHROMIUM} not found: install Debian's chromium to run the browser test (it is required when CI=true)` : false }, async () => {
  assert.ok(!missing, `${CHROMIUM} is missing but CI=true: .ci/run must install chromium`);
  const { chromium } = await import("playwright-core");
  const dir = mkdtempSync(join(tmpdir(), "tl-browser-"));
  const profile = mkdtempSync(join(tmpdir(), "tl-chromium-profile-"));
  const page = await samplePage();
  const path = join(dir, "report.html");
  writeReportHtml(path, page);
  const url = pathToFileURL(path).href;
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const tab = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    tab.on("request", (r) => { if (!r.url().startsWith("data:")) requests.push(r.url()); });
    tab.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(url, { waitUntil: "load" });
    const imgs = await tab.evaluate(async () => {
      await Promise.all(Array.from(document.images).map((i) => i.decode().catch(() => undefined)));
      return Array.from(document.images).map((i) => ({ alt: i.alt, complete: i.complete, w: i.naturalWidth, h: i.naturalHeight, shown: i.getBoundingClientRect().width }));
    });
    assert.equal(imgs.length, Object.keys(sampleFigures()).length);
    for (const i of imgs) assert.ok(i.complete && i.w > 0 && i.h > 0 && i.shown > 0, `figure not displayed: ${JSON.stringify(i)}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url]);
    assert.equal(await tab.title(), page.title);

    // Negative control: the same listeners do see a page that reaches out (so an empty list means something).
    const leaky = join(dir, "leaky.html");
    writeFileSync(leaky, '<!doctype html><title>x</title><img src="http://127.0.0.1:9/x.png">');
    requests.length = 0;
    await tab.goto(pathToFileURL(leaky).href, { waitUntil: "load" });
    assert.ok(requests.some((u) => u.startsWith("http://127.0.0.1:9/")), `the request listener missed an external image: ${JSON.stringify(requests)}`);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
});
