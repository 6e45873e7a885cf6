// bin/transferlab.js runs dist/ only when it is at least as new as every file under src/ (else src/ via tsx),
// so `npm run demo` is fast after `npm ci` yet never runs stale code in a checkout being edited.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));

test("launcher picks dist/ when fresh, src/ when any source file is newer or dist/ is missing", () => {
  const root = mkdtempSync(join(tmpdir(), "transferlab-launcher-"));
  try {
    mkdirSync(join(root, "bin"));
    cpSync(join(repo, "bin", "transferlab.js"), join(root, "bin", "transferlab.js"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(join(repo, "node_modules"), join(root, "node_modules"), "dir");
    mkdirSync(join(root, "src", "cli", "deep"), { recursive: true });
    mkdirSync(join(root, "dist", "cli"), { recursive: true });
    const main = join(root, "src", "cli", "main.ts");
    const other = join(root, "src", "cli", "deep", "x.ts");
    const built = join(root, "dist", "cli", "main.js");
    writeFileSync(main, `const from: string = "src"; console.log(from);\n`);
    writeFileSync(other, "export {};\n");
    writeFileSync(built, `console.log("dist");\n`);
    const run = (env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [join(root, "bin", "transferlab.js")], { encoding: "utf8", env: { ...process.env, TRANSFERLAB_FROM_SOURCE: "", ...env } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const at = (path: string, sec: number) => utimesSync(path, sec, sec);
    at(main, 1000); at(other, 1000); at(built, 2000);
    assert.equal(run(), "dist");
    assert.equal(run({ TRANSFERLAB_FROM_SOURCE: "1" }), "src");
    at(other, 3000); // a nested source file edited after the build
    assert.equal(run(), "src");
    at(built, 3000); // rebuilt (same second counts as fresh)
    assert.equal(run(), "dist");
    rmSync(built);
    assert.equal(run(), "src");
    writeFileSync(built, `console.log("dist");\n`);
    rmSync(join(root, "src"), { recursive: true }); // an installed package ships no src/
    assert.equal(run(), "dist");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
