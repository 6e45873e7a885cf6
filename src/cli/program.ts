// The transferlab program: every command registered on one commander program, and `runCli`, which runs one command
// line and returns its exit code (the entry point main.ts calls it; tests call it in-process).
import { Command } from "commander";
import { commands } from "./commands/index.js";
import { reportFailure } from "./errors.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("transferlab")
    .description("Transfer learning and domain adaptation: will transfer help, which method, did it really help?")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) });
  for (const register of commands) register(program);
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs `transferlab <args>` (args without the node and script names); resolves to the exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  process.exitCode = undefined; // a command sets it for a partial failure (sweep)
  try {
    await buildProgram().parseAsync(["node", "transferlab", ...args]);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return reportFailure(e);
  } finally {
    process.exitCode = undefined;
  }
}
