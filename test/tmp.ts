// Temporary folders for tests: made under the OS temp dir and removed when the test (given its context) or,
// at module level, the whole file finishes, so `npm test` leaves no tl-* folders behind.
import { after, type TestContext } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(prefix: string, t?: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const clean = (): void => rmSync(dir, { recursive: true, force: true });
  if (t) t.after(clean);
  else after(clean);
  return dir;
}
