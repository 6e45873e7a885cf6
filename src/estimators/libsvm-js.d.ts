// libsvm-js ships no types; src/estimators/libsvm-backend.ts describes the parts it uses.
declare module "libsvm-js";
declare module "libsvm-js/out/wasm/libsvm.js";
declare module "libsvm-js/src/loadSVM.js";
