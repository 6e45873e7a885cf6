// An --out folder an earlier transferlab wrote before run folders carried a marker (an old out/demo) no longer
// blocks the command: it is recognised from its result document and its file names and replaced whole, with a
// note. A folder holding anything else is refused before any work, in one line naming what it holds, and left
// byte for byte as it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "./run.js";
import { tempDir } from "../tmp.js";
import { RUN_MARKER } from "../../src/core/atomic.js";
import { earlierOutput } from "../../src/cli/out-folder.js";

const dir = tempDir("tl-cli-out-");

/** A folder as a demo of the first release left it: results.json (schema transferlab/demo-results), the page, a
 * figure, and the temporary file of a write a kill -9 interrupted. */
function oldDemo(name: string, extra: Record<string, string> = {}): string {
  const d = join(dir, name);
  mkdirSync(d);
  const files: Record<string, string> = {
    "results.json": JSON.stringify({ schema: "transferlab/demo-results", version: 1, files: ["domain_comparison.svg", "report.html", "results.json"] }),
    "report.html": "<html>old</html>", "domain_comparison.svg": "<svg/>", ".results.json.4242.1733400000000.tmp": "{", ...extra,
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}
const snapshot = (d: string) => Object.fromEntries(readdirSync(d, { withFileTypes: true }).map((e) => [e.name, e.isDirectory() ? "<folder>" : readFileSync(join(d, e.name), "utf8")]));

test("demo --out over an old unmarked out/demo replaces it whole, with a note", async () => {
  const out = oldDemo("demo");
  const r = await cli("demo", "--epochs", "1", "--no-plots", "--quiet", "--out", out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^transferlab: note: .* holds an earlier transferlab demo output \(results\.json, schema transferlab\/demo-results\) without a run marker; this run replaces it whole\n$/);
  // Nothing of the old folder is left: exactly what a --no-plots run writes, the document in the current schema.
  assert.deepEqual(readdirSync(out).sort(), [RUN_MARKER, "results.json"].sort());
  assert.equal(JSON.parse(readFileSync(join(out, "results.json"), "utf8")).schema, "transferlab/demo");
});

test("a folder with anything a transferlab run did not write is refused before work, named, and left as it was", async () => {
  const cases: Array<[string, string]> = [];
  cases.push([oldDemo("with-notes", { "notes.txt": "mine" }), "notes\\.txt"]);
  cases.push([oldDemo("with-png", { "my-plot.png": "mine" }), "my-plot\\.png"]);
  cases.push([oldDemo("other-schema", { "results.json": JSON.stringify({ schema: "someone/else" }) }), "results\\.json"]);
  cases.push([oldDemo("broken-json", { "results.json": "{ not json" }), "results\\.json"]);
  const sub = oldDemo("with-folder");
  mkdirSync(join(sub, "figures"));
  cases.push([sub, "figures"]);
  const plain = join(dir, "plain");
  mkdirSync(plain);
  writeFileSync(join(plain, "report.html"), "<html>my own</html>");
  cases.push([plain, "report\\.html"]);
  for (const [out, named] of cases) {
    const before = snapshot(out);
    const r = await cli("demo", "--epochs", "1", "--no-plots", "--quiet", "--out", out);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`^transferlab: error \\[OUTPUT_UNWRITABLE\\]: .*holds files a transferlab run did not write \\(.*${named}.*\\).*move those files elsewhere, or choose a new or empty folder`));
    assert.deepEqual(snapshot(out), before, `${out} is left as it was`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith(".")), [], "no lock or temporary folder is left");
  }
});

test("earlierOutput recognises each command's earlier document and its files, and nothing else", () => {
  const make = (name: string, files: Record<string, string>) => {
    const d = join(dir, name);
    mkdirSync(d);
    for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
    return d;
  };
  assert.match(earlierOutput(make("ev2", { "results.json": '{"schema":"transferlab.evaluate/2"}', "report.html": "" }))!, /transferlab evaluate output/);
  assert.match(earlierOutput(make("ev3", { "results.json": '{"schema":"transferlab/evaluate","version":3}' }))!, /evaluate/);
  assert.match(earlierOutput(make("cu", { "curve.json": '{"schema":"transferlab/curve"}', "label_efficiency.svg": "", "label_efficiency.png": "" }))!, /curve/);
  assert.match(earlierOutput(make("as", { "assess.json": '{"schema":"transferlab.assess/1"}', "assess.html": "", "assess-feature-shift.png": "" }))!, /assess/);
  assert.match(earlierOutput(make("se", { "select.json": '{"schema":"transferlab/select"}', "report.html": "" }))!, /select/);
  // An evaluate folder with a demo's figure, a document under another command's name, a prototype key: not ours.
  assert.equal(earlierOutput(make("ev-fig", { "results.json": '{"schema":"transferlab/evaluate"}', "domain_comparison.svg": "" })), undefined);
  assert.equal(earlierOutput(make("se-as-results", { "results.json": '{"schema":"transferlab/select"}' })), undefined);
  assert.equal(earlierOutput(make("proto", { "results.json": '{"schema":"transferlab/__proto__"}' })), undefined);
  assert.equal(earlierOutput(make("none", { "report.html": "" })), undefined);
  // A link among the files, even a dangling one, is not a file a command wrote (before: a raw ENOENT from stat).
  const linked = make("linked", { "results.json": '{"schema":"transferlab/evaluate"}' });
  symlinkSync(join(dir, "nowhere"), join(linked, "report.html"));
  assert.equal(earlierOutput(linked), undefined);
});
