// `npm run build` starts from an empty dist/: tsc never deletes the output of a source that was removed or
// moved, and `files` ships all of dist/, so a stale module could otherwise reach the tarball.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

rmSync(join(dirname(fileURLToPath(import.meta.url)), "..", "dist"), { recursive: true, force: true });
