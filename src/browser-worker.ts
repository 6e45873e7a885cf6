// Web Worker entry for evaluate's parallel fits in browsers (`transferlab/browser-worker`; the browser twin of
// experiment/fit-worker.ts): compiles the wasm kernels once, then runs each posted task and posts back the
// predictions or the error (and, while it runs, its progress when asked for). Start it through
// setFitWorkerFactory (src/browser.ts).
import { compileWasmKernels } from "./engine/kernels/index.js";
import { serveTask, type TaskMessage } from "./experiment/fit-pool.js";

const scope = globalThis as unknown as {
  addEventListener(type: "message", cb: (e: { data: TaskMessage }) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};
const ready = compileWasmKernels();

scope.addEventListener("message", (e) => serveTask(e.data, (reply, transfer) => scope.postMessage(reply, transfer), ready));
