// All ops, and the Tensor chaining methods (installed here to keep tensor.ts free of an import cycle).
import { installMethods } from "../tensor.js";
import { add, sub, mul, div } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { sum, mean } from "./reduce.js";
import { reshape } from "./shape.js";

installMethods({ add, sub, mul, div, matmul: (a, b) => matmul(a, b), sum, mean, reshape });

export * from "./elementwise.js";
export * from "./reduce.js";
export * from "./linalg.js";
export * from "./losses.js";
export * from "./distance.js";
export * from "./shape.js";
export * from "./nn.js";
export * from "./adaptation.js";
