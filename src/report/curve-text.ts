// The text page of `transferlab curve`: one row per labelled-target size, one column per method.
import type { CurveResult } from "../experiment/index.js";

export function formatCurve(r: CurveResult): string {
  const names = r.points[0]?.methods.map((m) => m.name) ?? [];
  const head = ["labels/class", ...names, "verdict (vs stronger baseline)"];
  const rows = r.points.map((p) => [
    String(p.perClass),
    ...p.methods.map((m) => `${m.accuracy.mean.toFixed(1)} ± ${m.accuracy.sd.toFixed(1)}`),
    p.methods.filter((m) => m.verdict !== null).map((m) => `${m.name}: ${m.verdict}`).join("; ") || "—",
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (row: string[]) => row.map((c, j) => c.padEnd(w[j]!)).join("  ").trimEnd();
  // The fewest target labels with which target-only reaches what the source gives at the smallest size.
  const best0 = Math.max(...(r.points[0]?.methods.filter((m) => m.name !== "target-only").map((m) => m.accuracy.mean) ?? [0]));
  const match = r.points.find((p) => p.methods.find((m) => m.name === "target-only")!.accuracy.mean >= best0);
  return [
    `${r.source} → ${r.target}: target test accuracy % (mean ± sd over ${r.seeds.length} seeds), estimator ${r.estimator}`,
    line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line),
    match ? `target-only needs ${match.perClass} labels/class to reach what the source gives with ${r.points[0]!.perClass}.`
      : `target-only does not reach, up to ${r.points[r.points.length - 1]!.perClass} labels/class, what the source gives with ${r.points[0]!.perClass}.`,
  ].join("\n") + "\n";
}
