// The command registry: one line per command.
import type { Command } from "commander";
import { register as demo } from "./demo.js";
import { register as info } from "./info.js";

export const commands: Array<(program: Command) => void> = [demo, info];
