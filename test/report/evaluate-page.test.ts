// `transferlab evaluate --out DIR`: results.json is the --json result and passes the versioned schema (a broken
// copy does not), and report.html opened in headless Chromium shows the accuracy figure, a table row per method
// with both baselines, the W/T/L and verdicts of results.json, logs no console error and requests nothing but itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { evaluateResultsSchema } from "../../src/experiment/evaluate-schema.js";
import { browserTestOptions, viewPages } from "./chromium.js";
import { tempDir } from "../tmp.js";

test("evaluate --out: results.json on its schema, report.html in Chromium with every number of it", browserTestOptions, async (t) => {
  const dir = tempDir("tl-evaluate-out-", t);
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "evaluate", "--pair", "moons?angle=40&n=160", "--methods", "coral,kmm",
    "--estimator", "logreg", "--seeds", "3", "--target-labels-per-class", "5", "--jobs", "1", "--json", "--out", dir], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as Record<string, unknown> & { methods: { name: string; verdict: string; vsTargetOnly: { wins: number; ties: number; losses: number } | null }[] };
  const saved = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as unknown;
  assert.deepEqual(saved, printed);
  assert.ok(evaluateResultsSchema.safeParse(saved).success);
  const broken = structuredClone(printed) as unknown as { methods: { accuracy: { mean: number } }[] };
  broken.methods[0]!.accuracy.mean = 120;
  assert.equal(evaluateResultsSchema.safeParse(broken).success, false, "an accuracy of 120 % must fail the schema");

  const [page] = await viewPages([join(dir, "report.html")]);
  assert.deepEqual(page!.errors, []);
  assert.deepEqual(page!.requests, [page!.url]);
  assert.equal(page!.images.length, 1);
  assert.ok(page!.images.every((i) => i.complete && i.w > 0 && i.shown > 0), JSON.stringify(page!.images));
  const html = readFileSync(join(dir, "report.html"), "utf8");
  const rows = [...html.matchAll(/<tr><td>([^<]+)<\/td>(.*?)<\/tr>/g)].map((m) => [m[1]!, ...[...m[2]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]!)]);
  assert.deepEqual(rows.map((row) => row[0]), ["source-only", "target-only", "coral", "kmm"]);
  for (const m of printed.methods) {
    const row = rows.find((x) => x[0] === m.name)!;
    assert.ok(row[8]!.startsWith(m.verdict), `${m.name}: page says ${row[8]}, results.json ${m.verdict}`);
    const c = m.vsTargetOnly;
    assert.equal(row[7], c ? `${c.wins}/${c.ties}/${c.losses}` : "—");
  }
});
