// Runs evaluate's fit tasks on up to `jobs` worker threads (Node), or one after another in this thread (jobs 1,
// or where worker threads are unavailable). Each task's numbers depend only on the task (its own random stream),
// so the result is the same whatever the number of jobs or the order in which tasks finish.
import { TransferLabError } from "../core/errors.js";
import { errorFromWire, runFitTask, toWire, type FitOutcome, type FitTask, type WireError } from "./fit-task.js";

export interface PoolOptions {
  jobs: number;
  signal?: AbortSignal;
  /** Called as each task finishes (in completion order). */
  onDone?: (index: number, outcome: FitOutcome) => void;
}

type Reply = { id: number; ok: true; out: FitOutcome } | { id: number; ok: false; error: WireError };
interface WorkerLike {
  postMessage(msg: unknown): void;
  on(event: "message", cb: (r: Reply) => void): void;
  on(event: "error", cb: (e: Error) => void): void;
  on(event: "exit", cb: (code: number) => void): void;
  terminate(): Promise<number>;
}

export async function runFitTasks(tasks: FitTask[], opts: PoolOptions): Promise<FitOutcome[]> {
  const jobs = Math.min(Math.max(1, Math.floor(opts.jobs)), tasks.length);
  const spawn = jobs > 1 ? await workerFactory() : null;
  if (!spawn) {
    const out: FitOutcome[] = [];
    for (const [i, t] of tasks.entries()) {
      if (opts.signal?.aborted) throw new TransferLabError("ABORTED", "evaluate was aborted");
      out.push(await runFitTask(t, opts.signal));
      opts.onDone?.(i, out[i]!);
    }
    return out;
  }
  const results = new Array<FitOutcome>(tasks.length);
  const workers: WorkerLike[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      // Tasks start in index order, so when task k fails every task before it has started: let those finish and
      // report the failure with the lowest index — the error a one-thread run would have raised.
      let next = 0, finished = 0, inFlight = 0, settled = false;
      const failures = new Map<number, Error>();
      const settle = (e?: Error) => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener("abort", onAbort);
        if (e) reject(e);
        else resolve();
      };
      const onAbort = () => settle(new TransferLabError("ABORTED", "evaluate was aborted"));
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      const feed = (w: WorkerLike) => {
        if (failures.size > 0) {
          if (inFlight === 0) settle(failures.get(Math.min(...failures.keys())));
          return;
        }
        if (next >= tasks.length) return;
        const id = next++;
        inFlight++;
        w.postMessage({ id, task: toWire(tasks[id]!) });
      };
      for (let k = 0; k < jobs; k++) {
        const w = spawn();
        workers.push(w);
        w.on("message", (r: Reply) => {
          inFlight--;
          if (r.ok) {
            results[r.id] = r.out;
            opts.onDone?.(r.id, r.out);
            if (++finished === tasks.length) return settle();
          } else failures.set(r.id, errorFromWire(r.error));
          feed(w);
        });
        w.on("error", (e: Error) => settle(new TransferLabError("INTERNAL", `an evaluate worker thread failed: ${e.message}`)));
        w.on("exit", (code: number) => settle(new TransferLabError("INTERNAL", `an evaluate worker thread exited (code ${code}) before finishing`)));
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }
  return results;
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
