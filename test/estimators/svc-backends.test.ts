// The SVC's two libsvm backends (system libsvm through the native addon, libsvm-js in WebAssembly) against
// Debian's svm-train (libsvm 3.24) run outside Node on the same float32 inputs
// (test/fixtures/estimators/make_svm_train.py → svm_train_reference.json), and against each other.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matrix } from "../../src/core/matrix.js";
import { Rng } from "../../src/core/rng.js";
import { TransferLabError } from "../../src/core/errors.js";
import { SVC } from "../../src/estimators/svc.js";
import { activeSvmBackend, forcedSvmBackend, svmBackendStatus, trainLibsvm, type SvmBackend } from "../../src/estimators/libsvm-backend.js";

interface Case {
  name: string;
  params: { kernel: "rbf" | "linear"; C: number; gamma: number; tol: number; probability: boolean };
  X: number[][];
  y: number[];
  labels: number[];
  nSV: number[];
  rho: number[];
  coef: number[][];
  probA: number[] | null;
  probB: number[] | null;
  svIndices: number[];
}
interface State {
  libsvmLabels: number[];
  nSV: number[];
  rho: number[];
  coef: number[][];
  probA?: number[];
  probB?: number[];
  supportIndices: number[];
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/estimators/svm_train_reference.json", import.meta.url), "utf8")) as { cases: Case[] };
const available = svmBackendStatus().filter((s) => s.available).map((s) => s.backend);

async function fit(c: Case, backend: SvmBackend, X = Matrix.from(c.X)): Promise<{ svc: SVC; s: State }> {
  const svc = new SVC({ ...c.params }, { backend });
  await svc.fit(X, Int32Array.from(c.y));
  assert.equal(svc.backendUsed, backend);
  return { svc, s: svc.save().state as State };
}

function close(got: number[], want: number[], rel: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(...want.map(Math.abs), 1e-12);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= rel * scale, `${what}[${i}]: ${v} vs ${want[i]} (rel ${rel})`));
}

test("CI exercises both SVM backends", () => {
  assert.ok(available.includes("wasm"), "libsvm-js must always be there");
  if (process.env.CI === "true") {
    const n = svmBackendStatus().find((s) => s.backend === "native")!;
    assert.ok(n.available, `native SVM backend unavailable in CI: ${n.detail}`);
  }
});

for (const c of fx.cases) {
  for (const backend of available) {
    test(`${backend} backend reproduces svm-train: ${c.name}`, async () => {
      const { s } = await fit(c, backend);
      assert.deepEqual(s.libsvmLabels, c.labels, "labels (first-appearance order)");
      assert.deepEqual(s.nSV, c.nSV, "nSV");
      assert.deepEqual(s.supportIndices, c.svIndices, "support indices");
      // svm-train prints %.17g: the same doubles unless the solver took another path.
      close(s.rho, c.rho, 1e-9, "rho");
      c.coef.forEach((row, k) => close(s.coef[k]!, row, 1e-9, `sv_coef[${k}]`));
      if (!c.params.probability) {
        assert.equal(s.probA, undefined);
      } else if (backend === "native") {
        // Same rand() seed as svm-train (glibc's default), so the same Platt-scaling folds.
        close(s.probA!, c.probA!, 1e-9, "probA");
        close(s.probB!, c.probB!, 1e-9, "probB");
      } else {
        // libsvm-js draws its folds from emscripten's rand(), whose state carries over between fits: only
        // the shape and sign (a decreasing sigmoid of the decision value) are comparable.
        assert.equal(s.probA!.length, c.probA!.length);
        assert.ok(s.probA!.every((a) => a < 0), `probA ${s.probA}`);
      }
    });
  }
}

if (available.includes("native") && available.includes("wasm")) {
  for (const c of fx.cases) {
    test(`native and wasm give the same model and predictions: ${c.name}`, async () => {
      const a = await fit(c, "native");
      const b = await fit(c, "wasm");
      assert.deepEqual(a.s.supportIndices, b.s.supportIndices);
      assert.deepEqual(a.s.nSV, b.s.nSV);
      assert.deepEqual(a.s.libsvmLabels, b.s.libsvmLabels);
      close(a.s.rho, b.s.rho, 1e-9, "rho");
      a.s.coef.forEach((row, k) => close(row, b.s.coef[k]!, 1e-9, `sv_coef[${k}]`));
      // New points around the training data.
      const rng = new Rng(7);
      const Xt = Matrix.from(c.X.slice(0, 60).map((r) => r.map((v) => v + 0.5 * rng.normal())));
      assert.deepEqual(Array.from(a.svc.predict(Xt)), Array.from(b.svc.predict(Xt)));
      close(Array.from(a.svc.decisionFunction(Xt).data), Array.from(b.svc.decisionFunction(Xt).data), 1e-9, "decision values");
    });
  }

  test("native and wasm agree under sample weights (resampled rows with repeats)", async () => {
    const c = fx.cases[1]!;
    const w = Float32Array.from(c.y, (_, i) => 0.2 + (i % 5));
    const models: State[] = [];
    for (const backend of ["native", "wasm"] as const) {
      const svc = new SVC({ ...c.params }, { backend });
      await svc.fit(Matrix.from(c.X), Int32Array.from(c.y), { sampleWeight: w, rng: new Rng(3) });
      models.push(svc.save().state as State);
    }
    assert.deepEqual(models[0]!.supportIndices, models[1]!.supportIndices);
    close(models[0]!.rho, models[1]!.rho, 1e-9, "rho");
  });
}

for (const backend of available) {
  test(`${backend} backend: same data ⇒ same model (probability on)`, async () => {
    const c = fx.cases.find((x) => x.params.probability && x.labels.length > 2)!;
    const one = await fit(c, backend);
    await fit(fx.cases[0]!, backend); // another fit between (moves any global random state)
    const two = await fit(c, backend);
    // libsvm-js keeps rand()'s state in its memory; trainWasm restores it before each probability fit.
    assert.deepEqual(two.s, one.s);
  });
}

if (available.includes("native")) {
  test("native backend: the one-vs-one pairs on 1, 2 or 3 threads give the same model (multiclass, no probability)", async () => {
    for (const c of fx.cases.filter((x) => x.labels.length > 2 && !x.params.probability)) {
      const rows = Int32Array.from(c.y, (_, i) => i);
      const models = [];
      for (const threads of [1, 2, 3]) models.push(await trainLibsvm(Matrix.from(c.X), rows, Int32Array.from(c.y), { ...c.params, shrinking: true, cacheSizeMB: 100, threads }, "native"));
      assert.deepEqual(models[1], models[0]);
      assert.deepEqual(models[2], models[0]);
      assert.deepEqual(models[0]!.svIndices, c.svIndices);
    }
  });
}

if (available.includes("native")) {
  test("native backend: zeros left out or kept (libsvm's sparse dot either way) give svm-train's model", async () => {
    for (const c of fx.cases) {
      const rows = Int32Array.from(c.y, (_, i) => i);
      const sparse = await trainLibsvm(Matrix.from(c.X), rows, Int32Array.from(c.y), { ...c.params, shrinking: true, cacheSizeMB: 100, layout: "sparse" }, "native");
      const dense = await trainLibsvm(Matrix.from(c.X), rows, Int32Array.from(c.y), { ...c.params, shrinking: true, cacheSizeMB: 100, layout: "dense" }, "native");
      assert.deepEqual(sparse, dense, c.name);
      assert.deepEqual(sparse.svIndices, c.svIndices, c.name);
      assert.deepEqual(sparse.rho, c.rho, c.name);
    }
  });
}

test("TRANSFERLAB_SVM: unknown names and a forced missing backend are typed errors", () => {
  const old = process.env.TRANSFERLAB_SVM;
  try {
    process.env.TRANSFERLAB_SVM = "gpu";
    assert.throws(() => forcedSvmBackend(), (e: unknown) => e instanceof TransferLabError && e.code === "INVALID_PARAMETER");
    for (const s of svmBackendStatus()) {
      process.env.TRANSFERLAB_SVM = s.backend;
      if (s.available) assert.equal(activeSvmBackend(), s.backend);
      else assert.throws(() => activeSvmBackend(), (e: unknown) => e instanceof TransferLabError && e.code === "UNSUPPORTED" && e.message.includes(s.detail));
    }
    delete process.env.TRANSFERLAB_SVM;
    assert.equal(activeSvmBackend(), available.includes("native") ? "native" : "wasm");
  } finally {
    if (old === undefined) delete process.env.TRANSFERLAB_SVM;
    else process.env.TRANSFERLAB_SVM = old;
  }
});
