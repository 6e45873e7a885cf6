// One readable line on stderr and a non-zero exit code for every failure a user can cause.
import { CommanderError } from "commander";
import { TransferLabError } from "../core/errors.js";

export function reportFailure(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error).
    return e.exitCode;
  }
  if (e instanceof TransferLabError) {
    process.stderr.write(`transferlab: error [${e.code}]: ${oneLine(e.message)}\n`);
    return 2;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`transferlab: internal error: ${oneLine(msg)}\n`);
  if (process.env.TRANSFERLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return 1;
}

/** Control characters from a file (a CR in a header name, a NUL) shown escaped, so the message stays one line and
 * cannot overwrite the terminal line it is on. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}
