// The one progress style of the command line, for the library's one Progress callback (core/progress.ts) and the
// running fits' own progress (FitProgress: "KMM: QP iteration 50/1000", from this thread or forwarded by a worker
// thread): on a terminal a bar with percentage, ETA and what runs now (cli-progress); otherwise plain lines, one when
// what runs changes (at most one every two seconds, so logs stay short). Always on stderr: stdout carries the result.
import type { FitProgress, Progress } from "../core/progress.js";

export interface ProgressView {
  update: Progress;
  /** A running fit's own progress, shown after what runs now until the next update. */
  fit: FitProgress;
  /** A step after the counted work (e.g. "figures"), shown in place of what ran. */
  stage(now: string): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 2000;

/** "seed 1/2 kmm · kmm: KMM: QP iteration 50/1000 (5%)". */
const withDetail = (now: string, detail: string) => (detail && now ? `${now} · ${detail}` : detail || now);
const fitDetail = (fraction: number, message?: string) => `${message ?? "running"} (${Math.floor(100 * Math.min(1, Math.max(0, fraction)))}%)`;

export async function progressView(command: string, stream: NodeJS.WriteStream = process.stderr, opts: { intervalMs?: number } = {}): Promise<ProgressView> {
  let last = { done: 0, total: 1, now: "" };
  let detail = "";
  let counted = false; // whether fits are counted (update): else one fit's own fraction is the whole progress
  const onFit = (fraction: number, message?: string) => {
    if (counted) detail = fitDetail(fraction, message);
    else {
      last = { done: Math.min(1, Math.max(0, fraction)), total: 1, now: "" };
      detail = message ?? "running";
    }
  };
  if (stream.isTTY) {
    const { SingleBar, Presets } = (await import("cli-progress")).default;
    const bar = new SingleBar({ stream, format: " {bar} {percentage}% | ETA {remaining} | {now}", hideCursor: true, clearOnComplete: true, fps: 5 }, Presets.shades_classic);
    let started = false;
    const t0 = performance.now();
    // ETA from the average pace so far (cli-progress's own needs steady updates, and shows "NF" before them).
    const eta = (done: number, total: number) => {
      if (!(done > 0)) return "…";
      const s = ((performance.now() - t0) / 1000) * ((total - done) / done);
      return s < 90 ? `${Math.round(s)}s` : s < 5400 ? `${Math.round(s / 60)}min` : `${(s / 3600).toFixed(1)}h`;
    };
    const show = () => {
      const { done, total } = last;
      const payload = { now: withDetail(last.now, detail), remaining: eta(done, total) };
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, payload);
    };
    return {
      update(done, total, now) {
        last = { done, total, now };
        detail = "";
        counted = true;
        show();
      },
      fit(fraction, message) {
        onFit(fraction, message);
        show();
      },
      stage(now) {
        if (started) bar.update({ now });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const interval = opts.intervalMs ?? PLAIN_INTERVAL_MS;
  let lastLine = "";
  let lastAt = -Infinity;
  const line = (text: string, force = false) => {
    const t = performance.now();
    if (text === lastLine || (!force && t - lastAt < interval)) return;
    lastLine = text;
    lastAt = t;
    stream.write(`${command}: ${text}\n`);
  };
  const percent = () => `${Math.floor((100 * last.done) / Math.max(last.total, 1e-12))}%`;
  return {
    update(done, total, now) {
      last = { done, total, now };
      detail = "";
      counted = true;
      line(`${percent()} ${now}`, done === 0);
    },
    fit(fraction, message) {
      onFit(fraction, message);
      line(`${percent()} ${withDetail(last.now, detail)}`);
    },
    stage(now) {
      line(now, true);
    },
    stop() {},
  };
}
