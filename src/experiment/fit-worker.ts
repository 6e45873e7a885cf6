// Worker-thread entry for evaluate's parallel fits (fit-pool.ts): runs each posted task with runFitTask and
// posts back the predictions, or the error it raised; while it runs, its progress (throttled) when asked for.
import { parentPort } from "node:worker_threads";
import { throttleFitProgress } from "../core/progress.js";
import { errorToWire, fromWire, runFitTask } from "./fit-task.js";
import type { TaskMessage } from "./fit-pool.js";

parentPort!.on("message", (msg: TaskMessage) => {
  const progress = msg.progress ? throttleFitProgress((f, m) => parentPort!.postMessage({ id: msg.id, progress: [f, m] })) : undefined;
  runFitTask(fromWire(msg.task), undefined, progress).then(
    (out) => parentPort!.postMessage({ id: msg.id, ok: true, out }, [out.pred.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, error: errorToWire(e) }),
  );
});
