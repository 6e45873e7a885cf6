// Web Worker entry for evaluate's parallel fits in browsers (`transferlab/browser-worker`; the browser twin of
// experiment/fit-worker.ts): compiles the wasm kernels once, then runs each posted task and posts back the
// predictions or the error. Start it through setFitWorkerFactory (src/browser.ts).
import { compileWasmKernels } from "./engine/kernels/index.js";
import { errorToWire, fromWire, runFitTask, type WireTask } from "./experiment/fit-task.js";

const scope = globalThis as unknown as {
  addEventListener(type: "message", cb: (e: { data: { id: number; task: WireTask } }) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};
const ready = compileWasmKernels();

scope.addEventListener("message", (e) => {
  const { id, task } = e.data;
  ready.then(() => runFitTask(fromWire(task))).then(
    (out) => scope.postMessage({ id, ok: true, out }, [out.pred.buffer as ArrayBuffer]),
    (err: unknown) => scope.postMessage({ id, ok: false, error: errorToWire(err) }),
  );
});
