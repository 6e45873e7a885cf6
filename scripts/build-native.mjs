// `npm ci` install step: build the optional native kernel addon (native/) with node-gyp.
// Never fails the install: without a compiler or Node headers the WebAssembly or TypeScript tier is used,
// and `transferlab info` says why the native tier is missing.
import { existsSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = join(root, "native");
const addonPath = join(nativeDir, "build", "Release", "transferlab_kernels.node");
const failureNote = join(nativeDir, "build", "FAILED.txt");

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(root, "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  return candidates.find((p) => p && existsSync(p));
}

// node-gyp downloads headers unless told where they are; a Debian/distro Node ships them under <prefix>/include/node.
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? [`--nodedir=${prefix}`] : [];
}

function giveUp(reason, output = "") {
  rmSync(addonPath, { force: true }); // never leave an addon from an older build behind
  mkdirSync(dirname(failureNote), { recursive: true });
  writeFileSync(failureNote, `${reason}\n${output.slice(-4000)}`);
  console.log(`transferlab: native kernel addon not built (${reason}); the WebAssembly/TypeScript kernels will be used`);
  process.exit(0);
}

if (process.env.TRANSFERLAB_SKIP_NATIVE) giveUp("TRANSFERLAB_SKIP_NATIVE is set");
const gyp = findNodeGyp();
if (!gyp) giveUp("node-gyp not found");
rmSync(failureNote, { force: true });
const r = spawnSync(process.execPath, [gyp, "rebuild", ...nodedirArgs()], { cwd: nativeDir, encoding: "utf8", timeout: 300_000 });
const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
if (r.status !== 0 || !existsSync(addonPath)) giveUp(`node-gyp rebuild failed${r.error ? `: ${r.error.message}` : ""}`, output);
try {
  const info = createRequire(import.meta.url)(addonPath).info();
  console.log(`transferlab: native kernel addon built (${info.isa}, ${info.threads} threads; OpenBLAS: ${info.openblas ? "found" : "not found"}; libsvm: ${info.svm ? "found" : `not found: ${info.svmDetail}`})`);
} catch (e) {
  giveUp(`the built addon does not load: ${e instanceof Error ? e.message : String(e)}`);
}
