// Child process of atomic.test.ts's swap-window test: commits a run folder on argv[2] and dies by SIGKILL right
// after the swap's first rename (the previous folder moved aside, the new one not yet moved in). fs.renameSync is
// wrapped on node:fs's CommonJS object and pushed to the ESM named exports that core/atomic.ts imports.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { join } from "node:path";
import { openRunFolder } from "../../src/core/atomic.js";

const real = fs.renameSync;
fs.renameSync = (from: fs.PathLike, to: fs.PathLike) => {
  real(from, to);
  if (/\.old-\d+$/.test(String(to))) process.kill(process.pid, "SIGKILL");
};
syncBuiltinESMExports();

const run = openRunFolder(process.argv[2]!);
fs.writeFileSync(join(run.dir, "a.txt"), "second");
fs.writeFileSync(join(run.dir, "b.txt"), "second");
run.commit();
process.stdout.write("not killed\n");
