// The command registry: one line per command.
import type { Command } from "commander";
import { register as demo } from "./demo.js";
import { register as methods } from "./methods.js";
import { register as evaluate } from "./evaluate.js";
import { register as info } from "./info.js";
import { register as assess } from "./assess.js";
import { register as datasets } from "./datasets.js";
import { register as fit } from "./fit.js";
import { register as curve } from "./curve.js";
import { register as select } from "./select.js";
import { register as sweep } from "./sweep.js";
import { register as worker } from "./worker.js";

export const commands: Array<(program: Command) => void> = [demo, methods, evaluate, info, assess, datasets, fit, curve, select, sweep, worker];
