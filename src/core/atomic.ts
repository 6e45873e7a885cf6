// Atomic output: write to a temporary file in the same folder, then rename over the target,
// so an interrupted run never leaves a half-written file where a finished one should be.
import { mkdirSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join, basename } from "node:path";

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** A results table as CSV (header + rows; cells quoted when needed), written atomically. */
export function writeCsvAtomic(path: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): void {
  const cell = (v: string | number | boolean | null | undefined): string => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header.map(cell).join(","), ...rows.map((r) => r.map(cell).join(","))];
  writeFileAtomic(path, `${lines.join("\n")}\n`);
}
