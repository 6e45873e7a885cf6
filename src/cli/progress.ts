// The one progress style of the command line, for the library's one Progress callback (core/progress.ts): on a
// terminal a bar with percentage, ETA and what runs now (cli-progress); otherwise plain lines, one when what runs
// changes (at most one every two seconds, so logs stay short). Always on stderr: stdout carries the result.
import type { Progress } from "../core/progress.js";

export interface ProgressView {
  update: Progress;
  /** A step after the counted work (e.g. "figures"), shown in place of what ran. */
  stage(now: string): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 2000;

export async function progressView(command: string, stream: NodeJS.WriteStream = process.stderr): Promise<ProgressView> {
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
    return {
      update(done, total, now) {
        if (!started) {
          bar.start(total, done, { now, remaining: eta(done, total) });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { now, remaining: eta(done, total) });
      },
      stage(now) {
        if (started) bar.update({ now });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = "";
  let lastAt = -Infinity;
  const line = (text: string, force = false) => {
    const t = performance.now();
    if (text === last || (!force && t - lastAt < PLAIN_INTERVAL_MS)) return;
    last = text;
    lastAt = t;
    stream.write(`${command}: ${text}\n`);
  };
  return {
    update(done, total, now) {
      line(`${Math.floor((100 * done) / Math.max(total, 1e-12))}% ${now}`, done === 0);
    },
    stage(now) {
      line(now, true);
    },
    stop() {},
  };
}
