// metrics/: measures only — accuracy, domain divergences, label shift, transferability scores, t-SNE/PCA.
// (`assess`, the workflow that combines them with the Ben-David bound estimate and a risk verdict, is in experiment/.)
export { countCorrect, accuracyPct, confusionMatrix } from "./accuracy.js";
export { tsne, trustworthiness, pca, type TsneOptions, type TsneResult, type PcaResult } from "./tsne.js";
export {
  medianBandwidth, medianKernel, mixtureKernel, MIXTURE_FACTORS, mmdExact, mmdLinear, mmdRff, drawRff, mmdPermutationTest,
  exactTestBytes, type RbfKernel, type MmdEstimates, type LinearMmd, type RffFeatures, type RffMmd, type PermutationTest,
  type PermutationTestOptions, type PermutationTestResult,
} from "./mmd.js";
export {
  proxyADistance, type ProxyADistance, type ProxyADistanceOptions, type DomainClassifierFeatures,
} from "./proxy-a-distance.js";
export { coralDistance } from "./coral.js";
export { summarizeShift, type ShiftSummary } from "./shift-summary.js";
export {
  slicedWasserstein, perFeatureShift, wasserstein1dSorted, ksStatisticSorted, ksPValue, kolmogorovSf, randomDirections,
  type SlicedWasserstein, type SlicedWassersteinOptions, type FeatureShift,
} from "./wasserstein.js";
export { blackBoxShiftEstimation, classPriors, type LabelShiftEstimate } from "./label-shift.js";
export { predictTargetError } from "./predicted-error.js";
export { logME, leep, hScore, type LogMeResult } from "./transferability.js";
export { checkLabelShift, type LabelShiftValidity } from "./label-shift-check.js";
export { fitStandardizer, halves, subsampleRows } from "./util.js";
