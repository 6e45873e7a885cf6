#!/usr/bin/env node
// The transferlab command line: thin commands that parse arguments and call the library.
// Each command lives in ./commands/<name>.ts and exports `register(program)`; ./program.ts puts them together.
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv.slice(2));
