// Pretraining for the parameter family: the source is split into the rows the network learns from and held-out
// rows that measure forgetting (source accuracy before and after fine-tuning); the network is trained by the deep
// base (source-only-net, or dan for the tutorial's MMD recipe) or read from a file. Pretrained networks are cached
// in the process, keyed by a fingerprint of the data, the shared seed and the configuration, so every strategy of
// one seed fine-tunes the same network and it is trained once per run.
import { Rng } from "../../core/rng.js";
import { TransferLabError, invalidParam } from "../../core/errors.js";
import type { Labels, LabelledDomain } from "../../core/domain.js";
import { accuracyPct } from "../../metrics/index.js";
import type { FitContext, FitData } from "../types.js";
import { DeepNetwork, type DeepAdapter, type DeepNetworkState } from "../deep/define.js";
import { chooseBackbone, type BackboneConfig } from "../deep/backbone.js";
import { sourceOnlyNet } from "../deep/source-only-net.js";
import { dan } from "../deep/dan.js";

export interface PretrainOptions {
  /** "source": cross-entropy on the source; "mmd": plus mmdWeight·MMD² (DAN's multi-kernel, ramped) to the unlabelled target. */
  pretrain: "source" | "mmd";
  mmdWeight: number;
  pretrainIterations: number;
  /** Path of a saved network to start from instead (empty: pretrain). */
  pretrained: string;
  sourceHoldout: number;
  backbone: "auto" | "mlp" | "cnn";
  hidden: number[];
}

export interface Pretrained {
  network: DeepNetwork;
  /** Accuracy (%) of the pretrained network on the held-out source rows; null when none are held out. */
  sourceBefore: number | null;
  /** The source rows the network learned from and the held-out ones (indices into data.source). */
  split: SourceSplit;
  seconds: number;
  /** Whether this fit reused a network pretrained earlier in the process. */
  cached: boolean;
  notes: string[];
}

export interface SourceSplit {
  train: Int32Array;
  heldOut: Int32Array;
}

/** Stratified hold-out: per class, floor(fraction · rows of the class) rows drawn at random (none from a class with
 * a single row), in ascending order; the rest train. Depends only on the labels, the fraction and the rng. */
export function sourceHoldout(y: Labels, fraction: number, rng: Rng): SourceSplit {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const held = new Uint8Array(y.length);
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!;
    const take = rows.length > 1 ? Math.floor(fraction * rows.length) : 0;
    const order = rng.permutation(rows.length);
    for (let k = 0; k < take; k++) held[rows[order[k]!]!] = 1;
  }
  const train: number[] = [], heldOut: number[] = [];
  for (let i = 0; i < y.length; i++) (held[i] ? heldOut : train).push(i);
  return { train: Int32Array.from(train), heldOut: Int32Array.from(heldOut) };
}

/** FNV-1a over the bytes of typed arrays: a cheap content key (the cache only needs equal data to hash equal). */
function fingerprint(arrays: ArrayLike<number>[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const v = a instanceof Float32Array || a instanceof Int32Array ? new Uint32Array(a.buffer, a.byteOffset, a.length) : Uint32Array.from(a as ArrayLike<number>);
    h = Math.imul(h ^ v.length, 0x01000193);
    for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i]!, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

interface CacheEntry { state: DeepNetworkState; sourceBefore: number | null; split: SourceSplit; seconds: number; notes: string[] }
const CACHE_SIZE = 8;
const cache = new Map<string, CacheEntry>();

/** Empties the pretraining cache (tests; a long-lived process that wants its memory back). */
export function clearPretrainCache(): void {
  cache.clear();
}

/** The seed every strategy of one protocol seed shares (the runner's seed; else the caller's rng seed). */
export function sharedSeedOf(ctx: FitContext): number {
  return ctx.sharedSeed ?? ctx.rng.seed;
}

/** The pretrained network of this fit: from the cache, from a file, or trained now. */
export async function pretrainedNetwork(method: string, data: FitData, numClasses: number, o: PretrainOptions, ctx: FitContext): Promise<Pretrained> {
  const seed = sharedSeedOf(ctx);
  const split = sourceHoldout(data.source.y, o.sourceHoldout, new Rng(seed).fork("parameter:holdout"));
  if (split.train.length === 0) throw new TransferLabError("TOO_FEW_LABELS", `method '${method}': no source rows left to pretrain on after holding out ${o.sourceHoldout}`, { param: "sourceHoldout" });
  const { pretrain, mmdWeight, pretrainIterations, pretrained, sourceHoldout: holdout, backbone, hidden } = o; // not the strategy's own params
  const config = JSON.stringify({ pretrain, mmdWeight: pretrain === "mmd" ? mmdWeight : null, pretrainIterations, pretrained, holdout, backbone, hidden, numClasses });
  const key = [seed, config, fingerprint([data.source.X.data, data.source.y, ...(o.pretrain === "mmd" ? [data.target.X.data] : [])])].join("|");
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return { network: DeepNetwork.fromState(hit.state), sourceBefore: hit.sourceBefore, split: hit.split, seconds: 0, cached: true, notes: [...hit.notes] };
  }
  const t0 = performance.now();
  const notes: string[] = [];
  let network: DeepNetwork;
  if (o.pretrained) {
    network = checkPretrained(readPretrainedFile(o.pretrained), o.pretrained, method, data, numClasses, o);
    notes.push(`fine-tuned from ${o.pretrained}; its source accuracy 'before' is measured on held-out rows it may have been trained on`);
  } else {
    const trainer = (o.pretrain === "mmd" ? dan : sourceOnlyNet) as unknown as DeepAdapter<Record<string, unknown>>;
    const src = data.source;
    const names = Array.from({ length: numClasses }, (_, c) => src.classNames?.[c] ?? String(c));
    const part: LabelledDomain = { ...src, name: `${src.name} (pretraining rows)`, X: src.X.takeRows(split.train), y: Int32Array.from(split.train, (i) => src.y[i]!), classNames: names };
    // source-only-net reads no target row (no adaptation term, no batch norm): one row keeps its joint batch 64 + 1.
    const target = o.pretrain === "mmd" ? data.target : { name: "unused", X: part.X.takeRows([0]), imageShape: src.imageShape };
    const fit = await trainer.train({ source: part, target }, {
      rng: new Rng(seed).fork("parameter:pretrain"), estimator: ctx.estimator, memoryBudget: ctx.memoryBudget, signal: ctx.signal,
      progress: ctx.progress ? (f, m) => ctx.progress!(0.8 * f, `pretraining: ${m ?? ""}`) : undefined,
    }, { iterations: o.pretrainIterations, backbone: o.backbone, hidden: o.hidden, ...(o.pretrain === "mmd" ? { tradeoff: o.mmdWeight, ramp: true } : {}) }, {});
    network = fit.details.network as DeepNetwork;
  }
  const sourceBefore = heldOutAccuracy(network, data.source, split);
  const seconds = (performance.now() - t0) / 1000;
  cache.set(key, { state: network.exportState(), sourceBefore, split, seconds, notes });
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return { network, sourceBefore, split, seconds, cached: false, notes };
}

/** Accuracy (%) of a network on the held-out source rows; null when there are none. */
export function heldOutAccuracy(network: DeepNetwork, source: LabelledDomain, split: SourceSplit): number | null {
  if (split.heldOut.length === 0) return null;
  return accuracyPct(network.predict(source.X.takeRows(split.heldOut)), Int32Array.from(split.heldOut, (i) => source.y[i]!));
}

// ---- pretrained networks as files ------------------------------------------------------------------------------

/** Reads a saved network: a model file of a deep or parameter method (`transferlab fit --out`), its FittedModel.save()
 * JSON, or a bare network state (DeepNetwork.exportState). Node only (the file system comes from process.getBuiltinModule, so browser bundles never import node:fs). */
export function readPretrainedFile(path: string): DeepNetworkState {
  const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
  if (!fs) throw new TransferLabError("UNSUPPORTED", "pretrained files can only be read in Node", { param: "pretrained", file: path });
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TransferLabError(code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE", `pretrained file ${path}: ${code === "ENOENT" ? "not found" : "cannot be read"}`, { file: path, param: "pretrained" });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new TransferLabError("DATA_FORMAT", `pretrained file ${path} is not a saved network (not JSON)`, { file: path, param: "pretrained" }, "save one with transferlab fit --method source-only-net --out FILE");
  }
  // A model file (transferlab fit), a saved fitted model (FittedModel.save) or a bare network state.
  const d = doc as { format?: string; schema?: string; kind?: string; state?: unknown; fitted?: { kind?: string; method?: string; state?: unknown } };
  const modelFile = d?.format === "transferlab/model" || d?.schema === "transferlab/model"; // first release: format; later: schema
  const state = modelFile ? d.fitted?.state : d?.kind === "method" ? d.state : doc;
  if ((state as DeepNetworkState | undefined)?.format !== "transferlab-deep-network") {
    const what = modelFile ? `a model of method '${d.fitted?.method}', which holds no network of the deep family` : "not a saved network";
    throw new TransferLabError("DATA_FORMAT", `pretrained file ${path} is ${what}`, { file: path, param: "pretrained" }, "save one with transferlab fit --method source-only-net --out FILE");
  }
  return state as DeepNetworkState;
}

const describe = (c: BackboneConfig) => (c.kind === "cnn" ? `a CNN on ${c.image!.join("×")} images` : `an MLP ${[c.inputDim, ...c.hidden!].join("→")}`);

/** Rebuilds a saved network and checks it fits these data: feature count, architecture, classes. */
function checkPretrained(state: DeepNetworkState, path: string, method: string, data: FitData, numClasses: number, o: PretrainOptions): DeepNetwork {
  let network: DeepNetwork;
  try {
    network = DeepNetwork.fromState(state);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new TransferLabError("DATA_FORMAT", `pretrained file ${path} is corrupt: ${msg}`, { file: path, param: "pretrained" });
  }
  const got = network.backbone.config;
  const d = data.source.X.cols;
  if (got.inputDim !== d) throw new TransferLabError("FEATURE_MISMATCH", `pretrained file ${path} takes ${got.inputDim} features, the data have ${d}`, { file: path, param: "pretrained" });
  const want = chooseBackbone({ method, requested: o.backbone, hidden: o.hidden, source: data.source, target: data.target });
  const same = want.kind === got.kind && (got.kind === "cnn" ? want.image!.join() === got.image!.join() : want.hidden!.join() === got.hidden!.join());
  if (!same) throw invalidParam("pretrained", `pretrained file ${path} holds ${describe(got)}, but method '${method}' builds ${describe(want)} for these data`, "use a network saved on data of the same shape, or set backbone");
  if (network.numClasses !== numClasses) throw new TransferLabError("LABEL_MISMATCH", `pretrained file ${path} predicts ${network.numClasses} classes, the data have ${numClasses}`, { file: path, param: "pretrained" });
  return network;
}
