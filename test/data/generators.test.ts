// Generator statistics match their documented parameters (closed forms; tolerances of ~4 standard errors); an
// unknown key is refused by one check whichever way the parameters come.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import type { Domain } from "../../src/core/domain.js";
import { TransferLabError } from "../../src/core/errors.js";
import { twoMoons, covariateShift, covariateRule, priorShift, conditionalShift, subspaceShift, rotatedGaussians, resolveDomainPair, MOONS_CENTRE, generators, parseGeneratorSpec } from "./helpers.js";

function classMean(d: Domain, k: number): number[] {
  const s = new Array(d.X.cols).fill(0);
  let c = 0;
  for (let i = 0; i < d.X.rows; i++) {
    if (d.y![i] !== k) continue;
    c++;
    d.X.row(i).forEach((v, j) => (s[j] += v));
  }
  return s.map((v) => v / c);
}

function near(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs expected ${b} (tol ${tol})`);
}

test("two moons: class means (0, 2/π) and (1, 0.5 − 2/π); target means rotated about the centre", () => {
  const n = 8000;
  const angle = 50;
  const p = twoMoons({ n, noise: 0.1, angle }, new Rng(1));
  const se = 4 * Math.sqrt(0.5 / (n / 2));
  const expect = [[0, 2 / Math.PI], [1, 0.5 - 2 / Math.PI]];
  const a = (angle * Math.PI) / 180;
  for (let k = 0; k < 2; k++) {
    const ms = classMean(p.source, k);
    near(ms[0]!, expect[k]![0]!, se, `source class ${k} x`);
    near(ms[1]!, expect[k]![1]!, se, `source class ${k} y`);
    const dx = expect[k]![0]! - MOONS_CENTRE[0];
    const dy = expect[k]![1]! - MOONS_CENTRE[1];
    const mt = classMean(p.target, k);
    near(mt[0]!, Math.cos(a) * dx - Math.sin(a) * dy + MOONS_CENTRE[0], se, `target class ${k} x`);
    near(mt[1]!, Math.sin(a) * dx + Math.cos(a) * dy + MOONS_CENTRE[1], se, `target class ${k} y`);
  }
});

test("covariate shift: same labelling rule in both domains; selected means match the closed form", () => {
  const n = 6000;
  const bias = 1.5;
  const p = covariateShift({ n, bias }, new Rng(2));
  for (const d of [p.source, p.target]) {
    for (let i = 0; i < n; i++) assert.equal(d.y![i], covariateRule(d.X.get(i, 0), d.X.get(i, 1)));
  }
  // E[x1 | kept] = E[x σ(±b x)] / E[σ(±b x)] for x ~ N(0, 1), by quadrature.
  let num = 0;
  let den = 0;
  for (let x = -10; x <= 10; x += 1e-3) {
    const phi = Math.exp(-x * x / 2);
    const s = 1 / (1 + Math.exp(-bias * x));
    num += x * s * phi;
    den += s * phi;
  }
  const m = num / den;
  const se = 4 / Math.sqrt(n);
  near(classMeanAll(p.target, 0), m, se, "target mean x1");
  near(classMeanAll(p.source, 0), -m, se, "source mean x1");
  near(classMeanAll(p.source, 1), 0, se, "source mean x2");
});

function classMeanAll(d: Domain, j: number): number {
  let s = 0;
  for (let i = 0; i < d.X.rows; i++) s += d.X.get(i, j);
  return s / d.X.rows;
}

test("prior shift: class counts are exactly round(n·p); P(x|y) the same in both domains", () => {
  const n = 3000;
  const p = priorShift({ n, targetPriors: [0.6, 0.3, 0.1], separation: 3 }, new Rng(3));
  const count = (d: Domain) => [0, 1, 2].map((k) => d.y!.filter((v) => v === k).length);
  assert.deepEqual(count(p.source), [1000, 1000, 1000]);
  assert.deepEqual(count(p.target), [1800, 900, 300]);
  for (let k = 0; k < 3; k++) {
    const mu = [3 * Math.cos((2 * Math.PI * k) / 3), 3 * Math.sin((2 * Math.PI * k) / 3)];
    for (const d of [p.source, p.target]) {
      const m = classMean(d, k);
      const nk = count(d)[k]!;
      near(m[0]!, mu[0]!, 4 / Math.sqrt(nk), `class ${k} mean x`);
      near(m[1]!, mu[1]!, 4 / Math.sqrt(nk), `class ${k} mean y`);
    }
  }
});

test("conditional shift: balanced classes; target class means moved by `shift` in their own direction, std scaled", () => {
  const n = 6000;
  const p = conditionalShift({ n, classes: 3, separation: 2, shift: 1.5, targetStd: 2 }, new Rng(4));
  for (let k = 0; k < 3; k++) {
    const mu = [2 * Math.cos((2 * Math.PI * k) / 3), 2 * Math.sin((2 * Math.PI * k) / 3)];
    const th = (2 * Math.PI * k) / 3 + Math.PI / 2;
    const mt = classMean(p.target, k);
    near(mt[0]!, mu[0]! + 1.5 * Math.cos(th), 4 * 2 / Math.sqrt(n / 3), "target mean x");
    near(mt[1]!, mu[1]! + 1.5 * Math.sin(th), 4 * 2 / Math.sqrt(n / 3), "target mean y");
    assert.equal(p.source.y!.filter((v) => v === k).length, 2000);
    // Target spread: variance of x around the class mean ≈ 4.
    let v = 0;
    let c = 0;
    for (let i = 0; i < n; i++) if (p.target.y![i] === k) { v += (p.target.X.get(i, 0) - mt[0]!) ** 2; c++; }
    near(v / c, 4, 4 * 4 * Math.sqrt(2 / c), "target variance");
  }
});

test("subspace shift: class difference along u in the source, rotated into the noise coordinates in the target", () => {
  const n = 8000;
  const k = 2;
  const d = 6;
  const angle = 70;
  const sep = 3;
  const p = subspaceShift({ n, dim: d, informative: k, separation: sep, angle }, new Rng(5));
  const diff = (dom: Domain) => classMean(dom, 1).map((v, j) => v - classMean(dom, 0)[j]!);
  const a = (angle * Math.PI) / 180;
  const unit = sep / Math.sqrt(k);
  const tol = 4 * Math.sqrt(2 / (n / 2) + 2 / (n / 2));
  const ds = diff(p.source);
  const dt = diff(p.target);
  for (let j = 0; j < d; j++) {
    near(ds[j]!, j < k ? unit : 0, tol, `source diff ${j}`);
    near(dt[j]!, j < k ? Math.cos(a) * unit : j < 2 * k ? Math.sin(a) * unit : 0, tol, `target diff ${j}`);
  }
});

test("subspace shift: more informative coordinates than dim/2 is an error that names the limit", () => {
  assert.throws(() => subspaceShift({ n: 10, dim: 5, informative: 3 }, new Rng(0)), (e: Error) => /informative/.test(e.message) && /at most dim\/2 = 2/.test(e.message));
  assert.doesNotThrow(() => subspaceShift({ n: 10, dim: 4, informative: 2 }, new Rng(0)));
});

test("generators are seeded: same seed same data, other seed other data", async () => {
  for (const g of ["moons", "covariate", "prior", "conditional", "subspace", "gaussians"]) {
    const a = await resolveDomainPair(g, { seed: 11 });
    const b = await resolveDomainPair(g, { seed: 11 });
    const c = await resolveDomainPair(g, { seed: 12 });
    assert.deepEqual(a.target.X.data, b.target.X.data, g);
    assert.notDeepEqual(a.target.X.data, c.target.X.data, g);
  }
  const q = await resolveDomainPair("moons?angle=90&n=50", { seed: 1 });
  assert.equal(q.source.X.rows, 50);
  assert.equal(q.name, "moons(angle=90)");
});

test("rotated Gaussians: target class means R(angle)·(±1, ±1) + offset, class spread targetSigma", () => {
  const n = 8000;
  const p = rotatedGaussians({ n, angle: 30, targetSigma: 0.8, offset: [2, -1] }, new Rng(6));
  const a = (30 * Math.PI) / 180;
  const tol = 4 * 0.8 / Math.sqrt(n / 2);
  [[-1, -1], [1, 1]].forEach(([x, y], k) => {
    const m = classMean(p.target, k);
    near(m[0]!, Math.cos(a) * x! - Math.sin(a) * y! + 2, tol, `class ${k} x`);
    near(m[1]!, Math.sin(a) * x! + Math.cos(a) * y! - 1, tol, `class ${k} y`);
    let v = 0;
    let c = 0;
    for (let i = 0; i < n; i++) if (p.target.y![i] === k) { v += (p.target.X.get(i, 0) - m[0]!) ** 2; c++; }
    near(Math.sqrt(v / c), 0.8, 4 * 0.8 / Math.sqrt(2 * c), `class ${k} σ`);
  });
});

test("an unknown generator key is refused the same way from a spec string and from a parameter object", () => {
  const caught = (f: () => unknown): TransferLabError => {
    try { f(); } catch (e) { assert.ok(e instanceof TransferLabError, String(e)); return e; }
    assert.fail("no error");
  };
  const fromSpec = caught(() => parseGeneratorSpec("moons?n=50&bogus=abc")); // the key is named before its value is read
  const fromObject = caught(() => generators.moons!.make({ n: 50, bogus: 3 }, new Rng(0)));
  for (const e of [fromSpec, fromObject]) {
    assert.equal(e.code, "INVALID_PARAMETER");
    assert.equal(e.where.param, "bogus");
    assert.match(e.message, /generator 'moons' has no parameter 'bogus'/);
    assert.match(e.hint ?? "", /its parameters: n, noise, angle/);
  }
  assert.equal(fromSpec.message, fromObject.message);
});
