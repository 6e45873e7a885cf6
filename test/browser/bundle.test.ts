// The browser bundle (scripts/build-browser.mjs) in headless Chromium: evaluate with SVC (libsvm-js), KMM, CORAL
// and self-training gives the same per-seed accuracies as Node on the same tiers (wasm kernels, wasm libsvm),
// serially and on two Web Workers; CSV text becomes a Domain; a figure renders to SVG; the page requests nothing
// but its own files (the entries and their chunks). The bundle itself contains no Node built-in (the build fails otherwise).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { bundleBrowser } from "../../scripts/build-browser.mjs";
import { browserTestOptions } from "../report/chromium.js";
import { serve, withPage } from "./served.js";

const PAIR = `generators.moons.make({ n: 240, angle: 35 }, new Rng(7))`;
const OPTS = `{ methods: ["coral", "kmm", "self-training"], estimator: "svc", seeds: 2, targetLabelsPerClass: 5 }`;
const SUMMARY = `(r) => r.methods.map((m) => [m.name, m.accuracy.perSeed, m.verdict])`;

test("browser bundle: evaluate equals Node's numbers on the wasm tiers, serially and on Web Workers", browserTestOptions, async () => {
  const built = await bundleBrowser({ write: false });
  const files: Record<string, Uint8Array | string> = Object.fromEntries(built.outputFiles.map((f) => [f.path.slice(f.path.lastIndexOf("/dist/") + 5), f.contents]));
  const page = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>bundle</title><script type="module">
    import { compileWasmKernels, generators, Rng, evaluate, setFitWorkerFactory, parseCsvText, tableToDomain, specToSvg, performanceComparison } from "/browser.js";
    try {
      await compileWasmKernels();
      const summary = ${SUMMARY};
      const pair = ${PAIR};
      const serial = await evaluate(pair, ${OPTS});
      setFitWorkerFactory(() => new Worker("/browser-worker.js", { type: "module" }));
      const workers = await evaluate(pair, { ...${OPTS}, jobs: 2 });
      const d = tableToDomain(parseCsvText("a,b,y\\n1,2,cat\\n3,NA,dog\\n5,6,cat\\n", { label: "y" }), "csv", { missing: "drop" });
      const svg = await specToSvg(performanceComparison({ bars: serial.methods.map((m) => ({ method: m.name, role: m.family === "baseline" ? "baseline" : "method", mean: m.accuracy.mean, lo: m.accuracy.ci95[0], hi: m.accuracy.ci95[1], seeds: m.accuracy.perSeed })) }));
      window.done = { serial: summary(serial), workers: summary(workers), csv: [d.X.rows, Array.from(d.X.data), Array.from(d.y), d.classNames], svg: svg.slice(0, 4) + ":" + svg.includes("</svg>") };
    } catch (e) { window.done = { error: String(e && e.stack || e) }; }
  </script>`;
  files["/index.html"] = page;
  const server = await serve(files);
  try {
    const got = await withPage(server.url, async ({ page: tab, errors, requests }) => {
      await tab.waitForFunction(() => (window as unknown as { done?: unknown }).done !== undefined, undefined, { timeout: 150_000 });
      const done = await tab.evaluate(() => (window as unknown as { done: Record<string, unknown> }).done);
      return { done, errors, requests };
    });
    assert.equal(got.done.error, undefined, String(got.done.error));
    assert.deepEqual(got.errors, []);
    // Only its own files: the page, the two entries and their chunks (libsvm's included), nothing from elsewhere.
    const asked = [...new Set(got.requests)].map((u) => u.slice(server.url.length - 1));
    assert.ok(got.requests.every((u) => u.startsWith(server.url)), JSON.stringify(got.requests));
    assert.ok(asked.every((p) => p === "/" || p in files), JSON.stringify(asked));
    assert.ok(asked.includes("/browser-worker.js") && asked.some((p) => p.includes("libsvm-wasm")), JSON.stringify(asked));
    // Node, same code from src/, forced onto the same tiers in a fresh process.
    const node = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `
      import { generators } from "./src/data/generators/index.js";
      import { Rng } from "./src/core/rng.js";
      import { evaluate } from "./src/experiment/evaluate.js";
      const r = await evaluate(${PAIR}, ${OPTS});
      console.log(JSON.stringify((${SUMMARY})(r)));`], { encoding: "utf8", env: { ...process.env, TRANSFERLAB_KERNELS: "wasm", TRANSFERLAB_SVM: "wasm" } });
    assert.equal(node.status, 0, node.stderr);
    const want = JSON.parse(node.stdout) as unknown;
    assert.deepEqual(got.done.serial, want, "serial fits in the browser differ from Node");
    assert.deepEqual(got.done.workers, want, "Web Worker fits differ from Node");
    assert.ok((want as unknown[]).length === 5);
    // CSV text: the row with a missing cell dropped, labels mapped to sorted class names.
    assert.deepEqual(got.done.csv, [2, [1, 2, 5, 6], [0, 0], ["cat"]]);
    assert.equal(got.done.svg, "<svg:true");
  } finally {
    await server.close();
  }
});
