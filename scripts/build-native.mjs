// `npm ci` install step: build the optional native kernel addon. Never fails the install:
// without a compiler the WebAssembly or TypeScript tier is used instead.
console.log("transferlab: native kernel addon not part of this build yet; using portable kernels");
