// `npm run playground`: installs the playground's own dependency (Vite, in playground/node_modules, so the
// package itself does not depend on it) when missing, rebuilds the browser bundle from src/, and serves
// playground/ with Vite. test/playground/playground.test.ts starts the same server through startPlayground().
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleBrowser } from "./build-browser.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "playground");

/** Vite from playground/node_modules, or null when the playground's dependencies are not installed. */
export async function playgroundVite() {
  try {
    const path = createRequire(join(dir, "package.json")).resolve("vite");
    return await import(pathToFileURL(path).href);
  } catch {
    return null;
  }
}

export async function startPlayground({ port = 5173 } = {}) {
  await bundleBrowser();
  const vite = await playgroundVite();
  if (!vite) throw new Error("the playground's dependencies are missing: run npm ci --prefix playground");
  const server = await vite.createServer({ configFile: join(dir, "vite.config.ts"), server: { port, strictPort: false } });
  await server.listen();
  return { url: server.resolvedUrls.local[0], close: () => server.close() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!existsSync(join(dir, "node_modules", "vite"))) {
    const r = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund"], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const { url } = await startPlayground();
  console.log(`transferlab playground: ${url} (Ctrl-C stops it)`);
}
