// Feature augmentation: source x ↦ [x, x, 0], target x ↦ [x, 0, x], so a linear model can learn shared and
// domain-specific weights. Daumé III, "Frustratingly Easy Domain Adaptation", ACL 2007. Needs target labels.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { defineFeatureMethod } from "../base.js";
import { savableMap } from "../target-map.js";

export function augmentFeatures(X: Matrix, side: "source" | "target"): Matrix {
  const d = X.cols;
  const out = new Matrix(X.rows, 3 * d);
  const off = side === "source" ? d : 2 * d;
  for (let i = 0; i < X.rows; i++) {
    const row = X.row(i);
    out.data.set(row, i * 3 * d);
    out.data.set(row, i * 3 * d + off);
  }
  return out;
}

/** The target side of the augmentation, [x, 0, x], as a savable map. */
export function augmentTargetMap() {
  return savableMap({ kind: "augment" }, (X) => augmentFeatures(X, "target"));
}

export const featureAugmentation = defineFeatureMethod({
  name: "feature-augmentation",
  description: "Feature augmentation: shared + domain-specific copies of every feature; trains on source and the labelled target",
  reference: "Daumé III, Frustratingly Easy Domain Adaptation, ACL 2007",
  needs: "labelled",
  params: z.object({}),
  fitMap({ source }) {
    return { mappedSource: augmentFeatures(source.X, "source"), mapTarget: augmentTargetMap(), mapSource: (X: Matrix) => augmentFeatures(X, "source"), includeTargetLabelled: true };
  },
});
