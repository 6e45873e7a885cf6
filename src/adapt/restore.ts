// FittedState -> FittedModel: the inverse of FittedModel.save. The target map is rebuilt from its state and
// applied by the same code that applied it before saving, and the estimator is restored from its snapshot, so
// predictions after a round trip are bit-identical (the conformance suite checks every registered method).
import { Matrix } from "../core/matrix.js";
import { TransferLabError } from "../core/errors.js";
import { loadEstimator } from "../estimators/index.js";
import type { FittedModel } from "./types.js";
import { checkedMap, checkFittedState, constantPredictor, type FittedState } from "./model-state.js";
import { identityMap, linearMap, type MapState, type MatrixState, type TargetMap } from "./target-map.js";
import { kernelMap } from "./feature/tca.js";
import { augmentTargetMap } from "./feature/augment.js";
import { getMethod } from "./registry.js";

const mat64Of = (m: MatrixState) => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) });

export function mapFromState(s: MapState): TargetMap {
  switch (s.kind) {
    case "identity": return identityMap();
    case "linear": return linearMap(mat64Of(s.W), s.mean ? Float64Array.from(s.mean) : undefined);
    case "kernel": return kernelMap(new Matrix(s.basis.rows, s.basis.cols, Float32Array.from(s.basis.data)), s.kernel, mat64Of(s.W));
    case "augment": return augmentTargetMap();
    default: throw new TransferLabError("DATA_FORMAT", `unknown target map kind '${(s as { kind: string }).kind}'`);
  }
}

export function restoreFitted(raw: FittedState): FittedModel {
  const s = checkFittedState(raw);
  if (s.kind === "method") {
    const m = getMethod(s.method);
    if (!m.restore) throw new TransferLabError("UNSUPPORTED", `method '${s.method}' cannot restore a saved model`);
    return m.restore(s.state);
  }
  const map = mapFromState(s.map);
  const toFeatures = checkedMap(map, s.features, s.method, s.inputs);
  const notes = [...s.notes];
  const save = () => s;
  if (s.kind === "constant") return { notes, details: {}, save, ...constantPredictor(s.cls, s.numClasses, toFeatures) };
  const est = loadEstimator(s.estimator);
  return {
    notes, details: { estimator: est }, save,
    predict: (X) => est.predict(toFeatures(X)),
    predictProba: (X) => est.predictProba(toFeatures(X)),
  };
}
