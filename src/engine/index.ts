// transferlab's compute engine: tensors, reverse-mode autograd, ops, modules, optimizers (see README.md).
export {
  Tensor, Parameter, IntTensor, tensor, zeros, full, scalar, tidy, noGrad, backward, isGradEnabled,
  engineStats, clearPool, sizeOf,
} from "./tensor.js";
export type { Shape, IndexLike } from "./tensor.js";
export * from "./ops/index.js";
export * from "./nn/module.js";
export * from "./nn/serialize.js";
export * from "./optim.js";
export { kernels, availableTiers, useTier, kernelsFor, tierStatus, compileWasmKernels } from "./kernels/index.js";
export type { Kernels, Tier, TierStatus } from "./kernels/index.js";
export { sqdistUnchecked } from "./kernels/js.js";
export { buildNativeHint, nativeAddon } from "./kernels/native.js";
export { forcedTier } from "./kernels/index.js";
export { covariance, centredRows, COVARIANCE_BLOCK, type CovarianceOptions, type Rows } from "./covariance.js";
