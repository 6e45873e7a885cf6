// `npm run bench -- assess-memory [--rows 300] [--features 10000] [--budget-mb 200]`: assess on two random labelled
// domains of rows × features under a memory budget; prints the process's peak resident memory (getrusage maxRSS:
// a timer cannot sample RSS while assess computes synchronously) at start (the runtime and loaded modules), after
// making the data, and at the end, so the growth during assess can be read against the budget. Issue 13: 300 ×
// 10,000 under 200 MB reached 2.1 GB (the d×d covariances were not counted), then 542 MB maxRSS.
import { assess } from "../src/experiment/assess.js";
import { Matrix } from "../src/core/matrix.js";
import { Rng } from "../src/core/rng.js";

export default async function (args: string[]): Promise<void> {
  const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return Number(i >= 0 ? args[i + 1]! : dflt); };
  const n = opt("rows", "300"), d = opt("features", "10000"), budgetMb = opt("budget-mb", "200");
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  const atStart = maxRss();
  const rng = new Rng(1);
  const domain = (name: string, shift: number) => {
    const X = new Matrix(n, d);
    for (let k = 0; k < n * d; k++) X.data[k] = rng.normal() + shift;
    return { name, X, y: Int32Array.from({ length: n }, (_, i) => i % 3) };
  };
  const source = domain("source", 0), target = domain("target", 0.3);
  const before = Math.max(maxRss(), process.memoryUsage().rss);
  const c0 = process.cpuUsage(), t0 = performance.now();
  const r = await assess(source, target, { memoryBudget: budgetMb * 2 ** 20, targetLabelsPerClass: 20, permutations: 100 });
  const peak = maxRss();
  const cpu = process.cpuUsage(c0);
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
  console.log(`assess ${n} × ${d} (both domains), budget ${budgetMb} MB: peak RSS ${mb(peak)} (getrusage maxRSS); at start ${mb(atStart)}, with the data ${mb(before)}; growth during assess ${mb(peak - before)} (${peak - before <= budgetMb * 2 ** 20 ? "within" : "ABOVE"} the budget); ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
  console.log(`mode ${r.scale.mode}; verdict ${r.verdict.level}; CORAL ${r.coral.value.toExponential(3)}; transferability ${r.transferability ? "computed" : "skipped"}`);
  for (const note of [...r.scale.notes, ...r.notes]) console.log(`  note: ${note}`);
}
