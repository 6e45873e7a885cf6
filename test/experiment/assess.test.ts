import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { Rng } from "../../src/core/rng.js";
import { Matrix } from "../../src/core/matrix.js";
import { takeDomainRows } from "../../src/core/domain.js";
import { referencePair } from "../../src/data/generators/reference.js";
import { resolveDomainPair } from "../../src/data/registry.js";
import { drawLabelled } from "../../src/data/split.js";
import { assess, type RiskLevel } from "../../src/experiment/assess.js";
import { formatAssessText } from "../../src/report/assess-text.js";
import { tempDir } from "../tmp.js";

const rank: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

test("the verdict goes from low to high as the reference pair's rotation goes from 0° to 90°", async () => {
  const levels: RiskLevel[] = [];
  for (const deg of [0, 30, 45, 60, 90]) {
    const p = referencePair(new Rng(100 + deg), { rotationDeg: deg, sourceN: 400, targetLabelledN: 300, targetTestN: 2, targetUnlabelledN: 0 });
    const r = await assess(p.source, p.targetLabelled, { seed: 3, permutations: 100 });
    levels.push(r.verdict.level);
    assert.ok(r.verdict.reasons.length >= 2, "reasons are given");
  }
  assert.equal(levels[0], "low", levels.join(" → "));
  assert.equal(levels.at(-1), "high", levels.join(" → "));
  for (let i = 1; i < levels.length; i++) assert.ok(rank[levels[i]!] >= rank[levels[i - 1]!], `monotone: ${levels.join(" → ")}`);
  // Without target labels the verdict rests on the input shift (the tutorial's target is shrunk and widened at every
  // angle, so even 0° is flagged) and the source model's confidence, which drops as the rotation grows.
  const unlabelled = async (deg: number) => {
    const p = referencePair(new Rng(100 + deg), { rotationDeg: deg, sourceN: 400, targetLabelledN: 300, targetTestN: 2, targetUnlabelledN: 0 });
    return assess(p.source, { name: "target", X: p.targetLabelled.X }, { seed: 3, permutations: 100 });
  };
  const u0 = await unlabelled(0), u90 = await unlabelled(90);
  assert.equal(u90.verdict.level, "high");
  assert.ok(u0.verdict.caveats.some((c) => c.includes("Without target labels")));
  assert.ok(u90.transfer.predictedTargetError!.doc > u0.transfer.predictedTargetError!.doc);
});

test("mnist→optdigits: high risk of negative transfer, with reasons", async () => {
  const pair = await resolveDomainPair("mnist→optdigits");
  // A random 2,000-row subset of the 10,000 MNIST rows keeps the test fast; the full pair gives the same verdict.
  const idx = new Rng(1).permutation(pair.source.X.rows).slice(0, 2000).sort();
  const r = await assess(takeDomainRows(pair.source, idx), pair.target, { seed: 1, permutations: 100 });
  assert.equal(r.verdict.level, "high");
  assert.ok(r.verdict.reasons.some((s) => /guessing|negative transfer/.test(s)), r.verdict.reasons.join("\n"));
  assert.ok(r.proxyADistance.rbf.value > 1.5);
  assert.ok(r.mmd.test.pValue < 0.05);
  assert.match(formatAssessText(r), /RISK OF NEGATIVE TRANSFER \(source model as-is\): HIGH/);
  // Question (1) comes from the labelled rows; the label-free predictions (under 10 % here, truth above 80 %)
  // are withheld because the domains are nearly separable, and say so.
  const sm = r.transfer.sourceModelTargetError!;
  assert.ok(sm.labelFree.every((p) => !p.reliable && p.value === null && /nearly separable/.test(p.reason)));
  assert.equal(r.verdict.sourceModel.estimate!.value, r.transfer.targetErrorOfSourceModel!.value);
  assert.ok(r.verdict.sourceModel.estimate!.value > 0.5);
  assert.doesNotMatch(formatAssessText(r), /label-free, ATC\s+\d/);
  // BBSE's assumptions fail on this pair (the inputs shift within classes), and the report says so.
  assert.equal(r.labelShift!.validity.reliable, false);
});

test("K labelled target rows per class: the estimate uses only them; partly labelled targets (label −1) work", async () => {
  const p = referencePair(new Rng(7), { rotationDeg: 30, sourceN: 400, targetLabelledN: 400, targetTestN: 2, targetUnlabelledN: 0 });
  const r = await assess(p.source, p.targetLabelled, { seed: 2, permutations: 50, targetLabelsPerClass: 10 });
  assert.deepEqual(r.transfer.targetLabels, { rows: 20, sampling: "stratified" });
  const sm = r.transfer.sourceModelTargetError!.labelled!;
  assert.equal(sm.rows, 20);
  assert.ok(sm.ci[0] >= 0 && sm.ci[1] <= 1 && sm.ci[1] - sm.ci[0] > 0.05, `a 20-row interval is wide: ${sm.ci}`);
  assert.ok(r.transfer.truthForChecking !== null);
  // A partly labelled target: 30 labelled rows, the rest −1.
  const y = Int32Array.from(p.targetLabelled.y, (v, i) => (i % 13 === 0 ? v : -1));
  const part = await assess(p.source, { ...p.targetLabelled, y }, { seed: 2, permutations: 50 });
  assert.deepEqual(part.transfer.targetLabels, { rows: y.filter((v) => v >= 0).length, sampling: "random" });
  assert.match(part.transfer.sourceModelTargetError!.labelled!.interval, /Wilson/);
  assert.equal(part.target.classCounts!.reduce((a, b) => a + b, 0), y.filter((v) => v >= 0).length);
});

test("over the memory budget the scalable estimators are used and the report says so", async () => {
  const p = referencePair(new Rng(5), { rotationDeg: 45, sourceN: 300, targetLabelledN: 200, targetTestN: 2, targetUnlabelledN: 0 });
  const r = await assess(p.source, p.targetLabelled, { seed: 1, memoryBudget: 100_000 });
  assert.equal(r.scale.mode, "approximate");
  assert.equal(r.mmd.test.kind, "linear-time z-test");
  assert.equal(r.mmd.median, null);
  assert.ok(r.scale.notes[0]!.includes("budget"));
  assert.match(formatAssessText(r), /APPROXIMATE/);
});

test("identical domains: low risk, negative unbiased estimates explained, bound terms shown", async () => {
  const rng = new Rng(9);
  const make = (n: number) => {
    const X = new Matrix(n, 3), y = new Int32Array(n);
    for (let i = 0; i < n; i++) { y[i] = i % 2; for (let j = 0; j < 3; j++) X.set(i, j, rng.normal() + (j === 0 ? 3 * y[i]! : 0)); }
    return { name: "d", X, y };
  };
  const r = await assess(make(300), make(300), { seed: 2, permutations: 200 });
  assert.equal(r.verdict.level, "low");
  assert.ok(r.mmd.test.pValue > 0.05);
  const negative = [r.mmd.median!.unbiased, r.mmd.mixture!.unbiased, r.mmd.linear.median.estimate, r.mmd.linear.mixture.estimate].some((v) => v < 0);
  assert.equal(r.mmd.notes.some((s) => s.includes("negative estimates")), negative);
  assert.ok(r.bound.lambda !== null && r.bound.total !== null && r.bound.estimate);
  assert.ok(Math.abs(r.bound.total! - (r.bound.sourceError! + r.bound.halfDivergence + r.bound.lambda!)) < 1e-12);
  JSON.parse(JSON.stringify(r)); // serialisable for --json
});

test("CLI: assess on two CSV files prints JSON, writes --out files; bad budget is one clear error line", (t) => {
  const dir = tempDir("tl-assess-", t);
  const rng = new Rng(4);
  const csv = (shift: number) => ["a,b,label", ...Array.from({ length: 120 }, (_, i) => `${(rng.normal() + shift).toFixed(4)},${rng.normal().toFixed(4)},${i % 2}`)].join("\n");
  writeFileSync(join(dir, "s.csv"), csv(0));
  writeFileSync(join(dir, "t.csv"), csv(2));
  const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "assess", ...args], { encoding: "utf8" });
  const ok = run("--source", join(dir, "s.csv"), "--target", join(dir, "t.csv"), "--json", "--permutations", "99");
  assert.equal(ok.status, 0, ok.stderr);
  const rep = JSON.parse(ok.stdout);
  assert.deepEqual([rep.schema, rep.version], ["transferlab/assess", 1]);
  assert.equal(rep.featureShift[0].name, "a");
  assert.ok(rep.mmd.test.pValue <= 0.01);
  // --out: JSON, figures and the HTML section (t-SNE skipped to stay fast).
  const out = join(dir, "out");
  const wrote = run("--source", join(dir, "s.csv"), "--target", join(dir, "t.csv"), "--permutations", "99", "--out", out, "--no-tsne");
  assert.equal(wrote.status, 0, wrote.stderr);
  assert.match(wrote.stdout, /RISK OF NEGATIVE TRANSFER/);
  assert.equal(JSON.parse(readFileSync(join(out, "assess.json"), "utf8")).schema, "transferlab/assess");
  const html = readFileSync(join(out, "assess.html"), "utf8");
  assert.match(html, /Risk of negative transfer/);
  assert.match(html, /Ben-David bound/);
  for (const f of ["assess-domains-pca.svg", "assess-domains-pca.png", "assess-feature-shift.svg", "assess-feature-shift.png"]) assert.ok(existsSync(join(out, f)), f);
  const bad = run("--source", join(dir, "s.csv"), "--target", join(dir, "t.csv"), "--memory-budget", "lots");
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr.trim(), /^transferlab: error \[INVALID_PARAMETER\].*memory-budget/);
  // --label 0 names the header column "0" (as evaluate and datasets read it), not column index 0 ("a").
  const digitHeader = (shift: number) => ["a,0,label", ...Array.from({ length: 60 }, (_, i) => `${(rng.normal() + shift).toFixed(4)},${i % 2},${rng.normal().toFixed(4)}`)].join("\n");
  writeFileSync(join(dir, "s0.csv"), digitHeader(0));
  writeFileSync(join(dir, "t0.csv"), digitHeader(1));
  const named = run("--source", join(dir, "s0.csv"), "--target", join(dir, "t0.csv"), "--label", "0", "--json", "--approximate"); // (no --permutations: the linear-time test of --approximate has none, and refuses them)
  assert.equal(named.status, 0, named.stderr);
  assert.deepEqual(JSON.parse(named.stdout).featureShift.map((f: { name: string }) => f.name).sort(), ["a", "label"]);
});

test("unlabelled source and target: no label-based parts, no NaN anywhere", async () => {
  const rng = new Rng(12);
  const make = (shift: number) => { const X = new Matrix(150, 2); for (let i = 0; i < 300; i++) X.data[i] = rng.normal() + shift; return { name: "d", X }; };
  const r = await assess(make(0), make(1.5), { seed: 1, permutations: 99 });
  assert.equal(r.transfer.sourceError, null);
  assert.equal(r.labelShift, null);
  assert.equal(r.transferability, null);
  assert.equal(r.bound.total, null);
  assert.ok(!JSON.stringify(r).includes("null,\"ci\"") && !/NaN/.test(formatAssessText(r)));
  const walk = (v: unknown): void => {
    if (typeof v === "number") assert.ok(Number.isFinite(v), "finite numbers only");
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(r);
  assert.notEqual(r.verdict.level, "low"); // a 1.5 σ mean shift in both features is detected
});

test("large labelled domains do not overflow the stack (labels are scanned, not spread)", async () => {
  const n = 150_000; // spreading more than ~130k values into Math.max throws RangeError in V8
  const rng = new Rng(3);
  const make = (shift: number) => {
    const X = new Matrix(n, 1), y = new Int32Array(n);
    for (let i = 0; i < n; i++) { y[i] = i % 2; X.data[i] = rng.normal() + 2 * y[i]! + shift; }
    return { name: "d", X, y };
  };
  const r = await assess(make(0), make(0.3), { seed: 1, memoryBudget: 1e6 });
  assert.equal(r.source.classes, 2);
  assert.equal(r.scale.mode, "approximate");
});

test("label-free target-error predictions (ATC, DoC) on a hand-computed case", async () => {
  const { predictTargetError } = await import("../../src/metrics/predicted-error.js");
  const P = (rows: number[][]) => Matrix.from(rows);
  // Source: confidences 0.9, 0.8, 0.7, 0.6; the last is wrong → accuracy 0.75, so t = 0.6 (3 rows above it).
  const src = P([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.6, 0.4]]);
  const tgt = P([[0.95, 0.05], [0.35, 0.65], [0.55, 0.45], [0.5, 0.5]]);
  const r = predictTargetError(src, [0, 1, 0, 1], tgt);
  assert.ok(Math.abs(r.atc - 0.5) < 1e-6, `ATC ${r.atc}`); // 2 of 4 target rows above 0.6
  // DoC: 0.25 + mean(0.9, 0.8, 0.7, 0.6) − mean(0.95, 0.65, 0.55, 0.5) = 0.25 + 0.75 − 0.6625.
  assert.ok(Math.abs(r.doc - 0.3375) < 1e-6, `DoC ${r.doc}`);
});

test("class names: assess's summaries and text name classes by the source's names; a short-class note names the class", async () => {
  const p = referencePair(new Rng(7), { rotationDeg: 30, sourceN: 200, targetLabelledN: 120, targetTestN: 2, targetUnlabelledN: 0 });
  const names = ["cat", "dog"];
  // The target carries no names of its own: it uses the source's mapping.
  const r = await assess({ ...p.source, classNames: names }, p.targetLabelled, { seed: 1, permutations: 50 });
  assert.deepEqual(r.source.classNames, names);
  assert.deepEqual(r.target.classNames, names);
  const counts = (y: Int32Array) => [0, 1].map((c) => y.filter((v) => v === c).length);
  const text = formatAssessText(r);
  const [s0, s1] = counts(p.source.y), [t0, t1] = counts(p.targetLabelled.y);
  assert.ok(text.includes(`source rows per class: cat:${s0} dog:${s1}`), text.split("\n").slice(0, 4).join("\n"));
  assert.ok(text.includes(`target rows per class: cat:${t0} dog:${t1}`));
  // Without names, labels are their codes.
  const plain = await assess(p.source, p.targetLabelled, { seed: 1, permutations: 50 });
  assert.deepEqual(plain.source.classNames, ["0", "1"]);

  // drawLabelled's note for a class with too few rows names it.
  const y = new Int32Array([0, 0, 0, 0, 0, 0, 1, 1]);
  const target = { name: "t", X: new Matrix(8, 1), y, classNames: ["cat", "dog"] };
  const { notes } = drawLabelled(target, 3, new Rng(0));
  assert.equal(notes.length, 1);
  assert.ok(notes[0]!.startsWith("classes dog have fewer than 4"), notes[0]);
});
