// The package's public surface: the top-level list stays the user API (internals live on room subpaths), every
// subpath in package.json "exports" points at a room index that exists and loads, and method names are typed as
// the union of registered names (a define* helper that forgets the literal name widens it to string: tsc fails here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import * as top from "../../src/index.js";
import { methodNames, type MethodName } from "../../src/adapt/registry.js";
import type { EvaluateOptions } from "../../src/experiment/evaluate.js";

type IsNarrow<T> = string extends T ? false : true;
const narrow: IsNarrow<MethodName> = true; // compile-time: fails to type-check if MethodName is just string
// @ts-expect-error not a registered method: the option type rejects it at compile time
const _typo: EvaluateOptions = { methods: ["coral-typo"] };

test("MethodName covers exactly the registered names", () => {
  assert.equal(narrow, true);
  const coral: MethodName = "coral";
  assert.ok(methodNames().includes(coral));
  assert.ok(methodNames().length >= 10);
});

test("top level: the user API, not internals", () => {
  const names = Object.keys(top);
  for (const internal of ["REPORT_CSS", "zipStore", "kolmogorovSf", "engine", "methods", "gemmUnchecked", "encodeNpy", "FIGURE_CONFIG"]) {
    assert.ok(!names.includes(internal), `${internal} is exported from the package root`);
  }
  for (const api of ["evaluate", "assess", "runDemo", "loadDomain", "resolveDomainPair", "generators", "methodNames", "SVC", "TransferLabError", "EVALUATE_DEFAULTS"]) {
    assert.ok(names.includes(api), `${api} is missing from the package root`);
  }
  assert.ok(names.length <= 60, `${names.length} top-level exports: put advanced parts on a subpath`);
});

test("every subpath export points at a room index that loads", async () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, string | Record<string, string>> };
  for (const [sub, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") continue; // ./package.json
    for (const [condition, file] of Object.entries(target)) {
      assert.match(file, /^\.\/dist\/.+\.(d\.ts|js)$/, `${sub} → ${condition}`);
      const src = file.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$|\.js$/, ".ts");
      assert.ok(existsSync(src), `${sub} (${condition}) maps to ${file}, but ${src} does not exist`);
      if (condition === "import" && !sub.startsWith("./browser")) { // browser entries are checked in Chromium (test/browser)
        const mod = (await import(pathToFileURL(src).href)) as Record<string, unknown>;
        assert.ok(Object.keys(mod).length > 0, `${src} exports nothing`);
      }
    }
  }
});
