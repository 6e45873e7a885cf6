// The room table of docs/ARCHITECTURE.md as a lint rule: an import from src/<room>/ into another room must
//  1. point down the table (a room may import only the rooms listed for it), and
//  2. enter the other room through its index (src/<other>/index.ts), never a file behind it.
// core/ is the one exception to 2: its files are each public vocabulary (Matrix, Rng, errors, ...), with no
// internals to hide. data/ has a second door, portable.ts (the part that runs without Node), for room code the
// browser bundle reaches: its index adds files and bundled datasets, which need node:fs.
// experiment/ has a second door, queue.ts (the sweep's BullMQ queue), so that importing the library loads no Redis client.
// src/index.ts and src/browser.ts (the package entries) may import anything.
// test/architecture.test.ts checks that ARCHITECTURE.md's table says the same as ROOMS below.
import { dirname, join, normalize, relative, sep } from "node:path";

/** room → the rooms it may import (besides itself), in table order. */
export const ROOMS = {
  core: [],
  engine: ["core"],
  data: ["core"],
  estimators: ["core", "engine"],
  metrics: ["core", "engine", "estimators"],
  adapt: ["core", "engine", "data", "estimators", "metrics"],
  selection: ["core", "engine", "data", "estimators", "metrics", "adapt"],
  experiment: ["core", "engine", "data", "estimators", "metrics", "adapt", "selection"],
  report: ["core", "metrics", "experiment"],
  cli: ["core", "engine", "data", "estimators", "metrics", "adapt", "selection", "experiment", "report"],
};

/** Rooms whose every file is public: importing a file behind the index is fine. */
const OPEN_ROOMS = new Set(["core"]);
/** A room's doors besides index.ts. */
const EXTRA_DOORS = { data: ["portable"], experiment: ["queue"] };

function roomOf(srcRel) {
  const parts = srcRel.split(sep);
  return parts.length > 1 ? parts[0] : null;
}

/** The rule; `checks` says which of the two it reports (each is its own rule name, so each has its own level). */
const makeRule = (checks) => ({
  meta: {
    type: "problem",
    docs: { description: "imports follow the room table of docs/ARCHITECTURE.md" },
    schema: [],
    messages: {
      upward: "'{{from}}' may not import from '{{to}}' (room table: {{from}} imports only {{allowed}}); see docs/ARCHITECTURE.md",
      pastIndex: "import '{{to}}' through its index ('{{index}}'), not '{{target}}': a room is entered through its door; see docs/ARCHITECTURE.md",
      unknownRoom: "'{{room}}' is not in the room table (eslint-rules/rooms.js, docs/ARCHITECTURE.md): add it there first",
    },
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const srcDir = join(context.cwd ?? process.cwd(), "src");
    const rel = relative(srcDir, file);
    if (rel.startsWith("..")) return {};
    const from = roomOf(rel);
    if (from === null) return {}; // src/index.ts, src/browser.ts: the package entries
    if (!(from in ROOMS)) {
      if (!checks.upward) return {};
      return { Program(node) { context.report({ node, messageId: "unknownRoom", data: { room: from } }); } };
    }
    const check = (node, spec) => {
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = relative(srcDir, normalize(join(dirname(file), spec)));
      if (target.startsWith("..")) return;
      const to = roomOf(target);
      if (to === null || to === from) return;
      if (!ROOMS[from].includes(to)) {
        if (checks.upward) context.report({ node, messageId: "upward", data: { from, to, allowed: ROOMS[from].join(", ") || "nothing of ours" } });
        return;
      }
      const door = target.replace(/\.(js|ts)$/, "");
      const doors = ["index", ...(EXTRA_DOORS[to] ?? [])].map((d) => `${to}${sep}${d}`);
      if (checks.index && !OPEN_ROOMS.has(to) && !doors.includes(door)) {
        context.report({ node, messageId: "pastIndex", data: { to, index: `${to}/index.js`, target: target.split(sep).join("/") } });
      }
    };
    return {
      ImportDeclaration(node) { check(node.source, node.source.value); },
      ExportNamedDeclaration(node) { if (node.source) check(node.source, node.source.value); },
      ExportAllDeclaration(node) { check(node.source, node.source.value); },
      ImportExpression(node) { if (node.source.type === "Literal") check(node.source, node.source.value); },
    };
  },
});

export default { rules: { "room-imports": makeRule({ upward: true }), "through-index": makeRule({ index: true }) } };
