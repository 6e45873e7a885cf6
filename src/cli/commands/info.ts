// `transferlab info`: which kernel tier is active, which tiers exist on this machine, and why any is missing.
import type { Command } from "commander";
import { addOptions, parseOptions } from "../options.js";
import { forcedTier, kernels, tierStatus } from "../../engine/index.js";
import { activeSvmBackend, forcedSvmBackend, svmBackendStatus } from "../../estimators/index.js";

export function register(program: Command): void {
  const cmd = program
    .command("info")
    .description("show the active compute kernel tier (native, openblas, wasm, js) and SVM backend (native, wasm), the available ones and why any is missing");
  addOptions(cmd, ["json"], { help: { json: "print one JSON document" } });
  cmd.action((_: unknown, c: Command) => {
      const opts = parseOptions(c, ["json"]);
      const tiers = tierStatus();
      const forced = forcedTier() ?? null;
      const active = kernels().tier; // throws a typed error when TRANSFERLAB_KERNELS names a missing tier
      const svmBackends = svmBackendStatus();
      const svmForced = forcedSvmBackend() ?? null;
      const svm = { active: activeSvmBackend(), forced: svmForced, backends: svmBackends }; // throws when TRANSFERLAB_SVM names a missing backend
      const runtime = { node: process.versions.node, platform: process.platform, arch: process.arch };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ active, forced, tiers, svm, runtime }, null, 2)}\n`);
        return;
      }
      const out = [
        `active kernel tier: ${active}${forced ? " (forced by TRANSFERLAB_KERNELS)" : " (fastest available; set TRANSFERLAB_KERNELS=native|openblas|wasm|js to force one)"}`,
        "",
        "tiers:",
        ...tiers.map((t) => `  ${t.tier.padEnd(9)} ${t.available ? "available  " : "missing    "} ${t.detail}`),
        "",
        `active SVM backend: ${svm.active}${svmForced ? " (forced by TRANSFERLAB_SVM)" : " (native when available; set TRANSFERLAB_SVM=native|wasm to force one)"}`,
        ...svmBackends.map((b) => `  ${b.backend.padEnd(9)} ${b.available ? "available  " : "missing    "} ${b.detail}`),
        "",
        `runtime: Node ${runtime.node}, ${runtime.platform}/${runtime.arch}`,
      ];
      process.stdout.write(`${out.join("\n")}\n`);
    });
}
