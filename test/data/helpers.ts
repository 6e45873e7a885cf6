// Shared imports for the data tests.
export * from "../../src/data/index.js";
export { canonicalLabel as canonicalLabelForTest } from "../../src/data/table.js";
