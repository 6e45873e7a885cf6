// Fan-out over machines with BullMQ on Redis.
//  - QueueExecutor (the sweep's side): puts the data files in Redis by content hash, enqueues each task as a job
//    whose id is the task id (adding an id that is already there does nothing: idempotent), and collects each
//    finished job's predictions into the sweep's journal. A job that vanished (Redis restarted without its data)
//    is enqueued again; a job that failed for good is reported.
//  - runWorker (`transferlab worker`): takes jobs, rebuilds each task from its reference (dataset by name, files
//    fetched by content hash), fits it on a fit thread — so the event loop stays free to renew the job's lock —
//    and returns the predictions; the fit's own progress goes back to the sweep as the job's progress (throttled to
//    2 a second). A worker that dies holding a job stops renewing its lock; after lockDuration
//    another worker's stalled-job check puts the job back and it runs again elsewhere.
// Errors: a TransferLabError from the task (bad data, a method refusing its input) fails the job at once (it would
// fail again); anything else (a crashed fit thread, a lost connection) is retried with exponential backoff.
import { mkdirSync, readFileSync, existsSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { TransferLabError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/atomic.js";
import { throttleFitProgress } from "../../core/progress.js";
import { createFitPool } from "../fit-pool.js";
import type { FitOutcome } from "../fit-task.js";
import { decodeOutcome, encodeOutcome, type WireOutcome } from "./journal.js";
import { loadPair, materialize, pairFingerprint, sha256, type Blob, type PairRef, type TaskRef } from "./task.js";
import type { TaskExecutor } from "./run.js";

export const QUEUE_NAME = "transferlab-tasks";
const BLOB_KEY = (sha: string) => `transferlab:blob:${sha}`;

export interface QueueOptions {
  /** Tries per task before it counts as failed (default 3), the first retry after backoffMs (default 1000), doubling. */
  attempts?: number;
  backoffMs?: number;
  /** How often the sweep looks for jobs that vanished or finished unnoticed (default 2000 ms). */
  reconcileMs?: number;
}

/** A Redis connection for BullMQ from redis://host:port[/db]. */
export function connect(url: string): Redis {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TransferLabError("INVALID_PARAMETER", `cannot read '${url}' as a URL`, { param: "queue" }, "e.g. redis://127.0.0.1:6379");
  }
  if (u.protocol !== "redis:") throw new TransferLabError("INVALID_PARAMETER", `expected a redis:// URL, got '${url}'`, { param: "queue" });
  // BullMQ's blocking commands need maxRetriesPerRequest null: a command waits for the reconnection instead of failing.
  const r = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(100 * times, 2000) });
  r.on("error", () => {}); // reconnection is automatic; a command waits for it
  return r;
}

export class QueueExecutor implements TaskExecutor {
  private readonly connection: Redis;
  private readonly queue: Queue;

  constructor(url: string, private readonly opts: QueueOptions = {}) {
    this.connection = connect(url);
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection });
    this.queue.on("error", () => {});
  }

  async run({ tasks, files }: { tasks: TaskRef[]; files: Map<string, string> }, done: (id: string, outcome: FitOutcome, by: string) => void, signal?: AbortSignal, progress?: (id: string, fraction: number, message?: string) => void): Promise<{ failures: Map<string, string> }> {
    const failures = new Map<string, string>();
    const pending = new Map(tasks.map((t) => [t.id, t]));
    if (pending.size === 0) return { failures };
    const eventsConnection = this.connection.duplicate(); // BullMQ leaves connections it was given open
    const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
    events.on("error", () => {});
    let wake = () => {};
    const finished = new Set<string>();
    const note = ({ jobId }: { jobId: string }) => {
      if (!pending.has(jobId)) return;
      finished.add(jobId);
      wake();
    };
    events.on("completed", note);
    events.on("failed", note);
    // A worker's fit reports its own progress through job.updateProgress (see runWorker): { fraction, message }.
    if (progress) events.on("progress", ({ jobId, data }: { jobId: string; data: unknown }) => {
      const d = data as { fraction?: unknown; message?: unknown } | null;
      if (pending.has(jobId) && d && typeof d.fraction === "number") progress(jobId, d.fraction, typeof d.message === "string" ? d.message : undefined);
    });
    try {
      await events.waitUntilReady();
      await this.enqueue([...pending.values()], files, true);
      let lastReconcile = 0; // a full look first: some jobs may have finished before this run
      while (pending.size > 0) {
        if (signal?.aborted) throw new TransferLabError("ABORTED", "the sweep was aborted", { param: "signal" });
        const full = Date.now() - lastReconcile >= (this.opts.reconcileMs ?? 2000);
        const ids = full ? [...pending.keys()] : [...finished];
        finished.clear();
        if (full) lastReconcile = Date.now();
        const lost: TaskRef[] = [];
        for (const id of ids) {
          // The state first: a job read before it finished would lack its result.
          const state = await this.queue.getJobState(id);
          if (state === "unknown") {
            lost.push(pending.get(id)!);
          } else if (state === "completed" || state === "failed") {
            const job = await this.queue.getJob(id);
            if (!job) continue; // removed meanwhile (Redis restarted): the next full look enqueues it again
            pending.delete(id);
            if (state === "completed") {
              const out = decodeOutcome(job.returnvalue as WireOutcome);
              done(id, out.outcome, out.by);
            } else failures.set(id, job.failedReason);
          }
        }
        if (lost.length > 0) await this.enqueue(lost, files, false);
        if (pending.size > 0) await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      await events.close().catch(() => {});
      eventsConnection.disconnect();
    }
    return { failures };
  }

  /** Uploads the data files, then adds the jobs. At the start a job that failed for good is removed and added
   * afresh (a rerun tries it again); a job already waiting, running or finished is left as it is. */
  private async enqueue(tasks: TaskRef[], files: Map<string, string>, fresh: boolean): Promise<void> {
    const blobs = new Set<string>();
    for (const t of tasks) if (t.pair.kind === "files") blobs.add(t.pair.source.sha256).add(t.pair.target.sha256);
    for (const sha of blobs) {
      const path = files.get(sha);
      if (!path) throw new TransferLabError("INTERNAL", `no local file for the data with hash ${sha.slice(0, 12)}`);
      await this.connection.set(BLOB_KEY(sha), readFileSync(path), "NX");
    }
    if (fresh) {
      for (const t of tasks) {
        const job = await this.queue.getJob(t.id);
        if (job && (await job.getState()) === "failed") await job.remove();
      }
    }
    await this.queue.addBulk(tasks.map((t) => ({
      name: "fit",
      data: t,
      opts: {
        jobId: t.id, attempts: this.opts.attempts ?? 3, backoff: { type: "exponential", delay: this.opts.backoffMs ?? 1000 },
        removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
      },
    })));
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => {});
    this.connection.disconnect();
  }
}

export interface WorkerOptions {
  /** Tasks run at once, each on its own fit thread (default 1). */
  jobs?: number;
  /** How long a job's lock lasts without renewal: a dead worker's job runs elsewhere after this (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  /** Where fetched data files are kept (default the system temp folder). */
  cacheDir?: string;
  name?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Processes tasks until the signal aborts; the jobs it is running then finish first. */
export async function runWorker(url: string, opts: WorkerOptions = {}): Promise<{ processed: number }> {
  const connection = connect(url);
  const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
  const pool = await createFitPool(jobs, { threads: true });
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const cacheDir = opts.cacheDir ?? join(tmpdir(), "transferlab-data");
  const pairs = new Map<string, Promise<{ pair: Awaited<ReturnType<typeof loadPair>>; fingerprint: string }>>();
  const pairFor = (ref: PairRef) => {
    const key = JSON.stringify(ref);
    let p = pairs.get(key);
    if (!p) {
      p = loadPair(ref, (b) => fetchBlob(connection, b, cacheDir)).then((pair) => ({ pair, fingerprint: pairFingerprint(pair) }));
      p.catch(() => pairs.delete(key));
      pairs.set(key, p);
      if (pairs.size > 4) pairs.delete(pairs.keys().next().value!); // keep the few pairs in use
    }
    return p;
  };
  let processed = 0;
  const workerConnection = connection.duplicate();
  const worker = new Worker(QUEUE_NAME, async (job: Job<TaskRef>) => {
    const ref = job.data;
    opts.log?.(`${ref.id} start: ${ref.method} seed ${ref.seed}`);
    const { pair, fingerprint } = await pairFor(ref.pair);
    try {
      // The fit's own progress goes back to the sweep through the job (throttled: each is a Redis round trip).
      const report = throttleFitProgress((fraction, message) => void job.updateProgress({ fraction, message: `${ref.method}${message ? `: ${message}` : ""}` }).catch(() => {}), 500);
      const out = await pool.run(materialize(ref, pair, fingerprint), undefined, report);
      processed++;
      opts.log?.(`${ref.id} done: ${out.seconds.toFixed(3)} s`);
      return encodeOutcome(out, name);
    } catch (e) {
      // A TransferLabError other than INTERNAL comes from the task's inputs: it would fail again.
      if (e instanceof TransferLabError && e.code !== "INTERNAL") throw new UnrecoverableError(e.message);
      throw e;
    }
  }, {
    connection: workerConnection, concurrency: jobs, name,
    lockDuration: opts.lockDurationMs ?? 30_000, stalledInterval: opts.stalledIntervalMs ?? 30_000, maxStalledCount: 3,
  });
  worker.on("error", (e) => opts.log?.(`queue: ${e.message}`));
  await worker.waitUntilReady();
  opts.log?.(`worker ${name} ready (${jobs} fit thread${jobs > 1 ? "s" : ""})`);
  worker.on("failed", (job, e) => opts.log?.(`${job?.id ?? "?"} failed (attempt ${job?.attemptsMade ?? "?"}): ${e.message}`));
  try {
    await new Promise<void>((resolve) => {
      if (opts.signal?.aborted) return resolve();
      opts.signal?.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    await worker.close();
    await pool.close();
    workerConnection.disconnect();
    connection.disconnect();
  }
  return { processed };
}

/** The local copy of a data file held in Redis by content hash (fetched once, checked against its hash). */
async function fetchBlob(redis: Redis, b: Blob, cacheDir: string): Promise<string> {
  const path = join(cacheDir, b.sha256, b.name);
  if (existsSync(path) && sha256(readFileSync(path)) === b.sha256) return path;
  const data = await redis.getBuffer(BLOB_KEY(b.sha256));
  if (!data) throw new TransferLabError("FILE_NOT_FOUND", `data file ${b.name} (${b.sha256.slice(0, 12)}) is not in the queue's Redis`, {}, "rerun the sweep: it uploads the files again");
  if (sha256(data) !== b.sha256) throw new TransferLabError("DATA_FORMAT", `data file ${b.name} from Redis does not match its hash`);
  mkdirSync(join(cacheDir, b.sha256), { recursive: true });
  writeFileAtomic(path, data);
  return path;
}
