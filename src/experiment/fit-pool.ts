// Runs fit tasks on worker threads (Node), or in this thread (one job, or where worker threads are unavailable).
// Each task's numbers depend only on the task (its own random stream), so the result is the same whatever the
// number of jobs or the order in which tasks finish.
//  - createFitPool: a pool that stays up between tasks (sweeps and the queue worker feed it one task at a time).
//  - runFitTasks: evaluate's batch — every task, results in task order, the failure a one-thread run would raise.
import { TransferLabError } from "../core/errors.js";
import { throttleFitProgress, type FitProgress } from "../core/progress.js";
import { errorFromWire, errorToWire, fromWire, runFitTask, toWire, type FitOutcome, type FitTask, type WireError } from "./fit-task.js";

export interface PoolOptions {
  jobs: number;
  signal?: AbortSignal;
  /** Called as each task starts. */
  onStart?: (index: number) => void;
  /** Called as each task finishes (in completion order). */
  onDone?: (index: number, outcome: FitOutcome) => void;
  /** A running fit's progress (fraction, "method: message"), from this thread or forwarded by a worker thread. */
  fitProgress?: FitProgress;
}

export interface FitPool {
  /** How many tasks run at once. */
  readonly size: number;
  run(task: FitTask, signal?: AbortSignal, progress?: FitProgress): Promise<FitOutcome>;
  close(): Promise<void>;
}

/** What a fit thread posts: a task's result or error, or (any number of times before it) its progress. */
type Reply = { id: number; ok: true; out: FitOutcome } | { id: number; ok: false; error: WireError } | { id: number; progress: [number, string | undefined] };
/** What the pool posts to a fit thread: a task, and whether to forward its progress. */
export interface TaskMessage { id: number; task: ReturnType<typeof toWire>; progress: boolean }
/** A fit thread's side (Node's fit-worker.ts and the browser worker): runs the posted task (after `ready`, e.g. the
 *  wasm kernels compiled), posts its throttled progress when asked for, then its predictions (transferred) or its
 *  error. */
export function serveTask(msg: TaskMessage, post: (reply: Reply, transfer?: ArrayBuffer[]) => void, ready?: Promise<unknown>): void {
  const progress = msg.progress ? throttleFitProgress((f, m) => post({ id: msg.id, progress: [f, m] })) : undefined;
  const run = () => runFitTask(fromWire(msg.task), undefined, progress);
  (ready ? ready.then(run) : run()).then(
    (out) => post({ id: msg.id, ok: true, out }, [out.pred.buffer as ArrayBuffer]),
    (e: unknown) => post({ id: msg.id, ok: false, error: errorToWire(e) }),
  );
}
interface WorkerLike {
  postMessage(msg: unknown): void;
  on(event: "message", cb: (r: Reply) => void): void;
  on(event: "error", cb: (e: Error) => void): void;
  on(event: "exit", cb: (code: number) => void): void;
  terminate(): Promise<number>;
}

const aborted = () => new TransferLabError("ABORTED", "the fits were aborted", { param: "signal" });

export async function runFitTasks(tasks: FitTask[], opts: PoolOptions): Promise<FitOutcome[]> {
  const jobs = Math.min(Math.max(1, Math.floor(opts.jobs)), tasks.length);
  if (jobs === 0) return [];
  const pool = await createFitPool(jobs);
  const results = new Array<FitOutcome>(tasks.length);
  // Tasks start in index order, so when task k fails every task before it has started: let those finish and
  // report the failure with the lowest index — the error a one-thread run would have raised.
  const failures = new Map<number, unknown>();
  let next = 0;
  const lane = async () => {
    while (failures.size === 0 && next < tasks.length) {
      const id = next++;
      try {
        if (opts.signal?.aborted) throw aborted();
        const t = tasks[id]!, report = opts.fitProgress;
        opts.onStart?.(id);
        results[id] = await pool.run(t, opts.signal, report && ((f, msg) => report(f, `${t.method}${msg ? `: ${msg}` : ""}`)));
        opts.onDone?.(id, results[id]);
      } catch (e) {
        failures.set(id, e);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, lane));
  } finally {
    await pool.close();
  }
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return results;
}

/**
 * A pool of `jobs` fit threads. With `threads: false` and one job (or without worker threads) tasks run in this
 * thread; the queue worker asks for threads even for one job, so that its event loop stays free to renew job locks.
 */
export async function createFitPool(jobs: number, opts: { threads?: boolean } = {}): Promise<FitPool> {
  const size = Math.max(1, Math.floor(jobs));
  const spawn = size > 1 || opts.threads ? await workerFactory() : null;
  if (!spawn) return { size, run: (task, signal, progress) => runFitTask(task, signal, progress), close: async () => {} };

  interface Pending { task: FitTask; resolve: (o: FitOutcome) => void; reject: (e: unknown) => void; signal?: AbortSignal; progress?: FitProgress }
  interface Slot { worker: WorkerLike; busy?: Pending & { id: number } }
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 0, closed = false;

  const settle = (slot: Slot, how: (p: Pending) => void) => {
    const p = slot.busy;
    slot.busy = undefined;
    if (p) how(p);
    if (!closed) feed(slot);
  };
  const start = (): Slot => {
    const slot: Slot = { worker: spawn() };
    slot.worker.on("message", (r: Reply) => {
      if (slot.busy?.id !== r.id) return; // the reply of a task that was aborted
      if ("progress" in r) return slot.busy.progress?.(r.progress[0], r.progress[1]);
      settle(slot, (p) => (r.ok ? p.resolve(r.out) : p.reject(errorFromWire(r.error))));
    });
    const died = (why: string) => {
      if (closed) return;
      // Replace the thread; the task it held fails (a sweep retries it, evaluate reports it).
      const k = slots.indexOf(slot);
      const fresh = start();
      slots[k] = fresh;
      const p = slot.busy;
      slot.busy = undefined;
      p?.reject(new TransferLabError("INTERNAL", `a fit worker thread ${why}`));
      feed(fresh);
    };
    slot.worker.on("error", (e: Error) => died(`failed: ${e.message}`));
    slot.worker.on("exit", (code: number) => died(`exited (code ${code}) before finishing`));
    return slot;
  };
  const feed = (slot: Slot): void => {
    if (slot.busy) return;
    const p = queue.shift();
    if (!p) return;
    if (p.signal?.aborted) {
      p.reject(aborted());
      return feed(slot);
    }
    slot.busy = { ...p, id: nextId++ };
    slot.worker.postMessage({ id: slot.busy.id, task: toWire(p.task), progress: p.progress !== undefined } satisfies TaskMessage);
  };
  for (let k = 0; k < size; k++) slots.push(start());

  return {
    size,
    run(task, signal, progress) {
      if (closed) return Promise.reject(new TransferLabError("INTERNAL", "the fit pool is closed"));
      return new Promise<FitOutcome>((resolve, reject) => {
        const p: Pending = { task, resolve, reject, signal, progress };
        signal?.addEventListener("abort", () => {
          const k = queue.indexOf(p);
          if (k >= 0) {
            queue.splice(k, 1);
            return reject(aborted());
          }
          const slot = slots.find((s) => s.busy?.task === task);
          if (!slot) return;
          // A thread cannot be interrupted mid-fit: drop it (its exit starts a fresh one).
          reject(aborted());
          void slot.worker.terminate();
        }, { once: true });
        queue.push(p);
        const idle = slots.find((s) => !s.busy);
        if (idle) feed(idle);
      });
    },
    async close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(aborted());
      await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
    },
  };
}

/** Starts one Web Worker running transferlab's fit-worker entry (browsers; see src/browser.ts). */
export type WebWorkerFactory = () => Worker;
let webWorkers: WebWorkerFactory | null = null;

/** Browsers: how to start a fit worker (e.g. `() => new Worker(new URL("transferlab/browser-worker", import.meta.url),
 *  { type: "module" })`); null runs every fit in this thread. Node uses worker threads and ignores this. */
export function setFitWorkerFactory(factory: WebWorkerFactory | null): void {
  webWorkers = factory;
}

/** A Web Worker seen through the Node-style interface the pool drives. */
function fromWebWorker(w: Worker): WorkerLike {
  return {
    postMessage: (msg) => w.postMessage(msg),
    on(event: "message" | "error" | "exit", cb: (x: any) => void) {
      if (event === "message") w.addEventListener("message", (e) => cb((e as MessageEvent).data));
      else if (event === "error") w.addEventListener("error", (e) => cb(new Error((e as ErrorEvent).message || "worker script failed to load")));
      // Web Workers have no exit event: a worker that dies reports an error.
    },
    terminate: async () => {
      w.terminate();
      return 0;
    },
  } as WorkerLike;
}

/** A function that starts one fit worker, or null where none is available (jobs then run in this thread).
 *  Node's worker_threads come through process.getBuiltinModule, so a browser bundle has no node: import. */
async function workerFactory(): Promise<(() => WorkerLike) | null> {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  const wt = proc?.versions?.node ? proc.getBuiltinModule?.("node:worker_threads") : undefined;
  if (!wt) return webWorkers ? () => fromWebWorker(webWorkers!()) : null;
  if (!import.meta.url.endsWith(".ts")) {
    const url = new URL("./fit-worker.js", import.meta.url);
    return () => new wt.Worker(url) as unknown as WorkerLike;
  }
  // Running from the TypeScript sources: Node 20 does not carry tsx's loader into worker threads, so the worker
  // registers it itself (as bin/transferlab.js does) before importing its entry.
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./fit-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return () => new wt.Worker(boot, { eval: true }) as unknown as WorkerLike;
}
