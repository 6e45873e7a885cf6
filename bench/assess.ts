// Benchmark of `assess`: (A) exact MMD² with a 500-permutation test on 4,000 × 256 per domain, reusing one
// pooled kernel matrix; (B) the whole assess on 1,000,000 × 64 per domain, where the 2 GB budget forces the
// linear-time / random-feature path. Targets: A ≤ 5 s, B ≤ 20 s. Ratios are against references measured in
// the same run: A against the naive permutation test (recompute the statistic from the data for every
// permutation; timed on a few permutations and extrapolated), B against one pass over the data.
// `npm run bench -- assess [--json] [--quick]` (--quick: 1/4 of the sizes, for a smoke run).
import { Matrix } from "../src/core/matrix.js";
import { Rng } from "../src/core/rng.js";
import { kernels } from "../src/engine/kernels/index.js";
import { mmdPermutationTest, mmdExact, medianBandwidth, mixtureKernel } from "../src/metrics/mmd.js";
import { assess } from "../src/experiment/assess.js";

function gaussianPair(n: number, d: number, seed: number): [Matrix, Matrix] {
  const rng = new Rng(seed);
  const X = new Matrix(n, d), Y = new Matrix(n, d);
  for (let i = 0; i < n * d; i++) X.data[i] = rng.normal();
  // Target: a small mean shift and a rescaled first feature.
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Y.data[i * d + j] = rng.normal() * (j === 0 ? 1.3 : 1) + (j < 4 ? 0.1 : 0);
  return [X, Y];
}

const now = () => performance.now() / 1000;
/** Process CPU seconds (all threads): less sensitive than wall time to other jobs on a shared machine. */
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

export default async function (args: string[]): Promise<void> {
  const json = args.includes("--json");
  const quick = args.includes("--quick");
  const out: Record<string, unknown> = { tier: kernels().tier, quick };
  const log = (s: string) => { if (!json) console.log(s); };
  log(`kernel tier: ${kernels().tier}${quick ? " (quick sizes)" : ""}; the machine may be shared, so times are noisy`);

  // (A) exact permutation test
  {
    const n = quick ? 1000 : 4000, d = quick ? 64 : 256, P = 500;
    const [X, Y] = gaussianPair(n, d, 1);
    const rng = new Rng(2);
    const k = mixtureKernel(medianBandwidth(X, Y, rng));
    let t = now();
    let c = cpu();
    const r = mmdPermutationTest(X, Y, k, { permutations: P, rng });
    const tPerm = now() - t;
    const cPerm = cpu() - c;
    // Naive reference: a fresh statistic from the data for each permutation (blocked distances, no reuse).
    const Z = Matrix.vstack([X, Y]);
    const reps = 2;
    t = now();
    for (let q = 0; q < reps; q++) {
      const perm = rng.permutation(2 * n);
      mmdExact(Z.takeRows(perm.subarray(0, n)), Z.takeRows(perm.subarray(n)), [k]);
    }
    const tNaive = ((now() - t) / reps) * (P + 1);
    t = now();
    c = cpu();
    const phasesA: string[] = [];
    let lastC = cpu();
    const rep = await assess({ name: "source", X }, { name: "target", X: Y }, {
      seed: 1, permutations: P,
      progress: (_f, msg) => { const w = cpu(); phasesA.push(`${(w - lastC).toFixed(2)}s CPU → ${msg}`); lastC = w; },
    });
    const tAssess = now() - t;
    const cAssess = cpu() - c;
    log(`A  ${n}×${d} per domain, ${P} permutations: permutation test ${tPerm.toFixed(2)} s wall / ${cPerm.toFixed(2)} s CPU (target ≤ 5 s; p = ${r.pValue.toFixed(4)}), naive ${tNaive.toFixed(1)} s (extrapolated) → ${(tNaive / tPerm).toFixed(1)}× faster; whole assess ${tAssess.toFixed(2)} s wall / ${cAssess.toFixed(2)} s CPU (${rep.scale.mode})`);
    log(`   phases: ${phasesA.join(" | ")}`);
    out.exact = { n, d, permutations: P, permutationTestSeconds: tPerm, permutationTestCpuSeconds: cPerm, assessCpuSeconds: cAssess, naiveSeconds: tNaive, speedup: tNaive / tPerm, assessSeconds: tAssess, pValue: r.pValue };
  }

  // (B) scalable path
  {
    const n = quick ? 250_000 : 1_000_000, d = 64;
    const [X, Y] = gaussianPair(n, d, 3);
    let t = now();
    const mean = new Float64Array(d);
    for (const M of [X, Y]) for (let i = 0; i < M.data.length; i++) mean[i % d]! += M.data[i]!;
    const tPass = now() - t;
    const phases: string[] = [];
    let last = cpu();
    t = now();
    const c = cpu();
    const rep = await assess({ name: "source", X }, { name: "target", X: Y }, {
      seed: 1,
      // Each entry: seconds spent since the previous message, then the phase that starts now.
      progress: (_f, msg) => { const w = cpu(); phases.push(`${(w - last).toFixed(2)}s CPU → ${msg}`); last = w; },
    });
    const tAssess = now() - t;
    const cAssess = cpu() - c;
    log(`B  ${n}×${d} per domain: whole assess ${tAssess.toFixed(2)} s wall / ${cAssess.toFixed(2)} s CPU (target ≤ 20 s; mode ${rep.scale.mode}, MMD test p = ${rep.mmd.test.pValue.toExponential(2)}), one pass over the data ${tPass.toFixed(2)} s → ${(tAssess / tPass).toFixed(1)}× a pass`);
    log(`   phases: ${phases.join(" | ")}`);
    out.scalable = { n, d, assessSeconds: tAssess, assessCpuSeconds: cAssess, onePassSeconds: tPass, ratio: tAssess / tPass, mode: rep.scale.mode, notes: rep.scale.notes };
  }
  if (json) console.log(JSON.stringify(out, null, 2));
}
