// Web Worker entry for evaluate's parallel fits in browsers (`transferlab/browser-worker`; the browser twin of
// experiment/fit-worker.ts): compiles the wasm kernels once, then runs each posted task and posts back the
// predictions or the error (and, while it runs, its progress when asked for). Start it through
// setFitWorkerFactory (src/browser.ts).
import { compileWasmKernels } from "./engine/kernels/index.js";
import { throttleFitProgress } from "./core/progress.js";
import { errorToWire, fromWire, runFitTask } from "./experiment/fit-task.js";
import type { TaskMessage } from "./experiment/fit-pool.js";

const scope = globalThis as unknown as {
  addEventListener(type: "message", cb: (e: { data: TaskMessage }) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};
const ready = compileWasmKernels();

scope.addEventListener("message", (e) => {
  const { id, task } = e.data;
  const progress = e.data.progress ? throttleFitProgress((f, m) => scope.postMessage({ id, progress: [f, m] })) : undefined;
  ready.then(() => runFitTask(fromWire(task), undefined, progress)).then(
    (out) => scope.postMessage({ id, ok: true, out }, [out.pred.buffer as ArrayBuffer]),
    (err: unknown) => scope.postMessage({ id, ok: false, error: errorToWire(err) }),
  );
});
