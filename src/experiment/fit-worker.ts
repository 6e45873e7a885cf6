// Worker-thread entry for evaluate's parallel fits (fit-pool.ts): runs each posted task with runFitTask and
// posts back the predictions, or the error it raised; while it runs, its progress (throttled) when asked for.
import { parentPort } from "node:worker_threads";
import { serveTask, type TaskMessage } from "./fit-pool.js";

parentPort!.on("message", (msg: TaskMessage) => serveTask(msg, (reply, transfer) => parentPort!.postMessage(reply, transfer)));
