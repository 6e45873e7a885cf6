// `npm run bench -- load-csv [--rows N] [--json] [--no-papa]`: loads an N × 32 CSV (+ label column) with the
// streaming loader (loadDomain) and, as the reference in the same run, with papaparse streaming into a
// Float32Array. Each runs in its own child process so peak RSS (getrusage maxrss) is its own.
// Target (issue 4): 1,000,000 × 32 in ≤ 3 s and ≤ 1 GB peak. `--gz` also times the same file gzip-compressed.
import { existsSync, statSync, createWriteStream, createReadStream } from "node:fs";
import { createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Rng } from "../src/core/rng.js";

const D = 32;

async function makeCsv(path: string, rows: number): Promise<void> {
  const rng = new Rng(42);
  const out = createWriteStream(path);
  const header = [...Array.from({ length: D }, (_, j) => `f${j + 1}`), "label"].join(",");
  out.write(`${header}\n`);
  let buf = "";
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < D; j++) cells.push(rng.normal().toFixed(6));
    cells.push(String(rng.int(10)));
    buf += `${cells.join(",")}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(r));
}

interface Run { ms: number; cpuMs: number; peakMB: number; rows: number; checksum: number }

function child(which: string, file: string): Run {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--import", "tsx", script, "--child", which, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${which} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
}

async function runChild(which: string, file: string): Promise<void> {
  const { loadDomain } = await import("../src/data/load.js");
  const Papa = (await import("papaparse")).default;
  const t0 = performance.now(); // after module loading: we time parsing only
  const cpu0 = process.cpuUsage();
  let rows = 0;
  let checksum = 0;
  if (which === "transferlab") {
    const d = await loadDomain(file, { label: "label" });
    rows = d.X.rows;
    for (let i = 0; i < d.X.data.length; i += 997) checksum += d.X.data[i]!;
  } else {
    const { createReadStream } = await import("node:fs");
    let X = new Float32Array(1024 * D);
    let y = new Int32Array(1024);
    await new Promise<void>((resolve, reject) => {
      Papa.parse(createReadStream(file) as any, {
        header: false,
        dynamicTyping: false,
        skipEmptyLines: true,
        step: (res: { data: string[] }) => {
          if (rows === -1) return;
          const row = res.data;
          if (row[0] === "f1") return; // header
          if ((rows + 1) * D > X.length) {
            const nx = new Float32Array(X.length * 2);
            nx.set(X);
            X = nx;
            const ny = new Int32Array(y.length * 2);
            ny.set(y);
            y = ny;
          }
          for (let j = 0; j < D; j++) X[rows * D + j] = Number(row[j]);
          y[rows] = Number(row[D]);
          rows++;
        },
        complete: () => resolve(),
        error: (e: Error) => reject(e),
      });
    });
    for (let i = 0; i < rows * D; i += 997) checksum += X[i]!;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, peakMB, rows, checksum })}\n`);
}

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const ri = args.indexOf("--rows");
  const rows = ri >= 0 ? Number(args[ri + 1]) : 1_000_000;
  const file = join(tmpdir(), `transferlab-bench-${rows}x${D}.csv`);
  if (!existsSync(file)) await makeCsv(file, rows);
  const mb = statSync(file).size / 1e6;
  const ours = child("transferlab", file);
  const papa = args.includes("--no-papa") ? undefined : child("papaparse", file);
  if (papa && (papa.rows !== ours.rows || Math.abs(papa.checksum - ours.checksum) > 1e-3 * Math.max(1, Math.abs(ours.checksum)))) {
    throw new Error(`parsers disagree: ${JSON.stringify({ ours, papa })}`);
  }
  let gz: Run | undefined;
  if (args.includes("--gz")) {
    const gzFile = `${file}.gz`;
    if (!existsSync(gzFile)) await pipeline(createReadStream(file), createGzip({ level: 1 }), createWriteStream(gzFile));
    gz = child("transferlab", gzFile);
  }
  const result = { gz, file, fileMB: mb, rows, cols: D, transferlab: ours, papaparse: papa, cpuSpeedupVsPapa: papa ? papa.cpuMs / ours.cpuMs : undefined, wallSpeedupVsPapa: papa ? papa.ms / ours.ms : undefined };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  console.log(`CSV ${rows} × ${D} + label, ${mb.toFixed(0)} MB (machine shared with other jobs: timings are noisy)`);
  console.log(`  transferlab loadDomain: ${(ours.ms / 1000).toFixed(2)} s wall, ${(ours.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${ours.peakMB.toFixed(0)} MB   (target ≤ 3 s, ≤ 1024 MB)`);
  if (gz) console.log(`  transferlab, .csv.gz:   ${(gz.ms / 1000).toFixed(2)} s wall, ${(gz.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${gz.peakMB.toFixed(0)} MB`);
  if (papa) {
    console.log(`  papaparse (reference):  ${(papa.ms / 1000).toFixed(2)} s wall, ${(papa.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${papa.peakMB.toFixed(0)} MB`);
    console.log(`  ratio vs papaparse: ${(papa.cpuMs / ours.cpuMs).toFixed(2)}× faster in CPU time, ${(papa.ms / ours.ms).toFixed(2)}× in wall time, ${(ours.peakMB / papa.peakMB).toFixed(2)}× its peak memory`);
    console.log("  (wall time includes waiting for a core; when the machine is oversubscribed, CPU time is the comparable number)");
  }
}

if (process.argv[2] === "--child") await runChild(process.argv[3]!, process.argv[4]!);
