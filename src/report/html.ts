// One self-contained HTML page from plain sections: inline CSS, figures as data URIs, no scripts and a
// Content-Security-Policy that forbids every network request, so the report works offline forever.
import { writeFileAtomic } from "../core/atomic.js";
import { TransferLabError } from "../core/errors.js";
import type { RenderedFigure } from "./render.js";

export type Tone = "positive" | "negative" | "neutral" | "warning";

export interface ReportPage {
  title: string;
  subtitle?: string;
  verdict?: { tone: Tone; headline?: string; text: string };
  sections: ReportSection[];
  footer?: string;
}

export interface ReportSection {
  id?: string;
  heading: string;
  blocks: ReportBlock[];
}

export type Cell = string | number | null;

export type ReportBlock =
  | { kind: "text"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "keyValues"; caption?: string; entries: [string, Cell][] }
  | { kind: "table"; caption?: string; columns: string[]; rows: Cell[][]; align?: ("left" | "right")[]; note?: string }
  | { kind: "figure"; figure: Pick<RenderedFigure, "name" | "svg" | "png" | "width" | "height">; caption: string; alt?: string; embed?: "svg" | "png" };

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** Numbers with up to 4 significant digits (integers as they are); null as an em dash. */
export function formatCell(v: Cell): string {
  if (v === null) return "—";
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  return String(Number(v.toPrecision(4)));
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "section";
}

export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #5b5b5b; --rule: #dedede; --band: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink); font: 16px/1.55 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 1.9rem; margin: 0 0 4px; line-height: 1.2; }
.subtitle { color: var(--muted); margin: 0 0 20px; }
h2 { font-size: 1.3rem; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
nav { font-size: .92rem; color: var(--muted); margin: 0 0 8px; }
nav a { color: inherit; margin-right: 14px; }
.verdict { border-left: 6px solid; padding: 14px 18px; margin: 16px 0 8px; background: var(--band); border-radius: 4px; }
.verdict .headline { font-weight: bold; display: block; margin-bottom: 4px; }
.verdict.positive { border-color: #009E73; } .verdict.negative { border-color: #D55E00; }
.verdict.neutral { border-color: #0072B2; } .verdict.warning { border-color: #E69F00; }
table { border-collapse: collapse; margin: 12px 0 18px; font-size: .93rem; }
caption { text-align: left; font-weight: bold; padding: 0 0 6px; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 2px solid #9a9a9a; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { text-align: left; font-weight: normal; color: var(--muted); }
.note { color: var(--muted); font-size: .88rem; margin-top: -10px; }
figure { margin: 18px 0 26px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: var(--muted); font-size: .92rem; margin-top: 6px; max-width: 80ch; }
footer { margin-top: 40px; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--rule); padding-top: 10px; }
`;

const FIGURE_ZOOM = 1.35;

function base64(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64");
}

function tableHtml(b: Extract<ReportBlock, { kind: "table" }>): string {
  const numeric = b.columns.map((_, c) => b.rows.length > 0 && b.rows.every((r) => typeof r[c] === "number" || r[c] === null));
  const align = b.columns.map((_, c) => b.align?.[c] ?? (numeric[c] ? "right" : "left"));
  const cls = (c: number): string => (align[c] === "right" ? ' class="num"' : "");
  for (const [i, r] of b.rows.entries()) {
    if (r.length !== b.columns.length) {
      throw new TransferLabError("SHAPE_MISMATCH", `table row ${i + 1} has ${r.length} cells but there are ${b.columns.length} columns`, { row: i + 1, param: b.caption ?? "table" });
    }
  }
  const head = `<thead><tr>${b.columns.map((c, i) => `<th${cls(i)} scope="col">${escapeHtml(c)}</th>`).join("")}</tr></thead>`;
  const body = `<tbody>${b.rows.map((r) => `<tr>${r.map((v, i) => `<td${cls(i)}>${escapeHtml(formatCell(v))}</td>`).join("")}</tr>`).join("")}</tbody>`;
  const caption = b.caption ? `<caption>${escapeHtml(b.caption)}</caption>` : "";
  return `<table>${caption}${head}${body}</table>${b.note ? `<p class="note">${escapeHtml(b.note)}</p>` : ""}`;
}

function figureHtml(b: Extract<ReportBlock, { kind: "figure" }>): string {
  const f = b.figure;
  const src = (b.embed ?? "png") === "svg" ? `data:image/svg+xml;base64,${base64(f.svg)}` : `data:image/png;base64,${base64(f.png)}`;
  const alt = escapeHtml(b.alt ?? b.caption);
  // Shown a little larger than the SVG's CSS size so figure text matches the page's 16 px body text;
  // the PNG has 2× pixels, so it stays sharp. max-width: 100% shrinks it on narrow screens.
  const size = f.width > 0 && f.height > 0 ? ` width="${Math.round(f.width * FIGURE_ZOOM)}" height="${Math.round(f.height * FIGURE_ZOOM)}"` : "";
  return `<figure id="fig-${escapeHtml(slug(f.name))}"><img src="${src}" alt="${alt}"${size}><figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
}

function blockHtml(b: ReportBlock): string {
  switch (b.kind) {
    case "text": return `<p>${escapeHtml(b.text)}</p>`;
    case "list": return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
    case "keyValues": {
      const caption = b.caption ? `<caption>${escapeHtml(b.caption)}</caption>` : "";
      return `<table class="kv">${caption}<tbody>${b.entries.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(formatCell(v))}</td></tr>`).join("")}</tbody></table>`;
    }
    case "table": return tableHtml(b);
    case "figure": return figureHtml(b);
    default: {
      const never: never = b;
      throw new TransferLabError("INVALID_PARAMETER", `unknown report block kind '${(never as { kind: string }).kind}'`, { param: "blocks" });
    }
  }
}

/** One <section> (heading + blocks); for pages assembled elsewhere. */
export function renderSectionHtml(section: ReportSection): string {
  const id = escapeHtml(section.id ?? slug(section.heading));
  return `<section id="${id}"><h2>${escapeHtml(section.heading)}</h2>\n${section.blocks.map(blockHtml).join("\n")}\n</section>`;
}

/** The whole self-contained page. */
export function buildReportHtml(page: ReportPage): string {
  const v = page.verdict;
  const verdict = v
    ? `<div class="verdict ${v.tone}" role="note">${v.headline ? `<span class="headline">${escapeHtml(v.headline)}</span>` : ""}${escapeHtml(v.text)}</div>`
    : "";
  const nav = page.sections.length > 1
    ? `<nav>${page.sections.map((s) => `<a href="#${escapeHtml(s.id ?? slug(s.heading))}">${escapeHtml(s.heading)}</a>`).join("")}</nav>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(page.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
${page.subtitle ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : ""}
${nav}
${verdict}
${page.sections.map(renderSectionHtml).join("\n")}
${page.footer ? `<footer>${escapeHtml(page.footer)}</footer>` : ""}
</main>
</body>
</html>
`;
}

/** Build the page and write it atomically. */
export function writeReportHtml(path: string, page: ReportPage): string {
  const html = buildReportHtml(page);
  writeFileAtomic(path, html);
  return html;
}
