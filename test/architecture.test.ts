// The room table is enforced, and docs/ARCHITECTURE.md says what the lint rule enforces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
// @ts-expect-error: a plain ESM module without types (the lint rule)
import { ROOMS } from "../eslint-rules/rooms.js";

const root = join(import.meta.dirname, "..");

async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [r] = await eslint.lintText(code, { filePath: join(root, file) });
  return r!.messages.filter((m) => m.ruleId?.startsWith("rooms/")).map((m) => m.message);
}

test("an upward import fails lint: metrics may not import experiment", async () => {
  const msgs = await lintAs("src/metrics/upward.ts", 'import { assess } from "../experiment/index.js";\nexport const f = assess;\n');
  assert.equal(msgs.length, 1);
  assert.match(msgs[0]!, /'metrics' may not import from 'experiment'/);
});

test("reaching past a room's index fails lint; through the index, and any core file, pass", async () => {
  const past = await lintAs("src/adapt/past.ts", 'import { sqdistUnchecked } from "../engine/kernels/js.js";\nexport const f = sqdistUnchecked;\n');
  assert.equal(past.length, 1);
  assert.match(past[0]!, /through its index \('engine\/index.js'\)/);
  assert.deepEqual(await lintAs("src/adapt/ok.ts", 'import { kernels } from "../engine/index.js";\nimport { Matrix } from "../core/matrix.js";\nexport const f = [kernels, Matrix];\n'), []);
});

test("docs/ARCHITECTURE.md's room table is the lint rule's table", () => {
  const doc = readFileSync(join(root, "docs/ARCHITECTURE.md"), "utf8");
  const table = doc.slice(doc.indexOf("<!-- rooms:begin"), doc.indexOf("<!-- rooms:end"));
  const rows = table.split("\n").filter((l) => /^\| `[a-z]+` \|/.test(l)).map((l) => {
    const cells = l.split("|").map((c) => c.trim());
    return [cells[1]!.replace(/`/g, ""), cells[3] === "nothing" ? [] : cells[3]!.split(",").map((s) => s.trim())] as const;
  });
  assert.deepEqual(Object.fromEntries(rows), ROOMS);
});

test("both room checks are errors (lint fails), and data's portable door is a door", async () => {
  const eslint = new ESLint({ cwd: root });
  const code = 'import { assess } from "../experiment/index.js";\nimport { splitTarget } from "../data/split.js";\nimport { prepare } from "../data/portable.js";\nexport const f = [assess, splitTarget, prepare];\n';
  const [r] = await eslint.lintText(code, { filePath: join(root, "src/adapt/both.ts") });
  const rooms = r!.messages.filter((m) => m.ruleId?.startsWith("rooms/"));
  assert.deepEqual(rooms.map((m) => [m.ruleId, m.severity, m.line]), [["rooms/room-imports", 2, 1], ["rooms/through-index", 2, 2]]);
});
