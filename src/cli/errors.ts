// One readable line on stderr and a non-zero exit code for every failure a user can cause.
import { CommanderError } from "commander";
import { TransferLabError } from "../core/errors.js";

export function reportFailure(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error).
    return e.exitCode;
  }
  if (e instanceof TransferLabError) {
    process.stderr.write(`transferlab: error [${e.code}]: ${e.message}\n`);
    return 2;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`transferlab: internal error: ${msg}\n`);
  if (process.env.TRANSFERLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return 1;
}
