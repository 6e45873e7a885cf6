// Splits the forces of one t-SNE iteration between this thread and one worker thread. begin() publishes the
// map and the worker starts on the attraction over P while this thread builds the quadtree; finish() then
// publishes the tree and both threads claim chunks of points for the Barnes–Hut repulsion, this thread
// finally taking any attraction chunks the worker has not claimed. Both threads run the same repelRange() /
// attractRange() on the same shared tree, P and map, so every point's force comes from identical arithmetic
// whoever computes it, and the caller sums Z in point order: the map is bit-identical to the one-thread map.
// A worker that starts late or gets no CPU only means this thread does more chunks (never a wrong answer).
// The API stays synchronous: this thread blocks with Atomics.wait only for chunks the worker has claimed.
// Where worker threads or SharedArrayBuffer are missing (browsers without cross-origin isolation), create()
// returns null and t-SNE runs on one thread.
import { TransferLabError } from "../../core/errors.js";
import { QuadTree, repelRange } from "./quadtree.js";
import { attractRange } from "./attraction.js";
import type { SparseP } from "./affinities.js";

const CHUNK = 32; // points per claim: ≈ 50–100 µs of work, small enough that the last claim costs little
// Control words (Int32Array over a SharedArrayBuffer).
const GEN = 0, NEXT = 1, DONE = 2, END = 3, N = 4, STOP = 5, ANEXT = 6, ADONE = 7, TREE = 8;
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
const n = Atomics.load(ctrl, ${N});
for (;;) {
  Atomics.wait(ctrl, ${GEN}, gen);
  gen = Atomics.load(ctrl, ${GEN});
  if (Atomics.load(ctrl, ${STOP}) !== 0) break;
  for (;;) { // attraction, while the main thread builds the tree
    const lo = Atomics.add(ctrl, ${ANEXT}, ${CHUNK});
    if (lo >= n) break;
    const hi = Math.min(lo + ${CHUNK}, n);
    attractRange(rowPtr, cols, vals, Y, params[1], lo, hi, att);
    Atomics.add(ctrl, ${ADONE}, hi - lo);
    Atomics.notify(ctrl, ${ADONE});
  }
  for (;;) { // wait for this generation's tree
    const t = Atomics.load(ctrl, ${TREE});
    if (t >= gen || Atomics.load(ctrl, ${STOP}) !== 0) break;
    Atomics.wait(ctrl, ${TREE}, t);
  }
  for (;;) { // repulsion
    const lo = Atomics.add(ctrl, ${NEXT}, ${CHUNK});
    if (lo >= n) break;
    const hi = Math.min(lo + ${CHUNK}, n);
    repelRange(flat, Atomics.load(ctrl, ${END}), Y, params[0], lo, hi, out);
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
    this.ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
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
    worker.on("error", () => undefined); // a dead worker claims no chunks: this thread does them all
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
    const os = proc?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
    if ((os?.availableParallelism?.() ?? 2) < 2) return null; // one core: a second thread only adds switching
    try {
      return new ForcePool(n, P, wt.Worker);
    } catch {
      return null; // e.g. a resource limit on threads: fall back to one thread
    }
  }

  /** Starts an iteration on map Y with exaggeration ex: the worker begins the attraction. Then build
   *  this.tree from Y and call finish(). */
  begin(Y: Float64Array, ex: number): void {
    const ctrl = this.ctrl;
    this.Y.set(Y.subarray(0, 2 * this.n));
    this.params[1] = ex;
    Atomics.store(ctrl, ADONE, 0);
    Atomics.store(ctrl, ANEXT, 0); // from here the worker may claim attraction chunks of this iteration
    this.gen = Atomics.add(ctrl, GEN, 1) + 1;
    Atomics.notify(ctrl, GEN);
  }
  private gen = 0;

  /** Repulsion of every point against this.tree (built from the map given to begin()) into this.out,
   *  attraction into this.att. */
  finish(t4: number): void {
    const n = this.n, ctrl = this.ctrl, P = this.P;
    this.params[0] = t4;
    Atomics.store(ctrl, END, this.tree.recordCount);
    Atomics.store(ctrl, DONE, 0);
    const shared = this.tree.records === this.flat;
    // A tree too big for the shared buffer: the worker finds no repulsion chunks and this thread does them all.
    Atomics.store(ctrl, NEXT, shared ? 0 : n);
    Atomics.store(ctrl, TREE, this.gen);
    Atomics.notify(ctrl, TREE);
    let mine = 0, mineA = 0;
    if (!shared) {
      repelRange(this.tree.records, this.tree.recordCount, this.Y, t4, 0, n, this.out);
      mine = n;
    }
    for (;;) {
      const lo = Atomics.add(ctrl, NEXT, CHUNK);
      if (lo >= n) break;
      const hi = Math.min(lo + CHUNK, n);
      repelRange(this.flat, this.tree.recordCount, this.Y, t4, lo, hi, this.out);
      mine += hi - lo;
    }
    for (;;) {
      const lo = Atomics.add(ctrl, ANEXT, CHUNK);
      if (lo >= n) break;
      const hi = Math.min(lo + CHUNK, n);
      attractRange(P.rowPtr, P.cols, P.vals, this.Y, this.params[1]!, lo, hi, this.att);
      mineA += hi - lo;
    }
    const t0 = Date.now();
    for (const [word, own] of [[DONE, mine], [ADONE, mineA]] as const) {
      for (;;) {
        const done = Atomics.load(ctrl, word);
        if (done + own >= n) break;
        Atomics.wait(ctrl, word, done, 100);
        if (Date.now() - t0 > WAIT_LIMIT_MS) throw new TransferLabError("INTERNAL", "the t-SNE worker thread stopped responding", {}, "run with threads: 1");
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    Atomics.notify(this.ctrl, TREE);
    void this.worker.terminate().catch(() => undefined);
  }
}
