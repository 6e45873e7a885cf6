// `transferlab methods`: every registered method with its family, parameters (with defaults) and paper.
import type { Command } from "commander";
import { addOptions, parseOptions } from "../options.js";
import { listMethods } from "../../adapt/index.js";
import { ESTIMATORS } from "../../estimators/index.js";

export function register(program: Command): void {
  const cmd = program
    .command("methods")
    .description("list every adaptation method: family, parameters with defaults, the paper it follows");
  addOptions(cmd, ["json"], { help: { json: "print one JSON document" } });
  cmd.action((_: unknown, c: Command) => {
      const opts = parseOptions(c, ["json"]);
      const methods = listMethods().map((m) => ({
        name: m.name, family: m.family, needs: m.needs, description: m.description, reference: m.reference, params: m.paramDocs,
      }));
      const estimators = Object.values(ESTIMATORS).map((e) => ({ name: e.name, description: e.description, sampleWeights: e.sampleWeights }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ methods, estimators }, null, 2)}\n`);
        return;
      }
      const out: string[] = [];
      let family = "";
      for (const m of methods) {
        if (m.family !== family) { family = m.family; out.push("", `${family.toUpperCase()}`); }
        const needs = m.needs === "labelled" ? " [needs target labels]" : m.needs === "oracle" ? " [ORACLE: reads all target labels; only when asked]" : "";
        out.push(`  ${m.name}${needs}`, `    ${m.description}`, `    paper: ${m.reference}`);
        for (const p of m.params) out.push(`    --param ${m.name}.${p.name}=<v>  (default ${JSON.stringify(p.default)})  ${p.doc}`);
      }
      out.push("", "ESTIMATORS (--estimator)");
      for (const e of estimators) out.push(`  ${e.name.padEnd(7)} ${e.description}; sample weights: ${e.sampleWeights}`);
      process.stdout.write(`${out.join("\n").trimStart()}\n`);
    });
}
