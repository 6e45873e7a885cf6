// experiment's second door: the sweep's Redis queue (BullMQ). Kept out of index.ts so that importing the library
// does not load bullmq and ioredis, and its types do not reach ioredis's, which need @types/node (a consumer
// without it failed to type-check).
export { runWorker, QueueExecutor } from "./sweep/queue.js";
