// `transferlab curve`: how many target labels is the source worth? The evaluate protocol on the runner, repeated
// for a grid of labelled-target sizes K (per class), for source-only, target-only and source+target pooled.
import type { LabelledDomain } from "../core/domain.js";
import { Rng } from "../core/rng.js";
import type { Summary } from "../core/stats.js";
import type { FitProgress, Progress } from "../core/progress.js";
import { prepare, splitTargetForProtocol, type DomainPair, type Scale } from "../data/index.js";
import type { EstimatorName } from "../estimators/index.js";
import { runProtocol, compareWithBaselines } from "./runner.js";
import type { SignificanceVerdict } from "./verdict.js";
import { resultHeader, type ResultId, type RESULT_VERSIONS } from "./schemas.js";

export interface CurveOptions {
  firstSeed?: number;
  /** Labelled target points per class (default 1, 2, 5, 10, 20). */
  grid?: number[];
  methods?: string[];
  /** Raw parameters per method name (as evaluate's). */
  methodParams?: Record<string, Record<string, unknown> | undefined>;
  estimator?: EstimatorName;
  seeds?: number;
  scale?: Scale | "auto";
  jobs?: number;
  /** Progress over the whole grid (each grid point's fits count as one unit), naming K and the fits running now. */
  progress?: Progress;
  /** A long fit's own progress (fraction, "method: message"). */
  fitProgress?: FitProgress;
}

export interface CurveResult {
  schema: ResultId<"curve">;
  version: (typeof RESULT_VERSIONS)["curve"];
  source: string;
  target: string;
  estimator: EstimatorName;
  seeds: number[];
  points: { perClass: number; methods: { name: string; accuracy: Summary & { perSeed: number[] }; verdict: SignificanceVerdict | null }[] }[];
}

export async function labelCurve(pair: { source: LabelledDomain; target: LabelledDomain; kind?: DomainPair["kind"] }, o: CurveOptions = {}): Promise<CurveResult> {
  const { source, target } = prepare(pair, o.scale ?? "auto");
  const seeds = Array.from({ length: o.seeds ?? 5 }, (_, i) => (o.firstSeed ?? 0) + i);
  const estimator = o.estimator ?? "svc";
  const points: CurveResult["points"] = [];
  const grid = o.grid ?? [1, 2, 5, 10, 20];
  for (const [g, K] of grid.entries()) {
    const run = await runProtocol({
      methods: ["source-only", "target-only", ...(o.methods ?? ["source-target"])], methodParams: o.methodParams, estimator, seeds, jobs: o.jobs,
      progress: o.progress && ((done, total, now) => o.progress!(g + done / Math.max(total, 1), grid.length, `K=${K}: ${now}`)), fitProgress: o.fitProgress,
      split(seed) {
        const s = splitTargetForProtocol(target, K, "transductive", new Rng(seed).fork("split"));
        return { data: { source, target: s.unlabelled, targetLabelled: s.labelled }, testX: s.testX, testLabels: s.testLabels, notes: s.notes };
      },
    });
    const judged = compareWithBaselines(run);
    points.push({ perClass: K, methods: judged.methods.map((j) => ({ name: j.run.id, accuracy: j.accuracy, verdict: j.verdict })) });
  }
  return { ...resultHeader("curve"), source: pair.source.name, target: pair.target.name, estimator, seeds, points };
}
