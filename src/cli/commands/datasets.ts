// `transferlab datasets list | show NAME | export NAME --format csv|npy|npz|parquet`: the bundled datasets, pairs
// and generators, offline.
import type { Command } from "commander";
import { join } from "node:path";
import type { Domain } from "../../core/domain.js";
import {
  encodeGrayPng, imageStrip, featureMean, summarizeDomain, DATASETS, PAIRS, generators, datasetInfo,
  parsePairName, parseGeneratorSpec, resolveDomainPair, writeDomain, isDataFileName, loadDomain, type DomainPair, type LoadOptions,
} from "../../data/index.js";
import { summarizeShift } from "../../metrics/index.js";
import { checkOutputPath, writeFileAtomic } from "../../core/atomic.js";
import { addOptions, parseOptions } from "../options.js";
import { loadOptionsOf } from "../data-options.js";

const slug = (s: string) => s.replace(/→/g, "-").replace(/[^A-Za-z0-9._=-]+/g, "_").replace(/_+$/, "");

function isSingle(name: string): boolean {
  return DATASETS.some((d) => d.name === name.trim().toLowerCase()) && !parsePairName(name);
}

const SHADES = " .:-=+*#%@";
function ascii(img: Float64Array, h: number, w: number, max: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < h; r++) {
    let line = "";
    for (let c = 0; c < w; c++) line += SHADES[Math.min(SHADES.length - 1, Math.floor((img[r * w + c]! / (max || 1)) * SHADES.length))]!.repeat(2);
    out.push(line);
  }
  return out;
}

function countsLine(d: Domain): string {
  const s = summarizeDomain(d);
  return Object.entries(s.classCounts).map(([k, v]) => `${k}:${v}`).join(" ");
}

function writeMeanPng(path: string, means: Float64Array[], shape: [number, number]): void {
  const max = Math.max(...means.map((m) => Math.max(...m)));
  const zoom = Math.max(1, Math.round(96 / shape[0]));
  const strip = imageStrip(means, shape[0], shape[1], max, zoom);
  writeFileAtomic(path, encodeGrayPng(strip.width, strip.height, strip.pixels));
}

async function showPair(p: DomainPair, opts: { png?: string; json?: boolean }): Promise<void> {
  const ss = summarizeDomain(p.source);
  const st = summarizeDomain(p.target);
  const shift = summarizeShift(p);
  let png: string | undefined;
  const ms = featureMean(p.source);
  const mt = featureMean(p.target);
  if (p.imageShape) {
    png = opts.png ?? join("out", "datasets", `${slug(p.name)}-mean.png`);
    const diff = ms.map((v, j) => Math.abs(v - mt[j]!));
    writeMeanPng(png, [ms, mt, diff], p.imageShape);
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ name: p.name, kind: p.kind, scaling: p.scaling, source: ss, target: st, shift, meanImagePng: png, notes: p.notes }, null, 2)}\n`);
    return;
  }
  const lines = [
    `${p.name}  (${p.kind})`,
    ...p.notes.map((n) => `  ${n}`),
    "",
    `  source ${p.source.name}: ${ss.rows} rows × ${ss.features} features, values ${ss.min.toFixed(3)}…${ss.max.toFixed(3)}, mean ${ss.mean.toFixed(3)}, zeros ${(100 * ss.zeroFraction).toFixed(1)}%`,
    `    classes ${countsLine(p.source)}`,
    `  target ${p.target.name}: ${st.rows} rows × ${st.features} features, values ${st.min.toFixed(3)}…${st.max.toFixed(3)}, mean ${st.mean.toFixed(3)}, zeros ${(100 * st.zeroFraction).toFixed(1)}%`,
    `    classes ${countsLine(p.target)}`,
    "",
    "  first look at the shift:",
    `    mean shift ‖μS − μT‖ / spread = ${shift.meanShift.toFixed(3)}   linear MMD² = ${shift.linearMmd2.toPrecision(4)}`,
    `    covariance shift ‖CS − CT‖F / ‖CS‖F = ${shift.covarianceShift.toFixed(3)}   label-proportion TV = ${shift.labelShiftTV.toFixed(3)}`,
  ];
  if (p.imageShape && p.imageShape[1] <= 16) {
    const max = Math.max(...ms, ...mt);
    const a = ascii(ms, p.imageShape[0], p.imageShape[1], max);
    const b = ascii(mt, p.imageShape[0], p.imageShape[1], max);
    const w = 2 * p.imageShape[1];
    lines.push("", `    ${"source mean".padEnd(w)}   target mean`, ...a.map((l, r) => `    ${l}   ${b[r]}`));
  } else if (!p.imageShape && ms.length <= 10) {
    lines.push(`    source mean (${Array.from(ms, (v) => v.toFixed(2)).join(", ")})   target mean (${Array.from(mt, (v) => v.toFixed(2)).join(", ")})`);
  }
  if (png) lines.push("", `  mean images (source | target | |difference|): ${png}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function showSingle(name: string, opts: { png?: string; json?: boolean }): Promise<void> {
  const info = datasetInfo(name);
  const d = await info.load();
  const s = summarizeDomain(d);
  let png: string | undefined;
  if (info.imageShape) {
    png = opts.png ?? join("out", "datasets", `${slug(info.name)}-mean.png`);
    writeMeanPng(png, [featureMean(d)], info.imageShape);
  }
  const { load: _load, ...meta } = info;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...meta, summary: s, meanImagePng: png }, null, 2)}\n`);
    return;
  }
  process.stdout.write([
    `${info.name}: ${info.description}`,
    `  ${s.rows} rows × ${s.features} features, values ${s.min}…${s.max}, ${Object.keys(s.classCounts).length} classes`,
    `  classes ${countsLine(d)}`,
    `  source: ${info.source}`,
    `  licence: ${info.licence}`,
    ...(png ? [`  mean image: ${png}`] : []),
  ].join("\n") + "\n");
}

function isFile(name: string): boolean {
  return !parsePairName(name) && isDataFileName(name);
}

/** One of the user's files: what loading it found (rows, features, classes, dropped/imputed cells). */
async function showFile(path: string, opts: { json?: boolean }, load: LoadOptions): Promise<void> {
  const d = await loadDomain(path, load);
  const s = summarizeDomain(d);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ report: d.report, featureNames: d.featureNames, summary: s }, null, 2)}\n`);
    return;
  }
  const names = d.featureNames ?? [];
  process.stdout.write([
    `${path} (${d.report.format}): ${s.rows} rows × ${s.features} features, values ${s.min}…${s.max}`,
    `  features: ${names.slice(0, 12).join(", ")}${names.length > 12 ? `, … (${names.length})` : ""}`,
    d.y ? `  classes ${countsLine(d)}` : "  no label column (pass --label)",
    ...(d.report.droppedRows || d.report.imputedCells ? [`  missing values: ${d.report.droppedRows} rows dropped, ${d.report.imputedCells} cells imputed`] : []),
  ].join("\n") + "\n");
}

/** The file stem an export writes: the whole spec (generator parameters sorted, and the seed for generators), so two
 * different specs never share a file name. */
export function exportStem(spec: string, seed: number): string {
  const sides = parsePairName(spec);
  if (sides || isDataFileName(spec)) return slug(spec);
  const [name, params] = parseGeneratorSpec(spec);
  const keys = Object.keys(params).sort();
  return slug([name, ...keys.map((k) => `${k}=${Array.isArray(params[k]) ? (params[k] as number[]).join("_") : String(params[k])}`), `seed=${seed}`].join("-"));
}

const SHOW_OPTS = ["png", "seed", "label", "features", "missing", "missingToken", "header", "encoding", "json"] as const;
const EXPORT_OPTS = ["format", "out", "seed"] as const;

export function register(program: Command): void {
  const ds = program.command("datasets").description("bundled datasets, ready-made pairs and shift generators (offline)");
  addOptions(ds.command("list").description("list datasets, pairs and generators"), ["json"], { help: { json: "print one JSON document" } })
    .action((_: unknown, c: Command) => {
      const opts = parseOptions(c, ["json"]);
      if (opts.json) {
        const list = { datasets: DATASETS.map(({ load: _l, ...m }) => m), pairs: PAIRS, generators: Object.entries(generators).map(([name, g]) => ({ name, description: g.description, params: g.params })) };
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const lines = ["datasets:", ...DATASETS.map((d) => `  ${d.name.padEnd(16)} ${String(d.rows).padStart(6)} × ${String(d.features).padEnd(4)} ${d.description}  [${d.licence}]`),
        "", "pairs (source→target; ASCII: source-target):", ...PAIRS.map((p) => `  ${p.name.padEnd(16)} ${p.description}`),
        "", "generators (seeded; parameters as NAME?key=value&key=value):", ...Object.entries(generators).map(([n, g]) => `  ${n.padEnd(16)} ${g.description}`)];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
  const show = ds.command("show")
    .description("sizes, class counts and a first look at the shift; writes the per-domain mean image as a PNG for image data")
    .argument("<name>", "dataset, pair (mnist→optdigits, mnist-optdigits), generator spec (moons?angle=45), a file, or two files a.csv→b.csv");
  addOptions(show, SHOW_OPTS, { defaults: { seed: "0" }, help: { seed: "seed for generators", json: "print one JSON document" } });
  show.action(async (name: string, _: unknown, c: Command) => {
    const opts = parseOptions(c, SHOW_OPTS);
    if (opts.png !== undefined) checkOutputPath(opts.png);
    if (isSingle(name)) return showSingle(name, opts);
    if (isFile(name)) return showFile(name, opts, loadOptionsOf(opts));
    await showPair(await resolveDomainPair(name, { seed: opts.seed!, scaling: "none", load: loadOptionsOf(opts) }), opts);
  });
  const exp = ds.command("export")
    .description("write a dataset (or both sides of a pair) to files")
    .argument("<name>", "dataset, pair or generator spec");
  addOptions(exp, EXPORT_OPTS, {
    required: ["format"],
    defaults: { seed: "0" },
    help: { out: "output file (dataset) or folder (pair); default out/datasets/ with names that encode the whole spec and seed", seed: "seed for generators" },
  });
  exp.action(async (name: string, _: unknown, c: Command) => {
    const opts = parseOptions(c, EXPORT_OPTS);
    const format = opts.format!;
    const written: string[] = [];
    if (isSingle(name)) {
      const info = datasetInfo(name);
      const path = opts.out ?? join("out", "datasets", `${info.name}.${format}`);
      checkOutputPath(path);
      writeDomain(path, await info.load(), format);
      written.push(path);
    } else {
      const dir = opts.out ?? join("out", "datasets");
      checkOutputPath(dir, { folder: true });
      const p = await resolveDomainPair(name, { seed: opts.seed!, scaling: "none" });
      const stem = exportStem(name, opts.seed!);
      for (const [side, d] of [["source", p.source], ["target", p.target]] as const) {
        const path = join(dir, `${stem}-${side}.${format}`);
        writeDomain(path, d, format);
        written.push(path);
      }
    }
    process.stdout.write(`${written.map((w) => `wrote ${w}`).join("\n")}\n`);
  });
}
