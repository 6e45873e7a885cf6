// The label-efficiency figure of a label-count sweep (`transferlab curve`, `evaluate --target-labels-per-class
// 1,2,5,…`): the demo's figure (figures.ts labelEfficiency) for any methods — accuracy against labels per class,
// mean over seeds with 95 % bands, baselines in greys — and the files a sweep writes.
import { join } from "node:path";
import { writeJsonAtomic } from "../core/atomic.js";
import type { CurveResult } from "../experiment/index.js";
import { labelEfficiency } from "./figures.js";
import { writeFigure } from "./render.js";
import type { VlSpec } from "./theme.js";

/** Rows judged as baselines (grey): the estimator baselines and the network without adaptation. */
const BASELINES = new Set(["source-only", "target-only", "source-target", "source-only-net"]);

export function curveFigure(r: CurveResult): VlSpec {
  const points = r.points.flatMap((p) => p.methods.map((m) => ({
    method: m.name, role: BASELINES.has(m.name) ? ("baseline" as const) : ("method" as const), n: p.perClass,
    mean: m.accuracy.mean, lo: Math.max(0, m.accuracy.ci95[0]), hi: Math.min(100, m.accuracy.ci95[1]),
  })));
  return labelEfficiency({
    points, xTitle: "Labelled target points per class",
    title: `Label efficiency: ${r.source} → ${r.target}`,
    subtitle: `Target test accuracy, mean over ${r.seeds.length} seed${r.seeds.length === 1 ? "" : "s"}${r.seeds.length > 1 ? ", bands 95 % CI (Student t)" : ""}; estimator ${r.estimator} for the non-network rows.`,
  });
}

/** DIR/curve.json (the result document) and DIR/label_efficiency.svg + .png. */
export async function writeCurveOutputs(r: CurveResult, dir: string): Promise<{ results: string; figure: string }> {
  const results = join(dir, "curve.json");
  const fig = await writeFigure(dir, "label_efficiency", curveFigure(r));
  writeJsonAtomic(results, r);
  return { results, figure: fig.svgPath };
}
