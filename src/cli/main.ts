#!/usr/bin/env node
// The transferlab command line: thin commands that parse arguments and call the library.
// Each command lives in ./commands/<name>.ts and exports `register(program)`.
import { Command } from "commander";
import { commands } from "./commands/index.js";
import { reportFailure } from "./errors.js";

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name("transferlab")
    .description("Transfer learning and domain adaptation: will transfer help, which method, did it really help?")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) });
  for (const register of commands) register(program);
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = reportFailure(e);
  }
}

await main(process.argv);
