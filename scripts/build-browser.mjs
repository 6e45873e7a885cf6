// Bundles the browser entry (src/browser.ts → dist/browser.js) and its Web Worker (src/browser-worker.ts →
// dist/browser-worker.js) with esbuild, after tsc has written dist/ (the entry's .d.ts stay tsc's): ES modules
// whose only imports are their shared chunks (dist/browser-chunks/; libsvm-js is one, loaded when an SVC first
// fits) — every dependency inside, no Node built-in, nothing fetched from elsewhere at run time.
// libsvm-js is the one dependency that needs help: its emscripten glue names fs/path/crypto in Node-only
// branches and fetches libsvm.wasm next to itself; here those requires become empty objects and the wasm bytes
// are inlined as Module.wasmBinary. Fails if any Node built-in is reached.
// `--size` prints the minified + gzip size of dist/browser.js (the bundle-size figure).
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const libsvmForBrowsers = {
  name: "libsvm-js-for-browsers",
  setup(b) {
    b.onLoad({ filter: /libsvm-js[\\/]out[\\/]wasm[\\/]libsvm\.js$/ }, (args) => {
      let js = readFileSync(args.path, "utf8");
      const wasm = readFileSync(join(dirname(args.path), "libsvm.wasm")).toString("base64");
      for (const m of ["fs", "path", "crypto"]) js = js.replaceAll(`require("${m}")`, "({})");
      const tail = "module.exports = SVM(Module);";
      if (!js.includes(tail)) throw new Error(`libsvm-js changed: ${args.path} no longer ends with '${tail}'`);
      js = js.replace(tail, `Module.wasmBinary = Uint8Array.from(atob(${JSON.stringify(wasm)}), (c) => c.charCodeAt(0));\n${tail}`);
      return { contents: js, loader: "js" };
    });
  },
};

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const noNodeBuiltins = {
  name: "no-node-builtins",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (nodeBuiltins.has(args.path)) return { errors: [{ text: `Node built-in '${args.path}' imported by ${args.importer} would reach the browser bundle` }] };
      return undefined;
    });
  },
};

const common = {
  bundle: true, format: "esm", platform: "browser", target: "es2022", logLevel: "warning",
  plugins: [noNodeBuiltins, libsvmForBrowsers], absWorkingDir: root, legalComments: "eof",
};

export async function bundleBrowser({ minify = true, write = true } = {}) {
  return build({
    ...common, minify, write, metafile: true, splitting: true, chunkNames: "browser-chunks/[name]-[hash]",
    entryPoints: { browser: "src/browser.ts", "browser-worker": "src/browser-worker.ts" },
    outdir: join(root, "dist"),
  });
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  await bundleBrowser();
  if (process.argv.includes("--size")) {
    const r = await bundleBrowser({ minify: true, write: false });
    let min = 0, gz = 0;
    for (const f of r.outputFiles) {
      const name = f.path.slice(root.length + 1);
      const z = gzipSync(f.contents, { level: 9 }).length;
      min += f.contents.length;
      gz += z;
      console.log(`${name}: minified ${(f.contents.length / 1024).toFixed(0)} KiB, minified + gzip ${(z / 1024).toFixed(0)} KiB`);
    }
    console.log(`all files: minified ${(min / 1024).toFixed(0)} KiB, minified + gzip ${(gz / 1024).toFixed(0)} KiB`);
  }
}
