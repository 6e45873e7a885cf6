// The kill -9 loop of issue 13: runs `transferlab evaluate --out DIR` over an existing run folder and kills it with
// SIGKILL at a random moment, again and again (until 24 runs were really killed), then starts two runs on the same folder at once.
// After every kill the folder must hold one run's complete output — the previous run's or the killed one's if it
// had finished — and never a mix: exactly the run files, results.json valid JSON of the evaluate schema, and the
// page showing the same accuracies as that results.json. At the end, a clean run leaves no lock or temporary folder.
//   node scripts/kill-loop.mjs [kills=24]          (prints one line per kill and a summary; exit 1 on any violation)
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const kills = Number(process.argv[2] ?? 24);
const root = mkdtempSync(join(tmpdir(), "tl-kill-"));
const out = join(root, "run");
const RUN_FILES = [".transferlab-run", "report.html", "results.json"];
let seed = 0;

function start(firstSeed) {
  const args = ["--import", "tsx", "src/cli/main.ts", "evaluate", "--pair", "moons?n=80", "--methods", "coral", "--seeds", "2",
    "--first-seed", String(firstSeed), "--jobs", "1", "--json", "--out", out];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

/** The folder holds exactly one complete run: returns its first seed, or throws saying what is wrong. */
function check() {
  if (!existsSync(out)) throw new Error("the output folder is missing");
  const files = readdirSync(out).sort();
  if (JSON.stringify(files) !== JSON.stringify(RUN_FILES)) throw new Error(`files ${files.join(", ")}`);
  const doc = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  if (doc.schema !== "transferlab/evaluate" || !Array.isArray(doc.methods)) throw new Error("results.json is not an evaluate result");
  const page = readFileSync(join(out, "report.html"), "utf8");
  if (!page.trimEnd().endsWith("</html>")) throw new Error("report.html is cut short");
  for (const m of doc.methods) {
    const shown = m.accuracy.mean.toFixed(1);
    if (!page.includes(shown)) throw new Error(`report.html does not show ${m.name}'s ${shown} from results.json (pages of two runs?)`);
  }
  return doc.seeds[0];
}

const t0 = performance.now();
// A first complete run, timed. Kills then alternate between anywhere in the run and its last third (where the files
// are written and swapped in); the run time is re-estimated from every run that finished. The loop goes on until
// `kills` runs were really killed (a run that finished first is checked too, and not counted).
let r = start(seed);
const first = await r.done;
if (first.code !== 0) throw new Error(`the first run failed: ${first.stderr}`);
let runMs = performance.now() - t0;
check();
const outcomes = { killedBeforeCommit: 0, killedAfterCommit: 0, finishedBeforeKill: 0 };
let violations = 0;
let killed = 0;
for (let k = 1; killed < kills && k <= 4 * kills; k++) {
  seed += 2;
  const before = check();
  const started = performance.now();
  r = start(seed);
  const at = k % 2 ? Math.random() * runMs : runMs * (0.67 + 0.4 * Math.random());
  await new Promise((res) => setTimeout(res, at));
  r.child.kill("SIGKILL");
  const end = await r.done;
  if (end.code === 0) runMs = 0.7 * runMs + 0.3 * (performance.now() - started);
  else killed++;
  try {
    const now = check();
    if (now !== before && now !== seed) throw new Error(`holds the run of seed ${now}, neither the previous (${before}) nor the killed one (${seed})`);
    if (end.code === 0) outcomes.finishedBeforeKill++;
    else if (now === seed) outcomes.killedAfterCommit++;
    else outcomes.killedBeforeCommit++;
    console.log(`run ${k}: kill at ${Math.round(at)} ms, ${end.signal ?? `exit ${end.code}`}: the folder holds the ${now === seed ? "new" : "previous"} run (first seed ${now}), complete`);
  } catch (e) {
    violations++;
    console.log(`run ${k}: kill at ${Math.round(at)} ms: VIOLATION: ${e.message}`);
  }
}

// Two runs on one folder at once: one runs, the other is refused by the lock (or runs after it); never a mix.
seed += 2;
const a = start(seed);
const b = start(seed + 100);
const [ea, eb] = await Promise.all([a.done, b.done]);
const codes = [ea.code, eb.code];
const locked = [ea, eb].filter((e) => /\[LOCKED\]/.test(e.stderr)).length;
let concurrent = "ok";
try {
  const now = check();
  if (!((codes.includes(0) && locked === 1) || (codes[0] === 0 && codes[1] === 0))) throw new Error(`exit codes ${codes.join(", ")}, ${locked} refused by the lock`);
  if (now !== seed && now !== seed + 100) throw new Error(`holds seed ${now}`);
  concurrent = `exit codes ${codes.join(" and ")}, ${locked} refused by the lock; the folder holds one complete run (first seed ${now})`;
} catch (e) {
  violations++;
  concurrent = `VIOLATION: ${e.message}`;
}
console.log(`concurrent: ${concurrent}`);

// A clean run afterwards removes what the killed runs left (their locks and temporary folders).
const last = await start(seed + 200).done;
const leftovers = readdirSync(root).filter((f) => f !== "run");
if (last.code !== 0 || leftovers.length > 0) {
  violations++;
  console.log(`clean-up: VIOLATION: exit ${last.code}, left ${leftovers.join(", ")}`);
}
console.log(`${killed} runs killed with SIGKILL (${outcomes.killedBeforeCommit} left the previous run, ${outcomes.killedAfterCommit} had already swapped in the new one), ${outcomes.finishedBeforeKill} finished before their kill; one run ≈ ${Math.round(runMs)} ms; ${violations} violations; leftovers after a clean run: ${leftovers.length}`);
rmSync(root, { recursive: true, force: true });
process.exit(violations > 0 ? 1 : 0);
