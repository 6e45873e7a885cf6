import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("demo")
    .description("run the reference experiment (rotated Gaussians: from scratch, direct transfer, MMD transfer)")
    .action(() => {
      process.stdout.write(
        "transferlab demo: the reference experiment is being built. It will train an RBF SVM from scratch on 50 target\n" +
          "labels, an RBF SVM on the source applied directly, and an MLP with MMD alignment plus fine-tuning, then write\n" +
          "figures, results.json and report.html to out/demo/.\n",
      );
    });
}
