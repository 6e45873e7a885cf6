// Worker-thread entry for evaluate's parallel fits (fit-pool.ts): runs each posted task with runFitTask and
// posts back the predictions, or the error it raised.
import { parentPort } from "node:worker_threads";
import { errorToWire, fromWire, runFitTask, type WireTask } from "./fit-task.js";

parentPort!.on("message", (msg: { id: number; task: WireTask }) => {
  runFitTask(fromWire(msg.task)).then(
    (out) => parentPort!.postMessage({ id: msg.id, ok: true, out }, [out.pred.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, error: errorToWire(e) }),
  );
});
