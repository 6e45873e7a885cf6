// The one progress callback of the library: every long workflow (evaluate, select, sweep, demo, assess) reports
// through it, and the CLI renders it (a bar with ETA on a terminal, plain lines otherwise).

/**
 * `done` of `total` units are finished (units are fits, epochs or stages: only their ratio matters); `now` names
 * what runs at this moment, e.g. "seed 3/10 kmm" (several, comma-separated, when fits run in parallel).
 */
export type Progress = (done: number, total: number, now: string) => void;

/** A running fit's own progress: `fraction` ∈ [0, 1] of its work and what it does now, e.g. "KMM: QP iteration
 * 50/1000" (adapt's FitContext.progress; a pool prefixes the method's name). */
export type FitProgress = (fraction: number, message?: string) => void;

/** `report`, passed at most once every `intervalMs` (the first call and the last, fraction ≥ 1, always pass): a
 * worker thread forwards its fit's progress through it without flooding the parent with messages. */
export function throttleFitProgress(report: FitProgress, intervalMs = 100): FitProgress {
  let last = -Infinity;
  return (fraction, message) => {
    const t = performance.now();
    if (fraction < 1 && t - last < intervalMs) return;
    last = t;
    report(fraction, message);
  };
}

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
