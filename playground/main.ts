// The playground page: a shift generator and its strength, methods and an estimator, evaluate run in the page
// (transferlab/browser, fits on Web Workers), the accuracy table with both baselines and the verdicts, a figure.
import {
  compileWasmKernels, generators, Rng, evaluate, setFitWorkerFactory, listMethods, estimatorNames, formatComparison, notConverged,
  evaluationFigure, specToSvg, type EvaluateResult, type MethodName, type EstimatorName,
} from "transferlab/browser";
import FitWorker from "transferlab/browser-worker?worker";

// The parameter each generator's shift strength is, with its default.
const STRENGTH: Record<string, { param: string; value: number }> = {
  moons: { param: "angle", value: 40 },
  gaussians: { param: "angle", value: 45 },
  covariate: { param: "bias", value: 2 },
  prior: { param: "separation", value: 2 },
  conditional: { param: "shift", value: 1.5 },
  subspace: { param: "angle", value: 60 },
};
const DEFAULT_METHODS = new Set(["coral", "kmm", "self-training"]);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const option = (value: string, selected = false) => Object.assign(document.createElement("option"), { value, textContent: value, selected });

const gen = $<HTMLSelectElement>("generator");
for (const name of Object.keys(generators)) gen.append(option(name, name === "moons"));
const showStrength = () => {
  const s = STRENGTH[gen.value] ?? { param: "strength", value: 1 };
  $("strength-name").textContent = s.param;
  $<HTMLInputElement>("strength").value = String(s.value);
};
gen.addEventListener("change", showStrength);
showStrength();

const est = $<HTMLSelectElement>("estimator");
for (const name of estimatorNames()) est.append(option(name, name === "svc"));

const box = $("methods");
for (const m of listMethods()) {
  if (m.family === "baseline" || m.family === "deep") continue; // baselines always run; deep methods are slow here
  const label = document.createElement("label");
  const input = Object.assign(document.createElement("input"), { type: "checkbox", value: m.name, checked: DEFAULT_METHODS.has(m.name) });
  input.dataset.method = m.name;
  label.append(input, ` ${m.name}`);
  label.title = m.description;
  box.append(label);
}

setFitWorkerFactory(() => new FitWorker());
const ready = compileWasmKernels();

function cell(text: string, numeric = false): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  if (numeric) td.className = "num";
  return td;
}

function show(r: EvaluateResult): void {
  const body = document.querySelector("#results tbody")!;
  body.replaceChildren();
  for (const m of r.methods) {
    const tr = document.createElement("tr");
    tr.dataset.method = m.name;
    if (m.family === "baseline") tr.className = "baseline";
    tr.append(
      cell(m.oracle ? `${m.name} (oracle)` : m.name), cell(m.family),
      cell(m.accuracy ? `${m.accuracy.mean.toFixed(1)} ± ${m.accuracy.sd.toFixed(1)}` : "diverged", true),
      cell(m.accuracy ? `[${m.accuracy.ci95[0].toFixed(1)}, ${m.accuracy.ci95[1].toFixed(1)}]` : "—", true),
      cell(formatComparison(m.vsSourceOnly)), cell(formatComparison(m.vsTargetOnly)),
      cell(m.verdict + (m.degenerate ? " (degenerate: one class)" : "") + notConverged(m)),
    );
    body.append(tr);
  }
  $("results").hidden = false;
  const notes = [...r.notes, ...r.methods.flatMap((m) => m.notes.map((n) => `${m.name}: ${n}`))];
  $("notes").replaceChildren(...notes.map((n) => Object.assign(document.createElement("p"), { textContent: `note — ${n}` })));
}

$("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const run = $<HTMLButtonElement>("run");
  run.disabled = true;
  $("error").textContent = "";
  const status = $("status");
  try {
    await ready;
    const s = STRENGTH[gen.value]!;
    const n = Number($<HTMLInputElement>("n").value);
    const pair = generators[gen.value]!.make({ n, [s.param]: Number($<HTMLInputElement>("strength").value) }, new Rng(1));
    const methods = [...box.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value as MethodName);
    const started = performance.now();
    const result = await evaluate(pair, {
      methods, estimator: est.value as EstimatorName,
      targetLabelsPerClass: Number($<HTMLInputElement>("labels").value), seeds: Number($<HTMLInputElement>("seeds").value),
      jobs: Number($<HTMLInputElement>("jobs").value),
      progress: (done, total, message) => { status.textContent = `${done}/${total} ${message}`; },
    });
    show(result);
    $("figure").innerHTML = await specToSvg(evaluationFigure(result), { onWarning: () => undefined });
    status.textContent = `done in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    document.body.dataset.state = "done";
  } catch (err) {
    $("error").textContent = err instanceof Error ? err.message : String(err);
    document.body.dataset.state = "error";
  } finally {
    run.disabled = false;
  }
});
