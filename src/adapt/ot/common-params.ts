// Parameters every OT method shares (cost normalisation and the memory-budget fallback).
import { z } from "zod";

export const transportParams = {
  costNorm: z.enum(["none", "max", "median"]).default("none").describe("divide the squared-Euclidean costs by their max or median (POT's norm); none = raw"),
  approximation: z.enum(["auto", "exact", "minibatch"]).default("auto").describe("auto = exact coupling if it fits the memory budget, else mini-batch OT"),
  batchSize: z.number().int().min(2).default(1000).describe("mini-batch size when approximating"),
};
