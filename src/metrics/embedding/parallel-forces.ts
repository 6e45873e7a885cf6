// Splits the forces of one t-SNE iteration (Barnes–Hut repulsion and the attraction over P) between this
// thread and one worker thread. Both threads claim chunks of points from a shared counter and run the same
// repelRange() / attractRange() on the same shared tree, P and map, so every point's force is computed by identical arithmetic whoever computes it; the caller
// sums Z in point order afterwards. The map is therefore bit-identical to the single-threaded one, and a
// worker that starts late or gets no CPU only means this thread does more chunks (never a wrong answer).
// The API stays synchronous: this thread blocks with Atomics.wait only for chunks the worker has claimed.
// Where worker threads or SharedArrayBuffer are missing (browsers without cross-origin isolation), create()
// returns null and t-SNE runs on one thread.
import { TransferLabError } from "../../core/errors.js";
import { QuadTree, repelRange } from "./quadtree.js";
import { attractRange } from "./attraction.js";
import type { SparseP } from "./affinities.js";

const CHUNK = 32; // points per claim: ≈ 50–100 µs of work, small enough that the last claim costs little
// Control words (Int32Array over a SharedArrayBuffer).
const GEN = 0, NEXT = 1, DONE = 2, END = 3, N = 4, STOP = 5;
const STRIDE = 5; // QuadTree record stride
const WAIT_LIMIT_MS = 30_000;

type WorkerLike = { unref(): void; terminate(): Promise<number>; on(event: string, cb: (e: unknown) => void): void };
type WorkerCtor = new (src: string, opts: Record<string, unknown>) => WorkerLike;

function workerSource(): string {
  return `
const { workerData } = require("node:worker_threads");
${repelRange.toString()}
${attractRange.toString()}
const { ctrl, params, Y, out, att, flat, rowPtr, cols, vals } = workerData;
let gen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, gen);
  gen = Atomics.load(ctrl, ${GEN});
  if (Atomics.load(ctrl, ${STOP}) !== 0) break;
  const n = Atomics.load(ctrl, ${N});
  for (;;) {
    const lo = Atomics.add(ctrl, ${NEXT}, ${CHUNK});
    if (lo >= n) break;
    const hi = Math.min(lo + ${CHUNK}, n);
    repelRange(flat, Atomics.load(ctrl, ${END}), Y, params[0], lo, hi, out);
    attractRange(rowPtr, cols, vals, Y, params[1], lo, hi, att);
    Atomics.add(ctrl, ${DONE}, hi - lo);
    Atomics.notify(ctrl, ${DONE});
  }
}
`;
}

export class ForcePool {
  /** The tree to build each iteration: it flattens into the shared buffer. */
  readonly tree: QuadTree;
  /** Per point repulsion fx, fy, ΣN·q (stride 3), filled by run(). */
  readonly out: Float64Array;
  /** Per point attraction fx, fy (stride 2), filled by run(). */
  readonly att: Float64Array;
  private readonly P: SparseP;
  private readonly ctrl: Int32Array;
  private readonly params: Float64Array;
  private readonly Y: Float64Array;
  private readonly flat: Float64Array;
  private closed = false;

  private constructor(private readonly n: number, P: SparseP, Worker: WorkerCtor) {
    const shared = (len: number) => new Float64Array(new SharedArrayBuffer(len * 8));
    this.ctrl = new Int32Array(new SharedArrayBuffer(8 * 4));
    this.params = shared(2);
    this.Y = shared(2 * n);
    this.out = shared(3 * n);
    this.att = shared(2 * n);
    const rowPtr = new Int32Array(new SharedArrayBuffer(P.rowPtr.length * 4));
    const cols = new Int32Array(new SharedArrayBuffer(Math.max(1, P.cols.length) * 4));
    const vals = shared(Math.max(1, P.vals.length));
    rowPtr.set(P.rowPtr); cols.set(P.cols); vals.set(P.vals);
    this.P = { n, rowPtr, cols, vals };
    // A 2-D Barnes–Hut tree of n distinct points has well under 8n non-empty nodes in practice; a tree that
    // outgrows the buffer is flattened into private memory and that iteration runs on this thread alone.
    this.flat = shared(STRIDE * (8 * n + 64));
    this.tree = new QuadTree(this.flat);
    this.ctrl[N] = n;
    const worker = new Worker(workerSource(), {
      eval: true, execArgv: [], stdout: false, stderr: false,
      workerData: { ctrl: this.ctrl, params: this.params, Y: this.Y, out: this.out, att: this.att, flat: this.flat, rowPtr, cols, vals },
    });
    worker.on("error", () => { this.closed = true; }); // later runs use this thread alone
    worker.unref(); // never keeps the process alive
    this.worker = worker;
  }
  private readonly worker: WorkerLike;

  /** A pool with one worker thread, or null where threads or shared memory are unavailable. */
  static create(P: SparseP): ForcePool | null {
    const n = P.n;
    if (typeof SharedArrayBuffer !== "function" || typeof Atomics?.wait !== "function") return null;
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const wt = proc?.getBuiltinModule?.("node:worker_threads") as { Worker?: WorkerCtor; isMainThread?: boolean } | undefined;
    if (!wt?.Worker) return null;
    try {
      return new ForcePool(n, P, wt.Worker);
    } catch {
      return null; // e.g. a resource limit on threads: fall back to one thread
    }
  }

  /** Repulsion of all n points of Y against this.tree (built this iteration) into this.out, attraction
   *  with exaggeration ex into this.att. */
  run(Y: Float64Array, t4: number, ex: number): void {
    const n = this.n, ctrl = this.ctrl, P = this.P;
    if (this.closed || this.tree.records !== this.flat) {
      repelRange(this.tree.records, this.tree.recordCount, Y, t4, 0, n, this.out);
      attractRange(P.rowPtr, P.cols, P.vals, Y, ex, 0, n, this.att);
      return;
    }
    this.Y.set(Y.subarray(0, 2 * n));
    this.params[0] = t4;
    this.params[1] = ex;
    Atomics.store(ctrl, END, this.tree.recordCount);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, NEXT, 0); // from here the worker may claim chunks of this iteration
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    let mine = 0;
    for (;;) {
      const lo = Atomics.add(ctrl, NEXT, CHUNK);
      if (lo >= n) break;
      const hi = Math.min(lo + CHUNK, n);
      repelRange(this.flat, this.tree.recordCount, this.Y, t4, lo, hi, this.out);
      attractRange(P.rowPtr, P.cols, P.vals, this.Y, ex, lo, hi, this.att);
      mine += hi - lo;
    }
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(ctrl, DONE);
      if (done + mine >= n) break;
      Atomics.wait(ctrl, DONE, done, 100);
      if (Date.now() - t0 > WAIT_LIMIT_MS) throw new TransferLabError("INTERNAL", "the t-SNE worker thread stopped responding", {}, "run with threads: 1");
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    void this.worker.terminate().catch(() => undefined);
  }
}
