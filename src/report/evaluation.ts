// The figure of an evaluate run: accuracy per method with its 95 % interval, every seed as a point, the
// baselines (source-only, target-only, the un-adapted network) in grey. Used by evaluate's report page and the
// playground. Takes the result's shape structurally, so the report room does not import the experiment room.
import { performanceComparison, type Role } from "./figures.js";
import type { VlSpec } from "./theme.js";

const BASELINES = new Set(["source-only", "target-only", "source-only-net"]);

export interface EvaluatedMethod {
  name: string;
  oracle: boolean;
  /** Null for a method whose fit diverged: it has no bar. */
  accuracy: { mean: number; ci95: readonly [number, number] | number[]; perSeed: readonly number[]; ciMethod?: string } | null;
}

export function evaluationFigure(input: { methods: readonly EvaluatedMethod[]; source: { name: string }; target: { name: string }; estimator: string }): VlSpec {
  const scored = input.methods.flatMap((m) => (m.accuracy ? [{ ...m, accuracy: m.accuracy }] : []));
  const bars = scored.map((m) => ({
    method: m.oracle ? `${m.name} (oracle)` : m.name,
    role: (BASELINES.has(m.name) ? "baseline" : "method") as Role,
    mean: m.accuracy.mean, lo: m.accuracy.ci95[0]!, hi: m.accuracy.ci95[1]!, seeds: m.accuracy.perSeed,
  }));
  const seeds = Math.max(...scored.map((m) => m.accuracy.perSeed.length));
  return performanceComparison({
    bars, domain: [0, 100],
    title: `${input.source.name} → ${input.target.name}`,
    subtitle: `target accuracy, ${input.estimator}, ${seeds} seed${seeds === 1 ? "" : "s"}: bar = mean, line = 95 % interval, dots = seeds`,
  });
}
