// metrics/: domain divergences, label shift, transferability scores, the Ben-David bound estimate and `assess`.
export { tsne, trustworthiness, pca, type TsneOptions, type TsneResult, type PcaResult } from "./tsne.js";
export {
  medianBandwidth, medianKernel, mixtureKernel, MIXTURE_FACTORS, mmdExact, mmdLinear, mmdRff, drawRff, mmdPermutationTest,
  exactTestBytes, type RbfKernel, type MmdEstimates, type LinearMmd, type RffFeatures, type RffMmd, type PermutationTest,
  type PermutationTestOptions, type PermutationTestResult,
} from "./mmd.js";
export { proxyADistance, type ProxyADistance, type ProxyADistanceOptions, type DomainClassifierFeatures } from "./proxy-a-distance.js";
export { coralDistance } from "./coral.js";
export {
  slicedWasserstein, perFeatureShift, wasserstein1dSorted, ksStatisticSorted, ksPValue, kolmogorovSf, randomDirections,
  type SlicedWasserstein, type SlicedWassersteinOptions, type FeatureShift,
} from "./wasserstein.js";
export { blackBoxShiftEstimation, classPriors, type LabelShiftEstimate } from "./label-shift.js";
export { logME, leep, hScore, type LogMeResult } from "./transferability.js";
export { assess, decideVerdict, predictTargetError, type AssessOptions, type AssessReport, type RiskLevel, type DomainSummary as AssessDomainSummary, type Interval as AssessInterval } from "./assess.js";
export { formatAssessText, assessSections } from "./assess-text.js";
