// `transferlab info`: which kernel tier is active, which tiers exist on this machine, and why any is missing.
import type { Command } from "commander";
import { forcedTier, kernels, tierStatus } from "../../engine/kernels/index.js";

export function register(program: Command): void {
  program
    .command("info")
    .description("show the active compute kernel tier (native, openblas, wasm, js), the available ones and why any is missing")
    .option("--json", "print one JSON document")
    .action((opts: { json?: boolean }) => {
      const tiers = tierStatus();
      const forced = forcedTier() ?? null;
      const active = kernels().tier; // throws a typed error when TRANSFERLAB_KERNELS names a missing tier
      const runtime = { node: process.versions.node, platform: process.platform, arch: process.arch };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ active, forced, tiers, runtime }, null, 2)}\n`);
        return;
      }
      const out = [
        `active kernel tier: ${active}${forced ? " (forced by TRANSFERLAB_KERNELS)" : " (fastest available; set TRANSFERLAB_KERNELS=native|openblas|wasm|js to force one)"}`,
        "",
        "tiers:",
        ...tiers.map((t) => `  ${t.tier.padEnd(9)} ${t.available ? "available  " : "missing    "} ${t.detail}`),
        "",
        `runtime: Node ${runtime.node}, ${runtime.platform}/${runtime.arch}`,
      ];
      process.stdout.write(`${out.join("\n")}\n`);
    });
}
