// The library boundary under random misuse (issue 13): every public function of the package's entry (src/index.ts;
// the browser entry shares these through src/api-shared.ts) is called with random arguments — wrong types, wrong
// shapes, NaN/±Infinity, empty data, prototype keys, huge counts, labels out of range — mixed with valid ones. The
// property: the call returns a correct result (checked: no NaN anywhere in it, accuracies inside [0, 100]) or
// throws a TransferLabError with a code and a location (where.param/row/column/file) — never a TypeError or
// RangeError from deep inside, never a crash. Seeded (fast-check seed 13), so a failure reproduces; the run count
// keeps the file under ~30 s on a loaded machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as api from "../../src/index.js";
import { Matrix, Rng, TransferLabError, generators } from "../../src/index.js";

const SEED = 13;

/** Values that break naive code: wrong types, non-finite numbers, huge counts, prototype keys. */
const junk = fc.constantFrom<unknown>(
  undefined, null, NaN, Infinity, -Infinity, -1, 0, 0.5, 1.5, 1e20, 2 ** 32, -0, "0", "", "coral", "2GB", "__proto__",
  [], [1, 2], {}, { __proto__: null }, true, () => 1, new Float64Array(4), new Int32Array([-1, 0]), Symbol.iterator,
);

/** A small labelled domain, sometimes broken in one way. */
function domainArb(rows: number, cols: number) {
  return fc.record({
    breakage: fc.constantFrom("none", "none", "none", "array-X", "f64-data", "y-array", "y-short", "y-neg", "y-huge", "nan", "empty", "no-y", "names"),
    seed: fc.integer({ min: 0, max: 1000 }),
  }).map(({ breakage, seed }) => {
    const rng = new Rng(seed);
    const X = new Matrix(rows, cols, Float32Array.from({ length: rows * cols }, () => rng.normal()));
    const y = Int32Array.from({ length: rows }, (_, i) => i % 2);
    const d: Record<string, unknown> = { name: `d${seed}`, X, y };
    switch (breakage) {
      case "array-X": d.X = X.toArrays(); break;
      case "f64-data": d.X = { rows, cols, data: Float64Array.from(X.data) }; break;
      case "y-array": d.y = Array.from(y); break;
      case "y-short": d.y = y.subarray(0, 5); break;
      case "y-neg": y[3] = -1; break;
      case "y-huge": y[2] = 2 ** 30; break;
      case "nan": X.data[7] = NaN; break;
      case "empty": d.X = new Matrix(0, cols); d.y = new Int32Array(0); break;
      case "no-y": delete d.y; break;
      case "names": d.featureNames = ["a"]; break;
    }
    return d;
  });
}

/** Random options: half the time only valid values (a random subset of `keys`), otherwise the same with one
 *  key set to junk or one unknown/prototype key added. */
function optionsArb(keys: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) {
  const names = Object.keys(keys);
  const valid = fc.record(keys, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
  const mutation = fc.oneof(
    fc.record({ key: fc.constantFrom(...names), value: junk }),
    fc.record({ key: fc.constantFrom("bogus", "__proto__", "constructor", "toString"), value: fc.constant<unknown>(1) }),
  );
  return fc.tuple(valid, fc.option(mutation, { freq: 2, nil: null })).map(([o, m]) => {
    const out: Record<string, unknown> = JSON.parse("{}");
    for (const [k, v] of Object.entries(o)) out[k] = v;
    if (m) Object.defineProperty(out, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    return out;
  });
}

/** Finds a NaN (or an accuracy outside [0, 100]) anywhere in a result; returns its path. */
function badNumber(v: unknown, path = "result", seen = new Set<unknown>()): string | null {
  if (typeof v === "number") return Number.isNaN(v) ? path : null;
  if (v === null || typeof v !== "object" || seen.has(v)) return null;
  seen.add(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = v as unknown as ArrayLike<number>;
    for (let i = 0; i < arr.length; i++) if (Number.isNaN(arr[i])) return `${path}[${i}]`;
    return null;
  }
  if (v instanceof Matrix) return badNumber(v.data, `${path}.data`, seen);
  for (const [k, x] of Object.entries(v)) {
    if (k === "accuracy" && x && typeof x === "object" && "ci95" in x) {
      const ci = (x as { ci95: [number, number] }).ci95;
      if (!(ci[0] >= 0 && ci[1] <= 100 && ci[0] <= ci[1])) return `${path}.${k}.ci95 = [${ci.join(", ")}]`;
    }
    const r = badNumber(x, `${path}.${k}`, seen);
    if (r) return r;
  }
  return null;
}

/** Per function: calls that returned a (checked) result and calls that ended in a typed error. */
const tally = new Map<string, { ok: number; typed: number; codes: Set<string> }>();
const count = (what: string, key: "ok" | "typed", code?: string) => { const t = tally.get(what) ?? { ok: 0, typed: 0, codes: new Set() }; t[key]++; if (code) t.codes.add(code); tally.set(what, t); };
test.after(() => console.log(`api fuzz: ${[...tally].map(([k, t]) => `${k} ${t.ok} ok / ${t.typed} typed (${[...t.codes].join(" ")})`).join("; ")}`));

/** The property: a typed error with a code and a location, or a result without NaN. */
async function typedOrCorrect(what: string, call: () => unknown): Promise<void> {
  let out: unknown;
  what = what.split(" ")[0]!;
  try {
    out = await call();
  } catch (e) {
    count(what, "typed", e instanceof TransferLabError ? e.code : undefined);
    if (!(e instanceof TransferLabError)) throw new Error(`${what} threw an untyped ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack?.split("\n").slice(1, 4).join("\n")}`);
    assert.ok(e.code, `${what}: no code`);
    const w = e.where;
    assert.ok(w.param !== undefined || w.row !== undefined || w.column !== undefined || w.file !== undefined, `${what}: ${e.code} without a location: ${e.message}`);
    return;
  }
  count(what, "ok");
  const bad = badNumber(out);
  assert.equal(bad, null, `${what} returned NaN or an impossible accuracy at ${bad}`);
}

const runs = (n: number) => ({ seed: SEED, numRuns: n, endOnFailure: true, includeErrorInReport: true });
const pair = () => generators.moons!.make({ n: 40 }, new Rng(1));

test("fuzz: Matrix, Matrix.from, Rng and the registries", async () => {
  await fc.assert(fc.asyncProperty(junk, junk, junk, async (a, b, c) => {
    await typedOrCorrect("new Matrix", () => new Matrix(a as number, b as number, c as Float32Array));
    await typedOrCorrect("Matrix.from", () => Matrix.from(a as number[][]));
    await typedOrCorrect("Matrix.from rows", () => Matrix.from([a, b] as number[][]));
    await typedOrCorrect("new Rng", () => new Rng(a as number).uniform());
    await typedOrCorrect("getMethod", () => api.getMethod(a as string).name);
    await typedOrCorrect("getEstimator", () => api.getEstimator(a as string).name);
  }), runs(120));
});

test("fuzz: estimators' constructors, fit and predict", async () => {
  const ctors = [api.KnnClassifier, api.LogisticRegression, api.SVC, api.MlpClassifier] as const;
  const params = [
    optionsArb({ k: fc.integer({ min: 1, max: 20 }), weighting: fc.constantFrom("uniform", "distance") }),
    optionsArb({ C: fc.double({ min: 0.01, max: 10, noNaN: true }), maxIter: fc.integer({ min: 1, max: 50 }) }),
    optionsArb({ C: fc.double({ min: 0.01, max: 10, noNaN: true }), kernel: fc.constantFrom("rbf", "linear") }),
    optionsArb({ maxEpochs: fc.integer({ min: 1, max: 3 }), hidden: fc.constantFrom([4], [2, 3]) }),
  ];
  const fitOpts = fc.oneof(fc.constant(undefined), fc.record({ numClasses: fc.oneof(fc.integer({ min: 1, max: 4 }), junk) }), junk);
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 3 }).chain((w) => fc.tuple(fc.constant(w), params[w]!)), domainArb(12, 3), fitOpts, async ([which, p], dom, extra) => {
    const Ctor = ctors[which]!;
    await typedOrCorrect(`${Ctor.name} fit`, async () => {
      const e = new (Ctor as unknown as new (p: unknown) => api.Estimator)(which === 3 ? { maxEpochs: 2, ...p } : p);
      await e.fit(dom.X as Matrix, dom.y as Int32Array, extra as never);
      return { pred: e.predict(dom.X as Matrix), proba: which === 2 ? null : e.predictProba(dom.X as Matrix) };
    });
  }), runs(80));
});

test("fuzz: generators and resolveDomainPair specs", async () => {
  const names = Object.keys(generators);
  await fc.assert(fc.asyncProperty(fc.constantFrom(...names, "__proto__", "bogus"), optionsArb({ n: fc.integer({ min: 2, max: 60 }) }), fc.constantFrom("1e9", "100000", "-3", "0x10", "abc", "4"), async (name, params, bigN) => {
    await typedOrCorrect(`generators.${name}`, () => (Object.hasOwn(generators, name) ? generators[name]!.make(params, new Rng(0)) : api.resolveDomainPair(`${name}?n=${bigN}`)));
    await typedOrCorrect(`resolveDomainPair ${name}?n=${bigN}`, () => api.resolveDomainPair(`${name}?n=${bigN}&dim=${bigN}`));
  }), runs(60));
});

test("fuzz: evaluate (options and pairs)", async () => {
  const good = {
    methods: fc.constantFrom(["coral"], ["kmm"], [], ["oracle"], ["nope"], ["coral", "nn-weighting"], ["self-training"]),
    estimator: fc.constantFrom("knn", "logreg", "knn", "__proto__"),
    targetLabelsPerClass: fc.integer({ min: 0, max: 18 }),
    seeds: fc.integer({ min: 1, max: 3 }),
    firstSeed: fc.constantFrom(0, 7, 2 ** 32 - 3),
    scale: fc.constantFrom("auto", "none", "standard"),
    protocol: fc.constantFrom("transductive", "inductive"),
    memoryBudget: fc.constantFrom(1e4, 1e9, 1e9, 1e15),
    margin: fc.constantFrom(0, 1, 5),
    alpha: fc.constantFrom(0.05, 0.5),
    minTestPerClass: fc.constantFrom(0, 5, 5, 100),
    methodParams: fc.constantFrom({ kmm: { maxIter: 20 } }, {}, {}, { coral: { lambda: -1 } }, JSON.parse('{"coral":{"__proto__":1}}'), { nope: {} }),
  };
  await fc.assert(fc.asyncProperty(optionsArb(good), domainArb(40, 2), fc.integer({ min: 0, max: 3 }), async (options, broken, which) => {
    const breakPair = which === 0;
    const p = pair();
    const arg = breakPair ? { source: broken, target: p.target } : p;
    const o = { estimator: "knn", ...options };
    await typedOrCorrect("evaluate", () => api.evaluate(arg as Parameters<typeof api.evaluate>[0], o as api.EvaluateOptions));
  }), runs(120));
});

test("fuzz: assess (domains and options)", async () => {
  const good = { seed: fc.constantFrom(0, 3), permutations: fc.constantFrom(20, 50), alpha: fc.constantFrom(0.05, 0.2), memoryBudget: fc.constantFrom(1e9, 1e4), targetLabelsPerClass: fc.constantFrom(2, 5), forceApproximate: fc.boolean() };
  const valid = (rows: number, seed: number) => { const r = new Rng(seed); return { name: "v", X: new Matrix(rows, 3, Float32Array.from({ length: rows * 3 }, () => r.normal())), y: Int32Array.from({ length: rows }, (_, i) => i % 2) }; };
  await fc.assert(fc.asyncProperty(domainArb(30, 3), fc.integer({ min: 0, max: 2 }), optionsArb(good), async (broken, which, o) => {
    const s = which === 0 ? broken : valid(30, 1), t = which === 1 ? broken : valid(20, 2);
    await typedOrCorrect("assess", () => api.assess(s as never, t as never, { permutations: 20, ...o } as api.AssessOptions));
  }), runs(40));
});

test("fuzz: fit (deploy), a method's fit context, runDemo, formatters", async () => {
  const good = { method: fc.constantFrom("coral", "source-only", "kmm", "bogus", "__proto__"), estimator: fc.constantFrom("knn", "logreg"), seed: fc.constantFrom(0, 5), scale: fc.constantFrom("none", "standard"), params: fc.constantFrom({}, { maxIter: 10 }, { lambda: "1" }) };
  const aborted = AbortSignal.abort();
  const ctxArb = optionsArb({ rng: fc.constant(new Rng(3)), estimator: fc.constant(() => new api.KnnClassifier()), memoryBudget: fc.constantFrom(1e3, 1e9) }, ["rng", "estimator"]);
  await fc.assert(fc.asyncProperty(domainArb(30, 2), optionsArb(good), ctxArb, junk, junk, async (d, o, ctx, a, b) => {
    const t = { name: "t", X: (d.X instanceof Matrix ? d.X : new Matrix(2, 2)) };
    await typedOrCorrect("fit", async () => (await api.fit({ source: d, target: t } as never, { method: "coral", ...o } as never)).predictCodes(t.X));
    await typedOrCorrect("coral.fit", async () => (await api.getMethod("coral").fit({ source: d, target: t } as never, ctx as never)).notes);
    await typedOrCorrect("runDemo", () => api.runDemo({ seeds: a, epochs: b } as api.DemoOptions, { signal: aborted }));
    await typedOrCorrect("formatEvaluation", () => api.formatEvaluation(a as api.EvaluateResult));
    await typedOrCorrect("summarizeShift", () => api.summarizeShift({ source: d, target: d } as never));
  }), runs(40));
});
