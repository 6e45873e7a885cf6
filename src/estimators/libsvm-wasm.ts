// libsvm-js's two modules (its own entry wasm.js is just these): the emscripten module and the wrapper factory.
// Imported statically here and this file dynamically by libsvm-backend.ts: a dynamic import of the CommonJS
// module itself would resolve to its namespace, which bundlers copy `then` onto from the emscripten module (a
// thenable), so awaiting the import would never settle.
import emscriptenModule from "libsvm-js/out/wasm/libsvm.js";
import loadSVM from "libsvm-js/src/loadSVM.js";

export const libsvmWasm = { emscriptenModule: emscriptenModule as unknown, loadSVM: loadSVM as (m: unknown) => unknown };
