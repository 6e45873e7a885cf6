// Runs `transferlab <args>` in this process (no process start per case: fast enough for fuzzing), capturing what
// it writes to stdout and stderr and its exit code.
import { runCli } from "../../src/cli/program.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let busy = false;

export async function cli(...args: string[]): Promise<CliRun> {
  if (busy) throw new Error("cli(): one in-process run at a time (they share process.stdout)");
  busy = true;
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  // Commands write strings; the test runner's own (binary) reports pass through.
  const capture = (orig: typeof out, add: (s: string) => void) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== "string") return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    add(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture(out, (s) => (stdout += s));
  process.stderr.write = capture(err, (s) => (stderr += s));
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    busy = false;
  }
}
