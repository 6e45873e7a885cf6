// A TypeScript project that uses transferlab as an installed dependency: scripts/check-package.mjs copies this
// folder next to an `npm install`ed tarball and type-checks it with --strict and without @types/node, so the
// published declarations must not need Node's types (Buffer, NodeJS.*) or any file the package does not ship.
import { evaluate, formatEvaluation, generators, Rng, methodNames, type EvaluateResult } from "transferlab";

const pair = generators.moons!.make({ n: 200, angle: 30 }, new Rng(1));
const result: EvaluateResult = await evaluate(pair, {
  methods: ["coral", "kmm"],
  estimator: "logreg",
  targetLabelsPerClass: 5,
  seeds: 2,
  scale: "standard",
  protocol: "transductive",
});
const names: readonly string[] = methodNames();
console.log(formatEvaluation(result), names.length);
