// Atomic output: write to a temporary file in the same folder, then rename over the target,
// so an interrupted run never leaves a half-written file where a finished one should be.
import { accessSync, closeSync, constants as fsConstants, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { TransferLabError } from "./errors.js";

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** A results table as CSV (header + rows; cells quoted when needed), written atomically. */
export function writeCsvAtomic(path: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): void {
  const cell = (v: string | number | boolean | null | undefined): string => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header.map(cell).join(","), ...rows.map((r) => r.map(cell).join(","))];
  writeFileAtomic(path, `${lines.join("\n")}\n`);
}

// ---- whole run folders ------------------------------------------------------------------------------------------
// A run writes every file into a fresh hidden folder beside its target (same file system, so renames are atomic)
// and swaps it in only when complete: the finished folder is marked finished (its run marker rewritten, flushed),
// the previous folder renamed aside, the new one renamed in, the old one removed. A failed or killed run leaves the
// previous folder exactly as it was (its half-written folder is removed on failure, or by the next run when the
// process died). A lock file beside the target refuses a second run on the same folder while the first is alive.
// The one moment with no folder at the target is between the two renames (two system calls). A run that dies once
// it has marked its folder finished (before, between or after the renames) leaves that folder complete beside the
// target; the next run on it (recoverRunFolder, under the lock) rolls forward: it completes the swap, so the killed
// run's output is kept whole. The lock holds the pid and a random tag, so a later process given the same pid (a
// restarted container) sees a dead holder's lock and leftovers as stale, not as its own. Linux's
// renameat2(RENAME_EXCHANGE) would close the window, but Node has no binding for it: it would take a native call,
// and the native addon is the engine's optional compute kernel (core must not depend on it, and a build without it
// must still write outputs safely). The window stays two system calls wide and is recovered without loss instead.

/** Marks a folder a transferlab run wrote (so a later run may replace it). */
export const RUN_MARKER = ".transferlab-run";

export interface OpenRunOptions {
  /** An existing folder without the run marker and not empty is refused, unless this recognises it as a transferlab
   *  output written before run markers existed: it returns what the folder holds (for a note), or undefined. */
  earlier?: (dir: string) => string | undefined;
}

export interface RunFolder {
  /** The temporary folder to write into. */
  readonly dir: string;
  /** The folder the run will replace. */
  readonly target: string;
  /** What an unmarked earlier output at the target held, when `earlier` recognised it (the run replaces it). */
  readonly replaces?: string;
  /** Swaps the finished folder in (replacing the previous one) and releases the lock. */
  commit(): void;
  /** Releases the lock; before commit, also removes the unfinished folder (the target is left as it was). */
  release(): void;
}

const outputError = (path: string, message: string, hint?: string) => new TransferLabError("OUTPUT_UNWRITABLE", message, { file: path }, hint);

/** The first ancestor of `path` (itself included) that exists, and what it is; throws when something on the way is a file. */
function existingAncestor(path: string): { dir: string; isDir: boolean } {
  let p = resolve(path);
  for (;;) {
    try {
      const st = statSync(p);
      return { dir: p, isDir: st.isDirectory() };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR") throw outputError(path, `cannot be created: a part of the path is a file, not a folder`);
      if (code !== "ENOENT") throw outputError(path, `cannot be checked (${code})`);
    }
    const up = dirname(p);
    if (up === p) throw outputError(path, "has no existing folder above it");
    p = up;
  }
}

/** Checks that `path` can be written as a file (or as a folder with `folder`), before any work: not under a file,
 *  the folder that will hold it writable, and not a folder where a file is wanted (or the reverse). */
export function checkOutputPath(path: string, opts: { folder?: boolean } = {}): void {
  const abs = resolve(path);
  const top = existingAncestor(abs);
  if (top.dir === abs) {
    if (opts.folder && !top.isDir) throw outputError(path, "is a file, not a folder", "choose a folder for --out");
    if (!opts.folder && top.isDir) throw outputError(path, "is a folder, not a file", "name the file to write");
  } else if (!top.isDir) {
    throw outputError(path, `cannot be created: ${top.dir} is a file, not a folder`);
  }
  const parent = top.dir === abs ? dirname(abs) : top.dir;
  // Permission bits do not tell everything (a read-only mount, root, ACLs): try to create a file there.
  const probe = join(parent, `.transferlab-probe-${process.pid}`);
  try {
    accessSync(parent, fsConstants.W_OK | fsConstants.X_OK);
    writeFileSync(probe, "");
  } catch {
    throw outputError(path, `cannot be written: the folder ${parent} is not writable`, "check its permissions, or choose another place");
  } finally {
    rmSync(probe, { force: true });
  }
}

/** What this process writes in a lock: its pid and a random tag. A later process given the same pid (a container's
 *  pid 1 after a restart) then sees a dead holder's lock as stale, not as its own. */
const LOCK_ID = `${process.pid} ${randomBytes(8).toString("hex")}`;

/**
 * Takes the lock file `lock` for this process (it holds the pid and a tag). The file appears whole (written aside, then
 * hard-linked in, which fails when a lock exists); a lock whose process is gone is taken over. `what` names the
 * locked thing in the error a second live run gets.
 */
export function takeLock(lock: string, what: string): void {
  const mine = `${lock}.${process.pid}.tmp`;
  writeFileSync(mine, LOCK_ID);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(mine, lock);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      let text: string;
      try {
        text = readFileSync(lock, "utf8");
      } catch {
        continue; // released meanwhile: try again
      }
      const pid = Number(text.split(" ")[0]);
      // Held by this process (another run in it), or by another live process. Our pid with another tag (or none,
      // an older release's lock) is a dead process's.
      if (text === LOCK_ID || (pid !== process.pid && processAlive(pid))) {
        throw new TransferLabError("LOCKED", `another run (pid ${pid}) is writing ${what}`, { file: lock }, "wait for it to finish, or choose another output");
      }
      // Its holder died (e.g. killed): move the stale lock aside (one taker wins the rename) and try again.
      const aside = `${lock}.stale-${process.pid}`;
      try {
        renameSync(lock, aside);
        if (readFileSync(aside, "utf8") !== text) {
          // Another run took the lock over between our read and our rename: give it back.
          try { linkSync(aside, lock); } catch { /* it has made another meanwhile */ }
        }
      } catch { /* someone else moved it first */ }
      rmSync(aside, { force: true });
    }
    throw new TransferLabError("LOCKED", `could not take the lock of ${what}`, { file: lock }, "try again");
  } finally {
    rmSync(mine, { force: true });
  }
}

export function releaseLock(lock: string): void {
  try {
    if (readFileSync(lock, "utf8") === LOCK_ID) rmSync(lock, { force: true });
  } catch { /* already gone */ }
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The hidden names a run on `target` uses beside it. */
function runNames(target: string): { parent: string; base: string; target: string; lock: string; tmp: (pid: number) => string; old: (pid: number) => string } {
  const parent = dirname(target);
  const base = basename(target);
  return {
    parent, base, target, lock: join(parent, `.${base}.lock`),
    tmp: (pid) => join(parent, `.${base}.run-${pid}`),
    old: (pid) => join(parent, `.${base}.old-${pid}`),
  };
}

/** Marker content of a run folder; `finished` is set just before the swap (the folder is then complete). */
interface RunMark { pid: number; started: string; finished?: string }

function readMark(dir: string): RunMark | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, RUN_MARKER), "utf8")) as RunMark;
  } catch {
    return undefined;
  }
}

/**
 * Cleans up after runs on `target` whose process died. Call it under the lock: then no live run owns a leftover,
 * whatever pid its name carries (a restarted container may reuse ours). A run that marked its folder finished and
 * died before or during its swap has its swap completed (roll forward: its output is whole and newer): the newest
 * such folder replaces the target. A previous folder left aside with no finished run to replace it is put back.
 * Every other leftover (unfinished folders, old folders already replaced, older finished ones) is removed.
 */
export function recoverRunFolder(target: string): void {
  const n = runNames(resolve(target));
  const re = new RegExp(`^\\.${escapeRe(n.base)}\\.(run|old)-(\\d+)$`);
  const found = readdirSync(n.parent).map((name) => ({ name, m: re.exec(name) }))
    .filter((e): e is { name: string; m: RegExpExecArray } => e.m !== null)
    .map((e) => ({ ...e, finished: e.m[1] === "run" ? readMark(join(n.parent, e.name))?.finished : undefined }));
  const newest = found.filter((e) => e.finished !== undefined).sort((a, b) => (a.finished! < b.finished! ? 1 : -1))[0];
  if (newest) {
    const aside = n.old(process.pid);
    if (existsSync(n.target)) {
      rmSync(aside, { recursive: true, force: true });
      renameSync(n.target, aside);
    }
    renameSync(join(n.parent, newest.name), n.target);
    fsyncPath(n.parent);
  }
  for (const e of found) {
    if (e === newest) continue;
    const p = join(n.parent, e.name);
    if (!existsSync(n.target) && e.m[1] === "old") {
      renameSync(p, n.target);
      fsyncPath(n.parent);
    } else rmSync(p, { recursive: true, force: true });
  }
  rmSync(n.old(process.pid), { recursive: true, force: true });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Opens an all-or-nothing run folder for `target`: checks the path, takes the lock, and returns a fresh temporary
 * folder to write into. An existing target must be a folder a run wrote (it has RUN_MARKER), empty, or an earlier
 * output `opts.earlier` recognises: a run never replaces a folder of other files.
 */
export function openRunFolder(target: string, opts: OpenRunOptions = {}): RunFolder {
  const abs = resolve(target);
  checkOutputPath(abs, { folder: true });
  const n = runNames(abs);
  try {
    mkdirSync(n.parent, { recursive: true });
  } catch (e) {
    throw outputError(target, `cannot be created (${(e as NodeJS.ErrnoException).code})`);
  }
  takeLock(n.lock, target);
  try {
    recoverRunFolder(abs);
    let replaces: string | undefined;
    if (existsSync(abs) && !existsSync(join(abs, RUN_MARKER))) {
      const entries = readdirSync(abs).sort();
      if (entries.length > 0) {
        replaces = opts.earlier?.(abs);
        if (replaces === undefined) {
          const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? `, … (${entries.length} entries)` : "");
          throw outputError(target, `holds files a transferlab run did not write (${shown})`, "a run replaces its --out folder whole: move those files elsewhere, or choose a new or empty folder");
        }
      }
    }
    const dir = n.tmp(process.pid);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const mark: RunMark = { pid: process.pid, started: new Date().toISOString() };
    writeFileSync(join(dir, RUN_MARKER), `${JSON.stringify(mark)}\n`);
    let done = false;
    return {
      dir, target: abs, ...(replaces !== undefined ? { replaces } : {}),
      commit() {
        if (done) return;
        // Marked finished and flushed before the swap: from here a crash rolls forward to this folder (the next
        // run's recoverRunFolder completes the swap).
        writeFileAtomic(join(dir, RUN_MARKER), `${JSON.stringify({ ...mark, finished: new Date().toISOString() })}\n`);
        fsyncTree(dir);
        const old = n.old(process.pid);
        const had = existsSync(abs);
        try {
          rmSync(old, { recursive: true, force: true });
          if (had) renameSync(abs, old);
          renameSync(dir, abs);
        } catch (e) {
          done = true; // the finished folder stays for the next run to swap in (release must not remove it)
          releaseLock(n.lock);
          throw outputError(target, `could not be swapped in (${(e as NodeJS.ErrnoException).code ?? String(e)})`, `the finished output is kept in ${dir}; the next run on this folder completes the swap`);
        }
        fsyncPath(n.parent);
        done = true;
        if (had) rmSync(old, { recursive: true, force: true });
        releaseLock(n.lock);
      },
      release() {
        if (!done) rmSync(dir, { recursive: true, force: true });
        done = true;
        releaseLock(n.lock);
      },
    };
  } catch (e) {
    releaseLock(n.lock);
    throw e;
  }
}

/** Flushes every file of a folder (and the folder) to disk before it is swapped in. */
function fsyncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) fsyncTree(p);
    else fsyncPath(p);
  }
  fsyncPath(dir);
}

function fsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(p, "r");
    fsyncSync(fd);
  } catch { /* best effort: some file systems refuse fsync on folders */ } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
