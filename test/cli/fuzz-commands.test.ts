// The CLI fuzz suite's second half (fuzz.test.ts covers datasets show and evaluate): assess, select, demo, fit and
// predict under random malformed files, random option strings and randomly truncated or corrupted model files. The
// property is the same: a typed one-line error (exit 2, "transferlab: error [CODE]: …" naming what and where), or a
// correct result — checked against an independent truth: the files read by the plain reader (fuzz-kit.ts), the
// documented meaning of the options, and a model file's predictions recomputed here from the file's own numbers
// (kNN and logistic regression, in float64) — never an internal error, a stack, NaN, or exit 0 with a wrong result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { cli } from "./run.js";
import { tempDir } from "../tmp.js";
import { file, goodPair, referenceRead, sane, type Ref } from "./fuzz-kit.js";

/** Two files for a transfer command: mostly a well-formed pair of the same classes, else any two files. */
const twoFiles = fc.oneof({ weight: 3, arbitrary: goodPair }, { weight: 2, arbitrary: fc.tuple(file, file) });

const dir = tempDir("tl-cli-fuzz2-");
let n = 0;
const counts: Record<string, { runs: number; ok: number; refused: number }> = {};
const count = (what: string, outcome: "ok" | "refused", r?: { stderr: string }) => {
  if (process.env.FUZZ_LOG && outcome === "refused" && r) appendFileSync(process.env.FUZZ_LOG, `${what}\t${r.stderr.trim().split("\n").pop()}\n`);
  const c = (counts[what] ??= { runs: 0, ok: 0, refused: 0 });
  c.runs++;
  c[outcome]++;
};
process.on("exit", () => {
  for (const [what, c] of Object.entries(counts)) process.stdout.write(`# cli fuzz ${what}: ${c.runs} runs, ${c.ok} correct results, ${c.refused} typed refusals\n`);
});

/** fast-check's parameters: fixed seeds (same cases every run); FUZZ_SCALE=k runs k times as many cases and
 * FUZZ_SEED=s shifts the seeds, to explore beyond the committed cases (e.g. FUZZ_SCALE=5 FUZZ_SEED=1 npm run
 * test:only -- fuzz-commands); FUZZ_LOG=file appends every refusal's line to the file. */
const runs = (numRuns: number, seed: number) => ({ numRuns: numRuns * Number(process.env.FUZZ_SCALE ?? 1), seed: seed + Number(process.env.FUZZ_SEED ?? 0), includeErrorInReport: true });

/** Every number in a JSON document is finite, and no number-valued field came out null (JSON's NaN). */
function finiteNumbers(doc: unknown, what: string, path = "$"): void {
  if (typeof doc === "number") assert.ok(Number.isFinite(doc), `${what}: ${path} = ${doc}`);
  else if (Array.isArray(doc)) doc.forEach((v, i) => finiteNumbers(v, what, `${path}[${i}]`));
  else if (doc && typeof doc === "object") for (const [k, v] of Object.entries(doc)) finiteNumbers(v, what, `${path}.${k}`);
}
/** An interval [lo, hi] inside the quantity's range, around its estimate when given. */
function interval(ci: unknown, lo: number, hi: number, what: string, estimate?: number): void {
  assert.ok(Array.isArray(ci) && ci.length === 2, `${what}: ${JSON.stringify(ci)}`);
  const [a, b] = ci as [number, number];
  assert.ok(a >= lo && b <= hi && a <= b, `${what}: [${a}, ${b}] is not inside [${lo}, ${hi}]`);
  if (estimate !== undefined) assert.ok(a <= estimate + 1e-9 && estimate <= b + 1e-9, `${what}: [${a}, ${b}] does not hold ${estimate}`);
}
/** Class counts of a document (classNames + classCounts) as the reader keys them. */
const countsOf = (d: { classNames?: string[]; classCounts?: number[] }) => Object.fromEntries((d.classNames ?? []).map((c, k) => [c, d.classCounts?.[k]]));

function writePair(a: Buffer, b: Buffer): { s: string; t: string } {
  const s = join(dir, `s${n}.csv`);
  const t = join(dir, `t${n++}.csv`);
  writeFileSync(s, a);
  writeFileSync(t, b);
  return { s, t };
}

/** Random option strings: a flag of the command (or one it lacks) with, mostly, a value that reads for it, else a
 * hostile one (another flag's value, an out-of-range number, a prototype key, a random string). */
function options(good: Record<string, string[]>, hostile: string[]) {
  const flags = Object.keys(good);
  const pair = fc.constantFrom(...flags, "--bogus").chain((f) => fc.oneof(
    { weight: good[f]?.length ? 5 : 0, arbitrary: fc.constantFrom(...(good[f]?.length ? good[f]! : [""])) },
    { weight: 2, arbitrary: fc.constantFrom(...hostile) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  ).map((v) => [f, v] as const));
  return fc.array(pair, { maxLength: 3 }).map((pairs) => pairs.flatMap(([f, v]) => (f === "--approximate" || f === "--no-tsne" ? [f] : [f, v])));
}
const HOSTILE = ["-1", "1.5", "0x10", "1e20", "4294967296", "NaN", "Infinity", "", " ", "__proto__", "constructor", "0B", "1TB", "coral.__proto__=1", "bogus"];

/** The last value given for a flag (commander keeps the last), or undefined. */
const lastOf = (args: string[], flag: string) => {
  const i = args.lastIndexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
/** commander's own usage errors (unknown option, missing value): "error: …" plus the help hint, exit 1. */
function usageError(r: { code: number; stderr: string }): boolean {
  if (r.code === 0 || /^transferlab: error/m.test(r.stderr)) return false;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: /);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  return true;
}
/** A run's outcome (commander's usage error, when `usage`, or else fuzz-kit's sane), counted under `label`. */
function judged(label: string, r: Parameters<typeof sane>[0], what: string, usage = true): "ok" | "refused" {
  const outcome = usage && usageError(r) ? "refused" : sane(r, what);
  count(label, outcome, r);
  return outcome;
}

// ---- assess ----------------------------------------------------------------------------------------------------------

interface AssessDoc {
  seed: number;
  source: { rows: number; features: number; classNames?: string[]; classCounts?: number[] };
  target: { rows: number; features: number; classNames?: string[]; classCounts?: number[] };
  mmd: { test: { kind: string; pValue: number; permutations?: number } };
  notes: string[];
  proxyADistance: Record<string, { value: number; ci: [number, number]; epsilon: number; epsilonCi: [number, number]; notes: string[] }>;
  featureShift: Array<{ ksPValue: number; ks: number }>;
}
function checkAssess(doc: AssessDoc, rs: Ref | null, rt: Ref | null, what: string): void {
  finiteNumbers(doc, what);
  if (rs) {
    assert.equal(doc.source.rows, rs.rows, `${what}: source rows`);
    assert.equal(doc.source.features, rs.features.length, `${what}: source features`);
    assert.deepEqual(countsOf(doc.source), rs.classes, `${what}: source classes`);
  }
  if (rt) assert.equal(doc.target.rows, rt.rows, `${what}: target rows`);
  assert.ok(doc.mmd.test.pValue > 0 && doc.mmd.test.pValue <= 1, `${what}: MMD p ${doc.mmd.test.pValue}`);
  for (const [k, p] of Object.entries(doc.proxyADistance)) {
    // d̂_A = 2(1 − 2ε) of the held-out error ε ∈ [0, 1]: documented to go below 0 (worse than chance, by sampling
    // noise) with a note saying to read it as 0 (metrics/proxy-a-distance.ts).
    interval(p.epsilonCi, 0, 1, `${what}: proxy A-distance ${k} error interval`, p.epsilon);
    assert.ok(Math.abs(p.value - 2 * (1 - 2 * p.epsilon)) < 1e-12, `${what}: proxy A-distance ${k} is 2(1 − 2ε)`);
    interval(p.ci, -2, 2, `${what}: proxy A-distance ${k} interval`, p.value);
    if (p.value < 0) assert.ok(p.notes.some((t) => /read it as 0/.test(t)), `${what}: a negative proxy A-distance ${k} says how to read it`);
  }
  for (const f of doc.featureShift) assert.ok(f.ks >= 0 && f.ks <= 1 && f.ksPValue >= 0 && f.ksPValue <= 1, `${what}: KS ${f.ks} p ${f.ksPValue}`);
}

test("fuzz: assess on random files is a typed refusal or the files' true rows, features and classes with statistics in range", async () => {
  await fc.assert(fc.asyncProperty(twoFiles, async ([a, b]) => {
    const { s, t } = writePair(a, b);
    const r = await cli("assess", "--source", s, "--target", t, "--json", "--permutations", "19", "--label", "label");
    if (judged("assess files", r, "assess on random files", false) === "ok") checkAssess(JSON.parse(r.stdout) as AssessDoc, referenceRead(a), referenceRead(b), "assess");
  }), runs(50, 1316));
});

test("fuzz: random assess option strings are a typed refusal or a result that does what they asked", async () => {
  const [a, b] = fc.sample(goodPair, { numRuns: 1, seed: 7 })[0]!;
  const { s, t } = writePair(a, b);
  const args = options({
    "--permutations": ["1", "19", "50"], "--seed": ["0", "7", "4294967295"], "--memory-budget": ["2GB", "1KB", "64KB", "1MB"], "--scale": ["none", "standard", "pixel", "global", "auto"],
    "--target-labels-per-class": ["1", "2", "3", "1000"], "--label": ["label", "x1", "2", "0"], "--features": ["x1", "x2", "x1,x2", "x*", "9"], "--missing": ["drop", "mean", "error"],
    "--encoding": ["latin1", "utf-8", "utf-16"], "--approximate": [], "--no-tsne": [],
  }, HOSTILE);
  await fc.assert(fc.asyncProperty(args, async (args) => {
    const r = await cli("assess", "--source", s, "--target", t, "--permutations", "19", ...args, "--json");
    if (judged("assess options", r, `assess ${args.join(" ")}`) !== "ok") return;
    const doc = JSON.parse(r.stdout) as AssessDoc;
    const seed = lastOf(args, "--seed"), perms = lastOf(args, "--permutations");
    assert.equal(doc.seed, seed === undefined ? 0 : Number(seed), "the seed asked for");
    // The permutations asked for are the permutation test's, or a note says why they were not used (the linear-time
    // test above the memory budget); with --approximate they are refused.
    assert.ok(!(perms !== undefined && args.includes("--approximate")), "--permutations with --approximate is refused");
    if (perms !== undefined && doc.mmd.test.kind === "permutation") assert.equal(doc.mmd.test.permutations, Number(perms), "the permutations asked for");
    else if (perms !== undefined) assert.ok(doc.notes.some((t) => t.includes("--permutations")), "a note says the permutations were not used");
    // A subset of features or a smaller target sample changes the numbers, not the rows read.
    // (and a declared encoding reads the same bytes as other text: class names differ from the UTF-8 reader's).
    const plain = !args.includes("--label") && !args.includes("--encoding");
    checkAssess(doc, plain && !args.includes("--features") ? referenceRead(a) : null, plain && !args.includes("--target-labels-per-class") ? referenceRead(b) : null, `assess ${args.join(" ")}`);
  }), runs(60, 1317));
});

// ---- select ----------------------------------------------------------------------------------------------------------

interface SelectDoc {
  validators: string[];
  split: { sourceTrain: number; sourceVal: number; targetInputs: number; targetLabelled: number };
  candidates: Array<{ label: string; method: string; scores: Record<string, { score: number | null; se: number | null }> }>;
  choice: { rule: string; best: string; pick: string };
}

test("fuzz: select on random files and option strings is a typed refusal or a choice among the candidates asked for, over the files' rows", async () => {
  const args = options({
    "--methods": ["coral", "coral,kmm", "subspace-alignment", "self-training", "kmm,bogus", "domain-classifier", "ot-sinkhorn"],
    "--validators": ["all", "dev", "dev,entropy", "cv-target", "source-val,iwcv", "snd", "circular", "mixval"], "--rule": ["dev", "cv-target", "entropy", "snd", "iwcv"],
    "--estimator": ["svc", "logreg", "knn", "mlp"], "--grid": ["coral.lambda=0.1,1", "coral.lambda=-1", "kmm.B=1,1e300"], "--param": ["coral.lambda=0.5", "kmm.B=1e300", "kmm.kernel=linear"],
    "--seed": ["0", "1", "4294967295"], "--scale": ["none", "standard", "global"], "--memory-budget": ["2GB", "1KB", "64KB"], "--target-labels-per-class": ["0", "1", "2"],
  }, HOSTILE);
  await fc.assert(fc.asyncProperty(twoFiles, args, async ([a, b], extra) => {
    const { s, t } = writePair(a, b);
    const r = await cli("select", "--source", s, "--target", t, "--jobs", "1", "--methods", "coral", ...extra, "--json");
    const what = `select ${extra.join(" ")}`;
    if (judged("select", r, what) !== "ok") return;
    const doc = JSON.parse(r.stdout) as SelectDoc;
    finiteNumbers(doc, what);
    const rs = referenceRead(a), rt = referenceRead(b);
    if (rs) assert.equal(doc.split.sourceTrain + doc.split.sourceVal, rs.rows, `${what}: source rows`);
    if (rt) assert.equal(doc.split.targetInputs, rt.rows, `${what}: target rows`);
    const m = lastOf(extra, "--methods");
    const asked = m === undefined ? ["coral"] : m === "all" ? null : m.split(",");
    const methods = new Set(doc.candidates.map((c) => c.method));
    if (asked) for (const x of asked) assert.ok(methods.has(x), `${what}: ${x} was asked for`);
    for (const x of methods) assert.ok(x === "source-only" || x === "target-only" || !asked || asked.includes(x), `${what}: ${x} was not asked for`);
    const labels = doc.candidates.map((c) => c.label);
    assert.ok(labels.includes(doc.choice.best) && labels.includes(doc.choice.pick), `${what}: choice ${doc.choice.best}/${doc.choice.pick} among ${labels.join(", ")}`);
    assert.ok(doc.validators.includes(doc.choice.rule), `${what}: rule ${doc.choice.rule} among the validators run`);
    const rule = lastOf(extra, "--rule");
    if (rule !== undefined) assert.equal(doc.choice.rule, rule.trim());
  }), runs(60, 1318));
});

// ---- demo ------------------------------------------------------------------------------------------------------------

interface DemoDoc {
  seeds: number[];
  accuracy: Record<string, { n: number; mean: number; sd: number; ci95: [number, number] }>;
  comparisons: Array<{ pValue: number | null; test: string }>;
  files: string[];
}

/** An option left out, a value that reads, or (less often) one that does not. */
const maybe = (good: string[], bad: string[]) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });

test("fuzz: random demo option strings (tiny runs) are a typed refusal or the seeds and settings asked for, accuracies and intervals in [0, 100]", async () => {
  const out = join(dir, "demo");
  // Every value is small or invalid: the fuzz must finish (valid large --epochs or --target-labels would run long).
  const args = fc.record({
    seed: maybe(["0", "7", "42", "4294967295", "4294967294"], ["-1", "1e20", "0x2", "1.5", "x"]),
    seeds: maybe(["1", "2", "3"], ["0", "-1", "1e9", "10001", "0x2", "2.0"]),
    rotation: maybe(["0", "30", "90", "360", "-45", "0.5"], ["3601", "1e308", "NaN", "Infinity"]),
    targetLabels: maybe(["2", "10", "4"], ["3", "0", "1", "100001", "-2"]),
    lambda: maybe(["0", "0.5", "10", "1000000"], ["-1", "1e7", "NaN"]),
    epochs: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("0", "1", "2") }, { weight: 1, arbitrary: fc.constantFrom("-1", "1.5", "1e9", "100001", "") }),
    transductive: fc.boolean(),
    data: maybe(["numpy", "transferlab"], ["bogus"]),
  });
  await fc.assert(fc.asyncProperty(args, async (o) => {
    const argv = [
      ...(o.seed !== undefined ? ["--seed", o.seed] : []), ...(o.seeds !== undefined ? ["--seeds", o.seeds] : []),
      ...(o.rotation !== undefined ? ["--rotation", o.rotation] : []), ...(o.targetLabels !== undefined ? ["--target-labels", o.targetLabels] : []),
      ...(o.lambda !== undefined ? ["--lambda", o.lambda] : []), "--epochs", o.epochs, ...(o.transductive ? ["--transductive"] : []), ...(o.data !== undefined ? ["--data", o.data] : []),
    ];
    const r = await cli("demo", ...argv, "--no-plots", "--json", "--out", out);
    const what = `demo ${argv.join(" ")}`;
    if (judged("demo", r, what, false) !== "ok") return;
    const doc = JSON.parse(r.stdout) as DemoDoc;
    finiteNumbers(doc, what);
    // The documented seeds: --seed N alone → [N]; --seeds K alone → 0..K−1; both → N..N+K−1.
    const k = o.seeds === undefined ? undefined : Number(o.seeds), s = o.seed === undefined ? undefined : Number(o.seed);
    const want = k === undefined ? [s ?? 42] : Array.from({ length: k }, (_, i) => (s ?? 0) + i);
    assert.deepEqual(doc.seeds, want, `${what}: seeds`);
    for (const [id, a] of Object.entries(doc.accuracy)) {
      assert.equal(a.n, want.length, `${what}: ${id} runs every seed`);
      assert.ok(a.mean >= 0 && a.mean <= 100, `${what}: ${id} mean ${a.mean}`);
      interval(a.ci95, 0, 100, `${what}: ${id} accuracy interval`, a.mean);
    }
    for (const c of doc.comparisons) if (want.length === 1) assert.equal(c.pValue, null, `${what}: one seed is no test`);
    // The folder holds this run, whole: its results.json says the same seeds and settings.
    assert.deepEqual(readdirSync(out).sort(), [".transferlab-run", "results.json"]);
    const saved = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { seeds: number[]; settings: { rotationDeg: number; mmd: { epochs: number; lambda: number }; targetLabelledN: number } };
    assert.deepEqual(saved.seeds, want);
    assert.equal(saved.settings.mmd.epochs, Number(o.epochs));
    if (o.rotation !== undefined) assert.equal(saved.settings.rotationDeg, Number(o.rotation));
    if (o.lambda !== undefined) assert.equal(saved.settings.mmd.lambda, Number(o.lambda));
    if (o.targetLabels !== undefined) assert.equal(saved.settings.targetLabelledN, Number(o.targetLabels));
  }), runs(40, 1319));
});

// ---- fit and predict ---------------------------------------------------------------------------------------------------

/** The predictions a model file states, recomputed here in float64 from its own numbers: per row a class name, or
 * null where float32 rounding could decide otherwise (a near tie). `invalid` names what makes the file no model
 * (the CLI must refuse it); `unknown` means this reader does not model it (only the general property is checked). */
type Truth = { invalid: string } | { unknown: true } | { predict: (x: Record<string, number>) => string | null };

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInt = (v: unknown, lo: number): v is number => Number.isInteger(v) && (v as number) >= lo;

function modelTruth(text: string): Truth {
  let m: any;
  try {
    m = JSON.parse(text);
  } catch {
    return { invalid: "not JSON" };
  }
  if (!m || typeof m !== "object" || Array.isArray(m)) return { invalid: "not an object" };
  if (m.schema !== "transferlab/model" || m.version !== 1) return { invalid: "schema" };
  const { features, classes, scale, fitted } = m;
  if (!Array.isArray(features) || features.length === 0 || !features.every((f: unknown) => typeof f === "string") || new Set(features).size !== features.length) return { invalid: "features" };
  if (!Array.isArray(classes) || classes.length === 0 || !classes.every((c: unknown) => typeof c === "string") || new Set(classes).size !== classes.length) return { invalid: "classes" };
  const d = features.length;
  let scaled: (x: number[]) => number[];
  if (!scale || typeof scale !== "object") return { invalid: "scale" };
  if (scale.rule === "standard") {
    if (!Array.isArray(scale.mean) || !Array.isArray(scale.std) || scale.mean.length !== d || scale.std.length !== d || !scale.mean.every(isNum) || !scale.std.every((v: unknown) => isNum(v) && v > 0)) return { invalid: "standard scale" };
    scaled = (x) => x.map((v, j) => (v - scale.mean[j]) / scale.std[j]);
  } else if (scale.rule === "global") {
    if (!isNum(scale.divisor) || !(scale.divisor > 0)) return { invalid: "global scale" };
    scaled = (x) => x.map((v) => v / scale.divisor);
  } else if (scale.rule === "none") scaled = (x) => x;
  else return { invalid: "scale rule" };
  if (!fitted || typeof fitted !== "object" || fitted.kind !== "estimator") return { unknown: true };
  const e = fitted.estimator;
  if (!e || typeof e !== "object" || fitted.numClasses !== classes.length) return { invalid: "fitted estimator" };
  const C = classes.length;
  // The target map: identity, or linear (x − mean)·W with W inputs × mapped features (row-major); others unmodelled.
  const map = fitted.map;
  let mapped: (x: number[]) => number[];
  if (map?.kind === "identity") mapped = (x) => x;
  else if (map?.kind === "linear") {
    const W = map.W;
    if (!W || !isInt(W.rows, 1) || !isInt(W.cols, 1) || W.rows !== d || !Array.isArray(W.data) || W.data.length !== W.rows * W.cols || !W.data.every(isNum)) return { invalid: "linear map" };
    if (map.mean !== undefined && (!Array.isArray(map.mean) || map.mean.length !== d || !map.mean.every(isNum))) return { invalid: "linear map mean" };
    mapped = (x) => Array.from({ length: W.cols }, (_, k) => x.reduce((a, v, j) => a + (v - (map.mean?.[j] ?? 0)) * W.data[j * W.cols + k], 0));
  } else return { unknown: true };
  const row = (x: Record<string, number>) => mapped(scaled(features.map((f: string) => x[f]!)));
  if (e.kind === "knn") {
    const { state: st } = e;
    // Parameters left out take the estimator's documented defaults (k 5, uniform), as in a fresh KnnClassifier.
    if (!e.params || typeof e.params !== "object" || Array.isArray(e.params)) return { invalid: "knn params" };
    const params = { k: 5, weighting: "uniform", ...e.params };
    if (e.version !== 1 || !st || !isInt(params.k, 1) || !["uniform", "distance"].includes(params.weighting)) return { invalid: "knn params" };
    if (!isInt(st.rows, 1) || st.cols !== fitted.features || st.classes !== C || !Array.isArray(st.X) || st.X.length !== st.rows * st.cols || !st.X.every(isNum) || Math.max(...st.X.map(Math.abs)) > 3.4028234663852886e38) return { invalid: "knn state" };
    if (!Array.isArray(st.y) || st.y.length !== st.rows || !st.y.every((v: unknown) => isInt(v, 0) && (v as number) < C)) return { invalid: "knn labels" };
    if (!Array.isArray(st.w) || st.w.length !== st.rows || !st.w.every((v: unknown) => isNum(v) && v > 0)) return { invalid: "knn weights" };
    const k = Math.min(params.k, st.rows);
    return {
      predict(x) {
        const q = row(x);
        const dist = Array.from({ length: st.rows }, (_, i) => ({ i, d: q.reduce((a, v, j) => a + (v - st.X[i * st.cols + j]) ** 2, 0) }));
        dist.sort((a, b) => a.d - b.d || a.i - b.i);
        const tol = (v: number) => 1e-4 * (1 + v);
        if (k < st.rows && dist[k]!.d - dist[k - 1]!.d < tol(dist[k]!.d)) return null; // the k-th neighbour is not clear-cut
        const nn = dist.slice(0, k);
        if (params.weighting === "distance" && nn.some((p) => p.d < 1e-6)) return null; // exact matches: rounding decides
        const votes = new Array<number>(C).fill(0);
        for (const p of nn) votes[st.y[p.i]] += params.weighting === "distance" ? st.w[p.i] / Math.sqrt(p.d) : st.w[p.i];
        const order = votes.map((v, c) => ({ v, c })).sort((a, b) => b.v - a.v || a.c - b.c);
        const total = votes.reduce((a, v) => a + v, 0);
        if (C > 1 && order[0]!.v - order[1]!.v < 1e-9 * total && params.weighting === "distance") return null;
        return classes[order[0]!.c];
      },
    };
  }
  if (e.kind === "logreg") {
    const st = e.state;
    if (e.version !== 1 || !st || st.numClasses !== C || st.numFeatures !== fitted.features || !Array.isArray(st.coef) || st.coef.length !== C * fitted.features || !st.coef.every(isNum)
      || !Array.isArray(st.intercept) || st.intercept.length !== C || !st.intercept.every(isNum)) return { invalid: "logreg state" };
    return {
      predict(x) {
        const q = row(x);
        const z = Array.from({ length: C }, (_, c) => st.intercept[c] + q.reduce((a, v, j) => a + st.coef[c * q.length + j] * v, 0));
        if (!z.every(Number.isFinite)) return null;
        const order = z.map((v, c) => ({ v, c })).sort((a, b) => b.v - a.v || a.c - b.c);
        if (C > 1 && order[0]!.v - order[1]!.v < 1e-4 * (1 + Math.abs(order[0]!.v))) return null;
        return classes[order[0]!.c];
      },
    };
  }
  return { unknown: true };
}

/** Reads predict's CSV (one "prediction" column, then p_<class> columns) the plain way. */
function readPredictions(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  const split = (l: string) => (l.startsWith('"') ? [JSON.parse(l.slice(0, l.indexOf('"', 1) + 1)), ...l.slice(l.indexOf('"', 1) + 2).split(",")] : l.split(","));
  return { header: split(lines[0]!), rows: lines.slice(1).map(split) };
}

/** Runs predict with a model file on an input file and checks the property against the model's truth. */
async function predictChecked(model: string, input: string, inputRef: Ref | null, what: string, opts: { proba?: boolean } = {}): Promise<"ok" | "refused"> {
  const outFile = join(dir, `p${n++}.csv`);
  const r = await cli("predict", "--model", model, "--input", input, "--out", outFile, ...(opts.proba ? ["--proba"] : []));
  const outcome = sane(r, what);
  const truth = modelTruth(readFileSync(model, "utf8"));
  if (process.env.FUZZ_LOG && outcome === "refused") appendFileSync(process.env.FUZZ_LOG, `${what.slice(0, 90)}\t${r.stderr.trim()}\n`);
  if (outcome === "refused") {
    assert.equal(existsSync(outFile), false, `${what}: a refused run writes nothing`);
    return outcome;
  }
  assert.ok(!("invalid" in truth), `${what}: a model file that is no valid model (${"invalid" in truth ? truth.invalid : ""}) was accepted`);
  const { header, rows } = readPredictions(outFile);
  const classes = (JSON.parse(readFileSync(model, "utf8")) as { classes: string[] }).classes;
  assert.equal(header[0], "prediction");
  if (opts.proba) assert.deepEqual(header.slice(1), classes.map((c) => `p_${c}`));
  if (inputRef) assert.equal(rows.length, inputRef.rows, `${what}: one prediction per input row`);
  for (const [i, cells] of rows.entries()) {
    assert.ok(classes.includes(cells[0]!), `${what}: row ${i + 1} predicts ${cells[0]}, not a class of the model`);
    if (opts.proba) {
      const p = cells.slice(1).map(Number);
      assert.ok(p.every((v) => v >= 0 && v <= 1), `${what}: row ${i + 1} probabilities ${p.join(", ")}`);
      assert.ok(Math.abs(p.reduce((a, v) => a + v, 0) - 1) < 1e-4, `${what}: row ${i + 1} probabilities sum to ${p.reduce((a, v) => a + v, 0)}`);
    }
    if ("predict" in truth && inputRef) {
      const x = Object.fromEntries(inputRef.features.map((f, j) => [f, inputRef.X[i]![j]!]));
      const want = truth.predict(x);
      if (want !== null) assert.equal(cells[0], want, `${what}: row ${i + 1}`);
    }
  }
  return outcome;
}

/** Two fixed files of two classes in two features, shifted: the models the corruption fuzz starts from. */
function fixedPair(): { s: string; t: string; rs: Ref; rt: Ref } {
  const rows = (shift: number, seed: number) => {
    const lines = ["x1,x2,label"];
    for (let i = 0; i < 40; i++) lines.push(`${((((i * 37 + seed) % 101) / 25) + (i % 2) * 2 + shift).toFixed(3)},${((((i * 53 + seed) % 89) / 22) - (i % 2) + shift).toFixed(3)},${i % 2 ? "b" : "a"}`);
    return Buffer.from(`${lines.join("\n")}\n`);
  };
  const a = rows(0, 3), b = rows(0.8, 11);
  const { s, t } = writePair(a, b);
  return { s, t, rs: referenceRead(a)!, rt: referenceRead(b)! };
}

test("fuzz: fit with random option strings on random files is a typed refusal or a model of the files' features and classes that predicts them", async () => {
  const args = options({
    "--method": ["source-only", "coral", "subspace-alignment", "kmm", "self-training", "ot-sinkhorn", "jda", "target-only", "domain-classifier"],
    "--estimator": ["knn", "logreg", "svc", "mlp"], "--param": ["lambda=0.1", "lambda=-1", "reg=1e300", "B=1e300", "dim=1", "dim=5", "rounds=2", "k=3"],
    "--estimator-param": ["k=3", "k=0", "k=1e9", "C=0.1", "C=-1", "weighting=distance", "hidden=[4]"], "--scale": ["none", "standard", "global", "pixel"],
    "--seed": ["0", "1", "4294967295"], "--memory-budget": ["2GB", "1KB", "64KB"], "--target-labels-per-class": ["1", "2"], "--label": ["label", "x1", "0", "2"], "--missing": ["drop", "mean"],
  }, HOSTILE);
  await fc.assert(fc.asyncProperty(twoFiles, args, async ([a, b], extra) => {
    const { s, t } = writePair(a, b);
    const model = join(dir, `m${n++}.tlm`);
    const r = await cli("fit", "--source", s, "--target", t, "--method", "source-only", "--estimator", "knn", ...extra, "--out", model);
    const what = `fit ${extra.join(" ")}`;
    if (judged("fit", r, what) === "refused") return assert.equal(existsSync(model), false, `${what}: a refused fit writes no model`);
    const doc = JSON.parse(readFileSync(model, "utf8")) as { method: string; features: string[]; classes: string[]; trainedOn: { source: number; targetInputs: number } };
    assert.equal(doc.method, lastOf(extra, "--method")?.trim() ?? "source-only");
    const rs = referenceRead(a), rt = referenceRead(b);
    if (rs && !extra.includes("--label")) {
      assert.equal(doc.trainedOn.source, rs.rows, `${what}: source rows`);
      assert.deepEqual(doc.features, rs.features, `${what}: features`);
      assert.deepEqual([...doc.classes].sort(), Object.keys(rs.classes).sort(), `${what}: classes`);
    }
    if (rt && !extra.includes("--label")) assert.equal(doc.trainedOn.targetInputs, rt.rows, `${what}: target rows`);
    // The model predicts the target file (its features by name), as the model file says where this reader can tell.
    count("predict", await predictChecked(model, t, extra.includes("--label") ? null : rt, `predict after ${what}`));
  }), runs(60, 1320));
});

/** One way to damage a model file: cut it, change a byte, or change one value of its JSON tree (set it, delete it,
 * duplicate it, or nudge a number: a different model that is still valid, whose predictions the reader recomputes). */
const corruption = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("byte" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("json" as const), at: fc.nat(),
    op: fc.constantFrom("set", "delete", "duplicate", "nudge", "nudge"),
    value: fc.constantFrom<unknown>(0, 1, -1, 2, 0.5, 3.5, 1e308, -1e308, 1e-320, 2 ** 31, 1e20, "", "x", "a", "NaN", null, true, [], {}, [0], -0),
  }),
);

type Corruption = { kind: "truncate" | "byte" | "json"; at: number; byte?: number; op?: string; value?: unknown };

function corrupt(text: string, c: Corruption): Buffer {
  const bytes = Buffer.from(text);
  if (c.kind === "truncate") return bytes.subarray(0, c.at % bytes.length);
  if (c.kind === "byte") {
    const out = Buffer.from(bytes);
    out[c.at % out.length] = c.byte!;
    return out;
  }
  const doc = JSON.parse(text) as unknown;
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, p: Array<string | number>) => {
    if (p.length > 0) paths.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(doc, []);
  const path = paths[c.at % paths.length]!;
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], doc);
  const key = path[path.length - 1]!;
  if (c.op === "nudge") parent[key] = typeof parent[key] === "number" ? parent[key] * 1.5 + 0.25 : c.value; // a still-valid model, mostly
  else if (c.op === "set") parent[key] = c.value;
  else if (c.op === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  }
  else if (Array.isArray(parent)) parent.splice(key as number, 0, parent[key as number]);
  else parent[key] = [parent[key]];
  return Buffer.from(JSON.stringify(doc));
}

test("fuzz: predict with a truncated or corrupted model file is a typed refusal or the predictions that file states", async () => {
  const { s, t, rt } = fixedPair();
  const models: string[] = [];
  for (const [method, estimator, scale] of [["source-only", "knn", "standard"], ["source-only", "logreg", "standard"], ["source-only", "knn", "none"], ["coral", "knn", "standard"], ["subspace-alignment", "svc", "standard"]] as const) {
    const m = join(dir, `base-${method}-${estimator}-${scale}.tlm`);
    const r = await cli("fit", "--source", s, "--target", t, "--method", method, "--estimator", estimator, "--scale", scale, "--out", m);
    assert.equal(r.code, 0, r.stderr);
    models.push(readFileSync(m, "utf8"));
  }
  // The uncorrupted files first: the reader must agree with them on every clear-cut row (the last two, a CORAL and a
  // subspace-alignment model with an SVC, it does not model: they are held to the general property).
  for (const [k, text] of models.entries()) {
    const m = join(dir, `pristine${k}.tlm`);
    writeFileSync(m, text);
    assert.equal(await predictChecked(m, t, rt, `pristine model ${k}`, { proba: true }), "ok");
  }
  await fc.assert(fc.asyncProperty(fc.nat(models.length - 1), corruption, fc.boolean(), async (k, c, proba) => {
    const m = join(dir, `c${n++}.tlm`);
    writeFileSync(m, corrupt(models[k]!, c as Corruption));
    count("predict corrupted model", await predictChecked(m, t, rt, `predict with model ${k} after ${JSON.stringify(c)}`, { proba }));
  }), runs(300, 1321));
});

test("fuzz: predict on random input files is a typed refusal or one correct prediction per row", async () => {
  const { s, t } = fixedPair();
  const model = join(dir, "input-fuzz.tlm");
  assert.equal((await cli("fit", "--source", s, "--target", t, "--method", "source-only", "--estimator", "knn", "--out", model)).code, 0);
  await fc.assert(fc.asyncProperty(file, async (bytes) => {
    const input = join(dir, `in${n++}.csv`);
    writeFileSync(input, bytes);
    const ref = referenceRead(bytes);
    // The model's features are x1 and x2: a file whose features are others is refused, or read by name.
    const usable = ref && ["x1", "x2"].every((f) => ref.features.includes(f)) ? ref : null;
    count("predict input", await predictChecked(model, input, usable, `predict on ${JSON.stringify(bytes.toString("latin1").slice(0, 80))}`));
  }), runs(80, 1322));
});
