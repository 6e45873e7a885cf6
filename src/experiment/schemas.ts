// One convention for every result document a command writes or a library call returns: a top-level
// `schema: "transferlab/<command>"` and an integer `version`, bumped when a field changes meaning or disappears
// (adding a field needs no bump: the zod schemas are loose). Each command's zod schema starts from
// `resultHeader(command)`; a file read back goes through `checkResultHeader`, which names the file's identifier
// and what this transferlab reads — the older spellings ("transferlab.evaluate/2", "transferlab/demo-results",
// a model's `format`) included.
import { z } from "zod";
import { TransferLabError } from "../core/errors.js";

/** The current version of each command's document. */
export const RESULT_VERSIONS = {
  /** v3: the verdicts are verdict.ts's words (positive/negative transfer, …; v2 said gain/harm). */
  evaluate: 3,
  assess: 1,
  /** v2: with one seed a comparison has no test (pValue null; v1 said p = 1); accuracy intervals are clipped to
   *  [0, 100] and named (ciMethod). */
  demo: 2,
  select: 1,
  curve: 1,
  sweep: 1,
  model: 1,
} as const;

export type ResultCommand = keyof typeof RESULT_VERSIONS;
export type ResultId<C extends ResultCommand> = `transferlab/${C}`;

/** The identifier of a command's documents. */
export const resultId = <C extends ResultCommand>(command: C): ResultId<C> => `transferlab/${command}`;

/** `{ schema, version }` of a new document of this command. */
export function resultHeader<C extends ResultCommand>(command: C): { schema: ResultId<C>; version: (typeof RESULT_VERSIONS)[C] } {
  return { schema: resultId(command), version: RESULT_VERSIONS[command] };
}

/** The zod shape of the header, for a command's schema to extend. */
export function resultHeaderShape<C extends ResultCommand>(command: C) {
  return { schema: z.literal(resultId(command)), version: z.literal(RESULT_VERSIONS[command]) };
}

/** Identifiers this transferlab wrote before the convention, by command: recognised only to say so. */
const OLD_IDS: Record<string, ResultCommand> = {
  "transferlab.evaluate/1": "evaluate", "transferlab.evaluate/2": "evaluate", "transferlab.assess/1": "assess",
  "transferlab.select/1": "select", "transferlab.sweep/1": "sweep", "transferlab/demo-results": "demo",
};

/** The command whose document carries identifier `id` (current or older spelling), or undefined. */
export function resultCommandOf(id: unknown): ResultCommand | undefined {
  if (typeof id !== "string") return undefined;
  if (Object.hasOwn(OLD_IDS, id)) return OLD_IDS[id];
  const c = id.startsWith("transferlab/") ? id.slice("transferlab/".length) : "";
  return Object.hasOwn(RESULT_VERSIONS, c) ? (c as ResultCommand) : undefined;
}

/** How to get a document in the current format: run its command again (a model is written by `transferlab fit`). */
const rewriteHint = (command: ResultCommand) => (command === "model" ? "fit and save the model again with transferlab fit --out" : `run transferlab ${command} again to write it in the current format`);

/**
 * Checks the header of a document read back (the rest is the command's schema's job): it must be this command's,
 * in the version this transferlab reads. Anything else is a typed error naming what the file says and what is
 * expected. A model file of the first release (`format: "transferlab/model"`, version 1) has the same content
 * under another key: it is accepted.
 */
export function checkResultHeader(raw: unknown, command: ResultCommand, file: string): void {
  const doc = (typeof raw === "object" && raw !== null ? raw : {}) as { schema?: unknown; version?: unknown; format?: unknown };
  const want = resultId(command), version = RESULT_VERSIONS[command];
  const id = doc.schema ?? (command === "model" ? doc.format : undefined);
  if (typeof id === "string" && OLD_IDS[id] !== undefined) {
    throw new TransferLabError("UNSUPPORTED", `'${id}' is an older name of ${OLD_IDS[id] === command ? "this" : `transferlab ${OLD_IDS[id]}'s`} document; this transferlab reads ${want} version ${version}`, { file }, rewriteHint(OLD_IDS[id]!));
  }
  if (id !== want) {
    throw new TransferLabError("DATA_FORMAT", `not a ${want} document (schema ${JSON.stringify(id ?? null)})`, { file });
  }
  if (doc.version !== version) {
    throw new TransferLabError("UNSUPPORTED", `${want} version ${JSON.stringify(doc.version ?? null)}; this transferlab reads version ${version}`, { file }, rewriteHint(command));
  }
}
