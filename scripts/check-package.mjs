// The package as a user gets it (CI runs this after `npm test`; `npm run check:package` locally):
//  1. `npm pack` (runs `prepare`, which fails on any tsc error) and checks the file list: nothing built on the
//     packer's machine (native/build), no source map pointing at the unshipped src/, the build script present;
//  2. installs the tarball into an empty project with plain `npm install <tgz>`;
//  3. runs `transferlab demo --no-plots` there with the addon the install script built and again without it
//     (the wasm fallback), and `transferlab info`, whose hint must name a build command that works there;
//  4. type-checks test/package/consumer (strict, no @types/node, skipLibCheck off) against the installed types;
//  5. bundles `transferlab/browser` from that project with esbuild for the browser, no plugin, nothing external.
// Prints one JSON line with the tarball size, installed size and package count (the issue's before/after table).
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const work = mkdtempSync(join(tmpdir(), "transferlab-package-"));
const keep = process.argv.includes("--keep");

function run(cmd, args, cwd, what) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 600_000, env: { ...process.env, CI: "true", TRANSFERLAB_KERNELS: "" } });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ""}):\n${(r.stdout ?? "").slice(-3000)}${(r.stderr ?? "").slice(-3000)}`);
  return r.stdout;
}

function fail(message) {
  console.error(`check-package: ${message}`);
  if (!keep) rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

function duBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

// 1. pack
const packed = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", work], root, "npm pack"))[0];
const paths = packed.files.map((f) => f.path);
const bad = paths.filter((p) => p.startsWith("native/build/") || p.endsWith(".node") || p.endsWith(".map") || p.startsWith("src/") || p.startsWith("test/"));
if (bad.length) fail(`the tarball ships files it must not: ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ` and ${bad.length - 5} more` : ""}`);
for (const need of ["scripts/build-native.mjs", "native/binding.gyp", "dist/index.js", "dist/index.d.ts", "dist/browser.js", "dist/browser.d.ts", "dist/browser-worker.js", "bin/transferlab.js"]) {
  if (!paths.includes(need)) fail(`the tarball lacks ${need}`);
}
const tgz = join(work, packed.filename);

// 2. install into an empty project
const project = join(work, "consumer");
cpSync(join(root, "test", "package", "consumer"), project, { recursive: true });
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2));
run(npm, ["install", "--no-audit", "--no-fund", tgz], project, "npm install <tgz>");
const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
const installedPackages = Object.keys(lock.packages).filter((k) => k.startsWith("node_modules/")).length - 1; // not transferlab itself
const installedBytes = duBytes(join(project, "node_modules"));
if (existsSync(join(project, "node_modules", "@types", "node"))) fail("installing transferlab pulled in @types/node; the consumer type-check would not prove anything");

// 3. the CLI in that project: with the addon the install script built (where a compiler exists), then without it
const bin = join(project, "node_modules", ".bin", "transferlab");
const addonDir = join(project, "node_modules", "transferlab", "native", "build");
const builtNative = existsSync(join(addonDir, "Release", "transferlab_kernels.node"));
function demoRuns(label) {
  const out = join(work, `demo-${label}`);
  const text = run(bin, ["demo", "--no-plots", "--out", out], project, `transferlab demo --no-plots (${label})`);
  if (!/Verdict:/.test(text) || !existsSync(join(out, "results.json"))) fail(`demo (${label}) printed no verdict or wrote no results.json:\n${text}`);
}
if (builtNative) demoRuns("native addon");
rmSync(addonDir, { recursive: true, force: true });
demoRuns("no native addon");
const info = run(bin, ["info"], project, "transferlab info");
if (/npm ci|npm run /.test(info)) fail(`info gives a hint that does not work in a consumer project:\n${info}`);
const hint = /`node ([^`]+build-native\.mjs)`/.exec(info);
if (!hint || !existsSync(hint[1])) fail(`info names no existing build script for the missing native addon:\n${info}`);

// 4. the consumer type-check
run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(project, "tsconfig.json")], project, "tsc --strict on the consumer (no @types/node)");

// 5. a page's bundler on the installed package: esbuild, browser platform, no plugin, nothing marked external
const { build } = await import("esbuild");
let pageBundleBytes = 0;
try {
  const b = await build({
    stdin: { contents: 'import { evaluate, compileWasmKernels } from "transferlab/browser"; console.log(evaluate, compileWasmKernels);', resolveDir: project, loader: "js" },
    bundle: true, platform: "browser", format: "esm", minify: true, write: false, logLevel: "silent",
  });
  pageBundleBytes = b.outputFiles[0].contents.length;
} catch (e) {
  fail(`bundling transferlab/browser for a web page failed: ${e.message}`);
}

console.log(JSON.stringify({
  tarball: packed.filename, tarballBytes: packed.size, unpackedBytes: packed.unpackedSize, files: packed.entryCount,
  installedBytes, installedPackages, nativeBuiltAtInstall: builtNative, consumerTypecheck: "ok", demo: "ok", pageBundleBytes,
}));
if (!keep) rmSync(work, { recursive: true, force: true });
