// The HTML report is one self-contained page: no external URL anywhere, text escaped, tables well formed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReportHtml, renderSectionHtml, formatCell } from "../../src/report/html.js";
import { TransferLabError } from "../../src/core/errors.js";
import { samplePage, sampleFigures } from "./fixtures.js";

/** Every way a page could reach the network. */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*/gi,
    /@import[^;]*/gi,
    /url\(\s*["']?\s*(?:https?:)?\/\/[^)]*\)/gi,
    /<(?:script|link|iframe|object|embed|base)\b[^>]*>/gi,
  ];
  for (const re of patterns) for (const m of html.matchAll(re)) found.push(m[0]);
  return found;
}

test("the detector itself finds external references (so a clean result means something)", () => {
  assert.equal(externalReferences('<img src="https://x.org/a.png">').length, 1);
  assert.equal(externalReferences("<style>@import 'http://x/y.css';</style>").length, 1);
  assert.equal(externalReferences("<div style=\"background:url(//cdn.x/y.png)\"></div>").length, 1);
  assert.equal(externalReferences('<script src="a.js"></script>').length, 1);
});

test("the report page has no external URLs, no scripts, and forbids the network by CSP", async () => {
  const html = buildReportHtml(await samplePage());
  assert.deepEqual(externalReferences(html), []);
  // Vega's SVGs carry an xmlns URI; it is a name, not a request, and lives inside base64 data URIs only.
  assert.ok(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">/.test(html));
  const imgs = [...html.matchAll(/<img src="(data:[^"]+)"/g)].map((m) => m[1]!);
  assert.equal(imgs.length, Object.keys(sampleFigures()).length);
  assert.ok(imgs.some((s) => s.startsWith("data:image/png;base64,")) && imgs.some((s) => s.startsWith("data:image/svg+xml;base64,")));
  // embedded SVGs must not load anything either
  for (const s of imgs.filter((u) => u.startsWith("data:image/svg+xml"))) {
    const svg = Buffer.from(s.slice(s.indexOf(",") + 1), "base64").toString("utf8");
    assert.deepEqual(externalReferences(svg.replace(/xmlns(:\w+)?="[^"]*"/g, "")), []);
  }
});

test("all text is escaped; structure has title, verdict, sections and captions", async () => {
  const html = buildReportHtml(await samplePage());
  assert.ok(html.includes("<title>transferlab demo &lt;report&gt; &amp; checks</title>"));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(!html.includes("<script>"));
  assert.ok(/<div class="verdict neutral" role="note"><span class="headline">No significant transfer<\/span>/.test(html));
  assert.equal((html.match(/<section id=/g) ?? []).length, 3);
  assert.equal((html.match(/<figcaption>/g) ?? []).length, Object.keys(sampleFigures()).length);
  assert.ok(html.includes('<td class="num">99.02</td>'), "numbers right-aligned");
  assert.ok(html.includes('<th scope="row">note</th><td>—</td>'), "null shown as a dash");
});

test("a table row with the wrong number of cells is a typed error", () => {
  assert.throws(
    () => renderSectionHtml({ heading: "x", blocks: [{ kind: "table", columns: ["a", "b"], rows: [[1]] }] }),
    (e: unknown) => e instanceof TransferLabError && e.code === "SHAPE_MISMATCH" && e.where.row === 1,
  );
});

test("cell formatting keeps 4 significant digits", () => {
  assert.equal(formatCell(0.123456), "0.1235");
  assert.equal(formatCell(99.0249), "99.02");
  assert.equal(formatCell(123.456), "123.5");
  assert.equal(formatCell(42), "42");
  assert.equal(formatCell(null), "—");
});
