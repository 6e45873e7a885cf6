// The adaptation room's public surface: the contract, the base helpers, the registry and every method.
export * from "./types.js";
export * from "./base.js";
export * from "./registry.js";
export * from "./methods.js";
export { restoreFitted, mapFromState } from "./restore.js";
export { identityMap, linearMap, savableMap, matrixState, type TargetMap, type MapState, type MatrixState } from "./target-map.js";
export type { FittedState } from "./model-state.js";
export { MmdTransferNetwork, mmdTransfer, MMD_TRANSFER_DEFAULTS, type MmdTransferParams, type MmdNetworkSnapshot } from "./deep/mmd-transfer.js";
export { diverged, divergenceOf, type Divergence } from "./deep/define.js";
export { readPretrainedFile } from "./parameter/pretrain.js";
export type { ParameterDetails } from "./parameter/define.js";
