// A TypeScript project that uses transferlab as an installed dependency: scripts/check-package.mjs copies this
// folder next to an `npm install`ed tarball and type-checks it with --strict and without @types/node, so the
// published declarations must not need Node's types (Buffer, NodeJS.*) or any file the package does not ship.
import { evaluate, formatEvaluation, generators, Rng, methodNames, EVALUATE_DEFAULTS, type EvaluateResult, type MethodName } from "transferlab";
import { tensor, type Tensor } from "transferlab/engine";
import { coral } from "transferlab/methods";
import { evaluate as evaluateInPage, setFitWorkerFactory, parseCsvText } from "transferlab/browser";

const pair = generators.moons!.make({ n: 200, angle: 30 }, new Rng(1));
// Every option has the CLI's default; method names are the registered ones.
const quick: EvaluateResult = await evaluate(pair);
const chosen: MethodName[] = ["coral", "kmm"];
const result = await evaluate(pair, { methods: chosen, estimator: "logreg", seeds: 2 });
// @ts-expect-error a misspelt method is a compile-time error
await evaluate(pair, { methods: ["corall"] });
const names: readonly MethodName[] = methodNames();
const t: Tensor = tensor([1, 2, 3, 4], [2, 2]);
setFitWorkerFactory(() => new Worker(new URL("transferlab/browser-worker", import.meta.url), { type: "module" }));
const inPage = await evaluateInPage(pair, { methods: ["coral"], jobs: 2 });
console.log(parseCsvText("a,y\n1,0\n").n, inPage.methods.length);
console.log(formatEvaluation(result), quick.methods.length, names.length, EVALUATE_DEFAULTS.seeds, coral.name, t);
