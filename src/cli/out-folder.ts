// The --out folder of demo, evaluate, assess and select: core/atomic's all-or-nothing run folder. A folder an
// earlier transferlab wrote before run folders carried a marker (e.g. an old out/demo) is recognised and replaced
// whole, with a note; a folder holding anything else is refused, naming what it holds.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openRunFolder, type RunFolder } from "../core/atomic.js";
import { resultCommandOf, type ResultCommand } from "../experiment/index.js";

const figures = (...names: string[]) => names.flatMap((n) => [`${n}.svg`, `${n}.png`]);

/** What each command wrote into --out before run markers: its result document and the files beside it. A frozen
 * record of past outputs (new ones carry the marker and need no list). */
const EARLIER: Partial<Record<ResultCommand, { doc: string; beside: string[] }>> = {
  demo: { doc: "results.json", beside: ["report.html", ...figures("domain_comparison", "performance_comparison", "feature_space_tsne", "confusion_matrices", "label_efficiency")] },
  evaluate: { doc: "results.json", beside: ["report.html"] },
  curve: { doc: "curve.json", beside: figures("label_efficiency") },
  assess: { doc: "assess.json", beside: ["assess.html", ...figures("assess-domains-pca", "assess-domains-tsne", "assess-feature-shift")] },
  select: { doc: "select.json", beside: ["report.html"] },
};

/** A leftover of an interrupted atomic write (core/atomic writeFileAtomic): ".NAME.PID.TIME.tmp". */
const LEFTOVER = /^\.(.+)\.\d+\.\d+\.tmp$/;

/** Describes `dir` when it provably is an earlier transferlab output: a result document whose schema names a
 * command, and beside it only plain files that command wrote. Anything else (a foreign file, a subfolder, a
 * document that does not read) is not provably ours: undefined. */
export function earlierOutput(dir: string): string | undefined {
  const entries = readdirSync(dir);
  for (const doc of new Set(Object.values(EARLIER).map((e) => e.doc))) {
    if (!entries.includes(doc)) continue;
    let id: unknown;
    try {
      id = (JSON.parse(readFileSync(join(dir, doc), "utf8")) as { schema?: unknown }).schema;
    } catch {
      return undefined;
    }
    const command = resultCommandOf(id);
    const known = command && EARLIER[command];
    if (!known || known.doc !== doc) return undefined;
    const allowed = new Set([doc, ...known.beside]);
    // lstat: a link (even a dangling one) or an unreadable entry is not a plain file a command wrote.
    const plainFile = (name: string) => { try { return lstatSync(join(dir, name)).isFile(); } catch { return false; } };
    const ours = (name: string) => (allowed.has(name) || allowed.has(LEFTOVER.exec(name)?.[1] ?? "")) && plainFile(name);
    return entries.every(ours) ? `an earlier transferlab ${command} output (${doc}, schema ${String(id)})` : undefined;
  }
  return undefined;
}

/** Opens --out for a run (see core/atomic openRunFolder); notes on stderr when it replaces an earlier output. */
export function openOutFolder(out: string): RunFolder {
  const folder = openRunFolder(out, { earlier: earlierOutput });
  if (folder.replaces) process.stderr.write(`transferlab: note: ${out} holds ${folder.replaces} without a run marker; this run replaces it whole\n`);
  return folder;
}
