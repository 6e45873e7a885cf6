#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs as "prepare") when it is up to
// date, else the TypeScript sources through tsx. Starting from dist/ saves ≈ 1 s of transpiling per run.
// In a checkout (src/ present), dist/ counts as up to date only if dist/cli/main.js is newer than every file
// under src/, so someone editing src/ never runs stale code; an installed package has no src/ and uses dist/.
// TRANSFERLAB_FROM_SOURCE=1 forces tsx.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "cli", "main.js");
const src = join(root, "src");

/** Newest modification time (ms) of any file under dir. */
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const t = e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function builtIsFresh() {
  if (process.env.TRANSFERLAB_FROM_SOURCE === "1" || !existsSync(built)) return false;
  if (!existsSync(src)) return true;
  try {
    return statSync(built).mtimeMs >= newestMtime(src);
  } catch {
    return false; // a file vanished while we looked: someone is editing, use the sources
  }
}

if (builtIsFresh()) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(src, "cli", "main.ts")).href);
}
