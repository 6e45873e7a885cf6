// The sweep's journal: one JSON line per finished task, appended and fsynced before the task counts as done.
// Reading it back is how a rerun skips finished work. A process killed at any moment leaves at most one torn
// last line (never a torn earlier one: each record is one write at the end of the file); it is ignored and cut
// off before the next append. A record is never written twice: an id already in the journal is not appended.
// One sweep at a time writes a journal (a lock file holding its pid; a dead holder's lock is taken over).
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { TransferLabError } from "../../core/errors.js";
import { releaseLock, takeLock } from "../../core/atomic.js";
import type { FitOutcome } from "../fit-task.js";

export const JOURNAL_FILE = "journal.jsonl";

/** A finished task as stored in the journal and returned by a queue worker. */
const outcomeSchema = z.strictObject({
  /** The predictions: int32 in the platform's (little-endian) order, base64. */
  pred: z.string(),
  notes: z.array(z.string()),
  /** The solver reached its tolerance (FitOutcome.converged); journals written before the field read as true. */
  converged: z.boolean().default(true),
  seconds: z.number(),
  /** Who ran it: "local" or the queue worker's name. */
  by: z.string(),
  /** Where the fit diverged (FitOutcome.diverged; its value as text, since JSON has no NaN). */
  diverged: z.strictObject({ method: z.string(), iteration: z.number().int(), term: z.string(), value: z.string() }).optional(),
});
const recordSchema = outcomeSchema.extend({ id: z.string().min(1) });
export type WireOutcome = z.infer<typeof outcomeSchema>;

export function encodeOutcome(o: FitOutcome, by: string): WireOutcome {
  const diverged = o.diverged ? { ...o.diverged, value: String(o.diverged.value) } : undefined;
  return { pred: Buffer.from(o.pred.buffer, o.pred.byteOffset, o.pred.byteLength).toString("base64"), notes: o.notes, converged: o.converged, seconds: o.seconds, by, ...(diverged ? { diverged } : {}) };
}

/** The outcome of a wire record; throws on a malformed one. */
export function decodeOutcome(raw: unknown): { outcome: FitOutcome; by: string } {
  const r = outcomeSchema.parse(raw);
  const bytes = Buffer.from(r.pred, "base64");
  if (bytes.length % 4 !== 0) throw new TransferLabError("DATA_FORMAT", "predictions are not whole int32 values");
  const pred = new Int32Array(bytes.length / 4);
  new Uint8Array(pred.buffer).set(bytes);
  const diverged = r.diverged ? { ...r.diverged, value: Number(r.diverged.value) } : undefined;
  return { outcome: { pred, notes: r.notes, converged: r.converged, seconds: r.seconds, ...(diverged ? { diverged } : {}) }, by: r.by };
}

export class Journal {
  /** Finished tasks by id. */
  readonly done = new Map<string, FitOutcome>();
  /** Records of an id already recorded (a correct journal has none). */
  duplicates = 0;
  /** Bytes of a torn last record that were cut off when the journal was opened. */
  tornBytes = 0;
  private fd: number;

  private constructor(readonly dir: string, private readonly lock: string) {
    const file = join(dir, JOURNAL_FILE);
    const created = !existsSync(file);
    this.fd = openSync(file, "a+");
    if (created) fsyncDir(dir); // the new file's directory entry is durable too
    const text = readFileSync(file);
    // Everything after the last newline is a torn record: cut it off so the next append starts a fresh line.
    const end = text.lastIndexOf(10) + 1;
    if (end < text.length) {
      this.tornBytes = text.length - end;
      ftruncateSync(this.fd, end);
      fsyncSync(this.fd);
    }
    for (const line of text.subarray(0, end).toString("utf8").split("\n")) {
      if (!line) continue;
      const rec = parseRecord(line);
      if (!rec) continue; // not a record (a damaged line): the task is simply run again
      if (this.done.has(rec.id)) this.duplicates++;
      else this.done.set(rec.id, rec.outcome);
    }
  }

  /** Opens (or creates) the journal in `dir`, holding its lock until close(). */
  static open(dir: string): Journal {
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, "journal.lock");
    takeLock(lock, `this sweep's journal (${dir})`);
    try {
      return new Journal(dir, lock);
    } catch (e) {
      releaseLock(lock);
      throw e;
    }
  }

  /** Appends a finished task and makes it durable; false (nothing written) when it is already recorded. */
  append(id: string, outcome: FitOutcome, by = "local"): boolean {
    if (this.done.has(id)) return false;
    const line = Buffer.from(`${JSON.stringify({ id, ...encodeOutcome(outcome, by) })}\n`);
    for (let off = 0; off < line.length;) off += writeSync(this.fd, line, off);
    fsyncSync(this.fd);
    this.done.set(id, outcome);
    return true;
  }

  close(): void {
    closeSync(this.fd);
    releaseLock(this.lock);
  }
}

function parseRecord(line: string): { id: string; outcome: FitOutcome } | null {
  try {
    const { id, ...rest } = recordSchema.parse(JSON.parse(line));
    return { id, outcome: decodeOutcome(rest).outcome };
  } catch {
    return null;
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
