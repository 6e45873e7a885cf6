// Figure specs: one builder per figure, each taking plain data and returning a Vega-Lite spec.
// Builders check their inputs (non-finite numbers would be dropped silently by Vega) and share the theme.
import { TransferLabError } from "../core/errors.js";
import { bundledFontMetrics } from "./fontMetrics.js";
import { BASELINE_GREYS, PALETTE, SHAPES, roleColours, titleOf, type VlSpec } from "./theme.js";

export type Role = "baseline" | "method";
export interface ScatterPoint { x: number; y: number; cls: string }
export interface EmbeddedPoint { x: number; y: number; group: string; cls?: string }

function bad(param: string, message: string): TransferLabError {
  return new TransferLabError("INVALID_PARAMETER", message, { param }, "figures need finite numbers and at least one data point");
}

function checkFinite(param: string, values: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw bad(param, `value ${values[i]} at index ${i} is not finite`);
  }
}

function nonEmpty<T>(param: string, arr: readonly T[]): readonly T[] {
  if (!Array.isArray(arr) || arr.length === 0) throw bad(param, "is empty");
  return arr;
}

function uniq(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Scatter points from the first two columns of a row-major matrix, with class names from labels. */
export function scatterPoints(
  X: { data: ArrayLike<number>; rows: number; cols: number }, y?: ArrayLike<number>, classNames?: readonly string[],
): ScatterPoint[] {
  if (X.cols < 2) throw bad("X", `needs at least 2 columns to plot, got ${X.cols}`);
  const out: ScatterPoint[] = [];
  for (let i = 0; i < X.rows; i++) {
    const c = y ? y[i]! : 0;
    out.push({ x: X.data[i * X.cols]!, y: X.data[i * X.cols + 1]!, cls: classNames?.[c] ?? String(c) });
  }
  return out;
}

function classScales(classes: string[]): { color: Record<string, unknown>; shape: Record<string, unknown> } {
  return {
    color: { domain: classes, range: classes.map((_, i) => PALETTE[i % PALETTE.length]) },
    shape: { domain: classes, range: classes.map((_, i) => SHAPES[i % SHAPES.length]) },
  };
}

/** Source and target side by side on shared axes, classes coloured (and shaped). */
export function domainComparison(input: {
  source: readonly ScatterPoint[]; target: readonly ScatterPoint[];
  sourceTitle?: string; targetTitle?: string; title?: string; subtitle?: string;
}): VlSpec {
  const sourceTitle = input.sourceTitle ?? "Source domain";
  const targetTitle = input.targetTitle ?? "Target domain";
  const rows = [
    ...nonEmpty("source", input.source).map((p) => ({ ...p, panel: sourceTitle })),
    ...nonEmpty("target", input.target).map((p) => ({ ...p, panel: targetTitle })),
  ];
  checkFinite("points", rows.flatMap((p) => [p.x, p.y]));
  const classes = uniq(rows.map((p) => p.cls)).sort();
  const sc = classScales(classes);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(input.title ?? "Domain comparison", input.subtitle ?? `${input.source.length} source and ${input.target.length} target points`),
    data: { values: rows },
    facet: { column: { field: "panel", type: "nominal", sort: [sourceTitle, targetTitle], header: { title: null } } },
    spec: {
      width: 280, height: 260,
      mark: { type: "point", filled: true, opacity: 0.65, size: 22 },
      encoding: {
        x: { field: "x", type: "quantitative", title: "x₁", scale: { nice: true, zero: false } },
        y: { field: "y", type: "quantitative", title: "x₂", scale: { nice: true, zero: false } },
        color: { field: "cls", type: "nominal", title: "Class", scale: sc.color },
        shape: { field: "cls", type: "nominal", title: "Class", scale: sc.shape },
      },
    },
  };
}

/** Accuracy bars with error bars over seeds; baselines (grey) beside methods (colour). */
export function performanceComparison(input: {
  bars: readonly { method: string; role: Role; mean: number; lo: number; hi: number; seeds?: readonly number[] }[];
  metric?: string; errorLabel?: string; title?: string; subtitle?: string; domain?: [number, number];
}): VlSpec {
  const bars = nonEmpty("bars", input.bars);
  checkFinite("bars", bars.flatMap((b) => [b.mean, b.lo, b.hi, ...(b.seeds ?? [])]));
  const metric = input.metric ?? "Accuracy (%)";
  const colours = roleColours(bars.map((b) => ({ name: b.method, role: b.role })));
  const order = bars.map((b) => b.method);
  const nSeeds = Math.max(...bars.map((b) => b.seeds?.length ?? 1));
  const top = Math.max(...bars.map((b) => b.hi));
  const domain = input.domain ?? (top <= 100 && Math.min(...bars.map((b) => b.lo)) >= 0 ? [0, 100] : undefined);
  const yScale = domain ? { domain, zero: true } : { zero: true };
  const x = { field: "method", type: "nominal", sort: order, title: null, axis: { labelAngle: 0, labelExpr: "split(datum.label, ' ')", labelLimit: 0 } };
  const seedRows = bars.flatMap((b) => (b.seeds ?? []).map((v) => ({ method: b.method, value: v })));
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "bar", width: { band: 0.62 }, opacity: 0.8 },
      encoding: { x, y: { field: "mean", type: "quantitative", title: metric, scale: yScale }, color: { field: "method", type: "nominal", scale: colours, legend: null } },
    },
  ];
  if (seedRows.length > 0) {
    // Single seeds as short ticks across the bar: ties stack into darker ticks instead of hiding.
    layers.push({
      data: { values: seedRows },
      mark: { type: "tick", orient: "horizontal", size: 34, thickness: 1.2, opacity: 0.6, color: "#1a1a1a" },
      encoding: { x, y: { field: "value", type: "quantitative" } },
    });
  }
  layers.push(
    {
      mark: { type: "errorbar", ticks: { size: 14 }, color: "#1a1a1a", thickness: 1.6 },
      encoding: { x, y: { field: "lo", type: "quantitative", title: metric }, y2: { field: "hi" } },
    },
    {
      mark: { type: "text", dy: -9, fontSize: 12, fontWeight: "bold", color: "#1a1a1a" },
      encoding: { x, y: { field: "labelAt", type: "quantitative" }, text: { field: "mean", type: "quantitative", format: ".2f" } },
    },
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(input.title ?? "Performance on the target test set",
      input.subtitle ?? `Mean over ${nSeeds} seed${nSeeds === 1 ? "" : "s"}; error bars: ${input.errorLabel ?? "95 % CI"}; grey bars are baselines${seedRows.length ? "; thin ticks are single seeds" : ""}`),
    width: { step: 120 }, height: 300,
    data: { values: bars.map(({ seeds, ...b }) => ({ ...b, labelAt: Math.max(b.hi, ...(seeds ?? [])) })) },
    layer: layers,
  };
}

/** Any 2-D embedding (PCA, t-SNE, UMAP): colour = group (e.g. domain), shape = class when given. */
export function embeddingScatter(input: {
  points: readonly EmbeddedPoint[]; title: string; subtitle?: string; xTitle?: string; yTitle?: string;
  groupTitle?: string; clsTitle?: string; hideTickLabels?: boolean;
}): VlSpec {
  const points = nonEmpty("points", input.points);
  checkFinite("points", points.flatMap((p) => [p.x, p.y]));
  const groups = uniq(points.map((p) => p.group));
  const hasCls = points.some((p) => p.cls !== undefined);
  const classes = hasCls ? uniq(points.map((p) => p.cls ?? "")).sort() : [];
  const axis = input.hideTickLabels ? { labels: false, ticks: false, grid: false } : {};
  const encoding: Record<string, unknown> = {
    x: { field: "x", type: "quantitative", title: input.xTitle ?? "Component 1", scale: { zero: false, nice: false, padding: 10 }, axis },
    y: { field: "y", type: "quantitative", title: input.yTitle ?? "Component 2", scale: { zero: false, nice: false, padding: 10 }, axis },
    color: { field: "group", type: "nominal", title: input.groupTitle ?? "Domain", scale: { domain: groups, range: groups.map((_, i) => PALETTE[i % PALETTE.length]) } },
  };
  if (hasCls) encoding.shape = { field: "cls", type: "nominal", title: input.clsTitle ?? "Class", scale: { domain: classes, range: classes.map((_, i) => SHAPES[i % SHAPES.length]) } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(input.title, input.subtitle),
    width: 420, height: 360,
    data: { values: points.map((p) => ({ x: p.x, y: p.y, group: p.group, cls: p.cls ?? "" })) },
    mark: { type: "point", filled: true, opacity: 0.6, size: 20 },
    encoding,
  };
}

/** t-SNE of learned features: source vs target by colour, classes by marker shape. */
export function featureSpaceTsne(input: {
  points: readonly { x: number; y: number; domain: string; cls: string }[]; title?: string; subtitle?: string;
}): VlSpec {
  return embeddingScatter({
    points: input.points.map((p) => ({ x: p.x, y: p.y, group: p.domain, cls: p.cls })),
    title: input.title ?? "Feature space (t-SNE)",
    subtitle: input.subtitle ?? "Colour: domain; marker: class. Axes of a t-SNE map have no units; distances between far clusters mean little.",
    xTitle: "t-SNE 1", yTitle: "t-SNE 2", hideTickLabels: true,
  });
}

/** One confusion-matrix panel per method; cells coloured by share of the true class, counts printed. */
export function confusionMatrices(input: {
  panels: readonly { method: string; matrix: readonly (readonly number[])[]; accuracy?: number }[];
  classNames: readonly string[]; title?: string; subtitle?: string;
}): VlSpec {
  const panels = nonEmpty("panels", input.panels);
  const k = input.classNames.length;
  if (k === 0) throw bad("classNames", "is empty");
  const rows: Record<string, unknown>[] = [];
  const headers: string[] = [];
  for (const p of panels) {
    if (p.matrix.length !== k || p.matrix.some((r) => r.length !== k)) {
      throw new TransferLabError("SHAPE_MISMATCH", `confusion matrix of '${p.method}' must be ${k}×${k} (one row and column per class)`, { param: "panels" });
    }
    checkFinite("panels", p.matrix.flat());
    const header = p.accuracy === undefined ? p.method : `${p.method}\naccuracy ${p.accuracy.toFixed(3)}`;
    headers.push(header);
    p.matrix.forEach((r, a) => {
      const total = r.reduce((s, v) => s + v, 0);
      r.forEach((count, q) => rows.push({ panel: header, actual: input.classNames[a], predicted: input.classNames[q], count, share: total > 0 ? count / total : 0 }));
    });
  }
  const headerWidth = Math.max(...panels.map((p) => bundledFontMetrics().bold.advanceEm(p.method) * 13));
  const cell = Math.max(k <= 3 ? 64 : k <= 6 ? 40 : 26, Math.ceil((headerWidth + 12) / k));
  const classes = [...input.classNames];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(input.title ?? "Confusion matrices on the target test set", input.subtitle ?? "Rows: true class; columns: predicted class; colour: share of the true class"),
    data: { values: rows },
    facet: { column: { field: "panel", type: "nominal", sort: headers, header: { title: null, labelExpr: "split(datum.label, '\\n')" } } },
    spec: {
      width: cell * k, height: cell * k,
      encoding: {
        x: { field: "predicted", type: "ordinal", sort: classes, title: "Predicted", axis: { labelAngle: 0 } },
        y: { field: "actual", type: "ordinal", sort: classes, title: "True" },
      },
      layer: [
        { mark: { type: "rect", stroke: "white", strokeWidth: 1 }, encoding: { color: { field: "share", type: "quantitative", title: "Row share", scale: { scheme: "blues", domain: [0, 1] }, legend: { format: ".0%" } } } },
        {
          mark: { type: "text", fontSize: k <= 6 ? 13 : 9 },
          encoding: { text: { field: "count", type: "quantitative" }, color: { condition: { test: "datum.share > 0.55", value: "white" }, value: "#1a1a1a" } },
        },
      ],
    },
    resolve: { scale: { color: "shared" } },
  };
}

/** Accuracy against the number of labelled target points, per method, with CI bands (log₂ x axis). */
export function labelEfficiency(input: {
  points: readonly { method: string; role?: Role; n: number; mean: number; lo: number; hi: number }[];
  reference?: { label: string; value: number }; metric?: string; bandLabel?: string; title?: string; subtitle?: string; xTitle?: string;
}): VlSpec {
  const points = nonEmpty("points", input.points);
  checkFinite("points", points.flatMap((p) => [p.n, p.mean, p.lo, p.hi]));
  if (points.some((p) => p.n <= 0)) throw bad("points", "numbers of labelled points must be positive (log axis)");
  const colours = roleColours(points.map((p) => ({ name: p.method, role: p.role })));
  const ns = [...new Set(points.map((p) => p.n))].sort((a, b) => a - b);
  const metric = input.metric ?? "Accuracy (%)";
  const x = { field: "n", type: "quantitative", title: input.xTitle ?? "Labelled target points", scale: { type: "log", base: 2, domain: [ns[0], ns[ns.length - 1]], nice: false }, axis: { values: ns, format: "d", grid: true } };
  const color = { field: "method", type: "nominal", title: "Method", scale: colours, legend: { symbolOpacity: 1 } };
  const layers: Record<string, unknown>[] = [
    { mark: { type: "area", opacity: 0.16 }, encoding: { x, y: { field: "lo", type: "quantitative", title: metric, scale: { zero: false, nice: false, padding: 10 } }, y2: { field: "hi" }, color } },
    { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: { field: "mean", type: "quantitative" }, color } },
    { mark: { type: "point", filled: true, size: 40 }, encoding: { x, y: { field: "mean", type: "quantitative" }, color, shape: { field: "method", type: "nominal", title: "Method", scale: { domain: colours.domain, range: colours.domain.map((_, i) => SHAPES[i % SHAPES.length]) } } } },
  ];
  if (input.reference) {
    checkFinite("reference", [input.reference.value]);
    layers.push(
      { data: { values: [input.reference] }, mark: { type: "rule", strokeDash: [5, 4], color: "#555555" }, encoding: { y: { field: "value", type: "quantitative" } } },
      { data: { values: [{ ...input.reference, n: ns[0] }] }, mark: { type: "text", align: "left", dx: 4, dy: -7, fontSize: 11, color: "#555555" }, encoding: { x, y: { field: "value", type: "quantitative" }, text: { field: "label" } } },
    );
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(input.title ?? "Label efficiency", input.subtitle ?? `Mean over seeds; bands: ${input.bandLabel ?? "95 % CI"}. Transfer pays where its curve is above the from-scratch curve.`),
    width: 460, height: 300,
    data: { values: points },
    layer: layers,
  };
}

/** Per-feature shift (e.g. KS statistic or Wasserstein-1), largest first; significant ones highlighted. */
export function featureShiftBars(input: {
  features: readonly { feature: string; value: number; lo?: number; hi?: number; significant?: boolean }[];
  measure: string; top?: number; title?: string; subtitle?: string;
}): VlSpec {
  const all = nonEmpty("features", input.features);
  checkFinite("features", all.flatMap((f) => [f.value, ...(f.lo === undefined ? [] : [f.lo]), ...(f.hi === undefined ? [] : [f.hi])]));
  const top = input.top ?? 20;
  const shown = [...all].sort((a, b) => b.value - a.value).slice(0, top);
  const hasSig = shown.some((f) => f.significant !== undefined);
  const hasCi = shown.some((f) => f.lo !== undefined && f.hi !== undefined);
  const y = { field: "feature", type: "nominal", sort: shown.map((f) => f.feature), title: null };
  const layers: Record<string, unknown>[] = [{
    mark: { type: "bar" },
    encoding: {
      y, x: { field: "value", type: "quantitative", title: input.measure },
      color: hasSig
        ? { field: "shift", type: "nominal", title: null, scale: { domain: ["significant", "not significant"], range: [PALETTE[1], BASELINE_GREYS[2]] } }
        : { value: PALETTE[0] },
    },
  }];
  if (hasCi) layers.push({ mark: { type: "errorbar", ticks: true, color: "#1a1a1a" }, encoding: { y, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(input.title ?? "Per-feature shift", input.subtitle ?? (all.length > shown.length ? `Top ${shown.length} of ${all.length} features` : `${all.length} features`)),
    width: 380, height: { step: 20 },
    data: { values: shown.map((f) => ({ ...f, shift: f.significant ? "significant" : "not significant" })) },
    layer: layers,
  };
}
