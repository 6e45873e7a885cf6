// The one progress callback of the library: every long workflow (evaluate, select, sweep, demo, assess) reports
// through it, and the CLI renders it (a bar with ETA on a terminal, plain lines otherwise).

/**
 * `done` of `total` units are finished (units are fits, epochs or stages: only their ratio matters); `now` names
 * what runs at this moment, e.g. "seed 3/10 kmm" (several, comma-separated, when fits run in parallel).
 */
export type Progress = (done: number, total: number, now: string) => void;

/**
 * Tracks fits that start and finish (in any order, several at once) and reports through `progress` what runs now:
 * call start(k) as fit k starts and finish(k) as it ends. `label(k)` names fit k.
 */
export function fitTracker(total: number, label: (k: number) => string, progress?: Progress): { start(k: number): void; finish(k: number): void } {
  const running = new Map<number, string>();
  let done = 0;
  const report = (last: string) => progress?.(done, total, running.size > 0 ? [...running.values()].join(", ") : last);
  return {
    start(k) {
      running.set(k, label(k));
      report("");
    },
    finish(k) {
      const l = running.get(k) ?? label(k);
      running.delete(k);
      done++;
      report(done === total ? "done" : l);
    },
  };
}
