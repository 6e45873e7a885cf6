// The method catalogue: ONE LINE PER METHOD. Adding a method = one file + one line here; the registry
// (./registry.ts) and the conformance suite pick it up automatically.
export { sourceOnly } from "./baselines/source-only.js";
export { targetOnly } from "./baselines/target-only.js";
export { sourceTarget } from "./baselines/source-target.js";
export { oracle } from "./baselines/oracle.js";
export { kmm } from "./instance/kmm.js";
export { kliep } from "./instance/kliep.js";
export { domainClassifier } from "./instance/domain-classifier.js";
export { priorCorrection } from "./instance/prior-correction.js";
export { nearestNeighbourWeighting } from "./instance/nearest-neighbour.js";
export { selfTraining } from "./self-training/self-training.js";
export { coral } from "./feature/coral.js";
export { subspaceAlignmentMethod } from "./feature/subspace-alignment.js";
export { tca } from "./feature/tca.js";
export { jda } from "./feature/jda.js";
export { featureAugmentation } from "./feature/augment.js";
export { otEmd } from "./ot/ot-emd.js";
export { otSinkhorn } from "./ot/ot-sinkhorn.js";
export { otLpl1 } from "./ot/ot-lpl1.js";
export { otLinear } from "./ot/ot-linear.js";
export { mmdTransfer } from "./deep/mmd-transfer.js";
export { sourceOnlyNet } from "./deep/source-only-net.js";
export { dan } from "./deep/dan.js";
export { deepCoral } from "./deep/deep-coral.js";
export { dann } from "./deep/dann.js";
export { cdan } from "./deep/cdan.js";
export { mcc } from "./deep/mcc.js";
