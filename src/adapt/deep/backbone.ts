// Feature extractors for deep methods: an MLP for feature vectors (inputs standardised with the source's
// statistics, kept in the model) and the small CNN for images with a declared shape (inputs as given:
// pixels on one global scale). A backbone maps rows to features f; each method adds a linear head f → logits.
import { TransferLabError, invalidParam } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import type { Rng } from "../../core/rng.js";
import { Act, Conv2d, Flatten, Linear, MaxPool2d, Module, Sequential, mlp, reshape, type Tensor } from "../../engine/index.js";

export type BackboneKind = "mlp" | "cnn";

/** Everything needed to rebuild a backbone (saved with the model's weights). */
export interface BackboneConfig {
  kind: BackboneKind;
  inputDim: number;
  /** MLP: hidden widths, the last is the feature dimension. */
  hidden?: number[];
  /** CNN: [channels, height, width] of one input row. */
  image?: [number, number, number];
  /** MLP: per-feature mean and scale of the source (inputs are standardised inside the model). */
  mean?: number[];
  scale?: number[];
}

/** The CNN of the reference spec (for 8×8 digits): conv(C→32, 3×3, pad 1) → ReLU → maxpool 2 →
 * conv(32→64) → ReLU → maxpool 2 → flatten → linear → 128 → ReLU. Pools are skipped once a side is below 2. */
export const CNN_CHANNELS = [32, 64] as const;
export const CNN_FEATURES = 128;

class ImageFeatures extends Module {
  private readonly net: Sequential;
  constructor(private readonly image: [number, number, number], rng: Rng) {
    super();
    const [c0, h0, w0] = image;
    const layers: Module[] = [];
    let c = c0, h = h0, w = w0;
    for (const f of CNN_CHANNELS) {
      layers.push(new Conv2d(c, f, 3, { rng, padding: 1 }), new Act("relu"));
      if (h >= 2 && w >= 2) {
        layers.push(new MaxPool2d(2));
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
      }
      c = f;
    }
    layers.push(new Flatten(), new Linear(c * h * w, CNN_FEATURES, { rng, activation: "relu" }));
    this.net = this.child("net", new Sequential(layers));
  }
  forward(x: Tensor): Tensor {
    const [c, h, w] = this.image;
    return this.net.forward(reshape(x, [x.shape[0]!, c, h, w]));
  }
}

export interface Backbone {
  config: BackboneConfig;
  module: Module;
  featureDim: number;
  /** Rows in the units the module expects (standardised for the MLP; as given for the CNN), as a new Matrix. */
  prepare(X: Matrix): Matrix;
}

export function buildBackbone(config: BackboneConfig, rng: Rng): Backbone {
  if (config.kind === "cnn") {
    const image = config.image!;
    return { config, module: new ImageFeatures(image, rng), featureDim: CNN_FEATURES, prepare: (X) => X };
  }
  const hidden = config.hidden!;
  const module = mlp([config.inputDim, ...hidden], { activation: "relu", finalActivation: true, rng });
  const mean = Float32Array.from(config.mean!), scale = Float32Array.from(config.scale!);
  const prepare = (X: Matrix): Matrix => {
    const out = X.clone();
    const d = X.cols, o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = (o[i]! - mean[i % d]!) / scale[i % d]!;
    return out;
  };
  return { config, module, featureDim: hidden[hidden.length - 1]!, prepare };
}

/** Which backbone a fit uses: the CNN when the data declare an image shape (or it is asked for), else the MLP. */
export function chooseBackbone(opts: {
  method: string;
  requested: "auto" | BackboneKind;
  hidden: number[];
  source: { X: Matrix; imageShape?: readonly [number, number] };
  target: { imageShape?: readonly [number, number] };
}): BackboneConfig {
  const { method, requested, source } = opts;
  const d = source.X.cols;
  const shape = source.imageShape ?? opts.target.imageShape;
  if (source.imageShape && opts.target.imageShape && source.imageShape.join("x") !== opts.target.imageShape.join("x")) {
    throw new TransferLabError("SHAPE_MISMATCH", `method '${method}': source images are ${source.imageShape.join("×")} but target images are ${opts.target.imageShape.join("×")}`, { param: "image-shape" });
  }
  const kind: BackboneKind = requested === "auto" ? (shape ? "cnn" : "mlp") : requested;
  if (kind === "cnn") {
    if (!shape) throw invalidParam("backbone", `method '${method}': the CNN backbone needs images with a declared shape, these rows are plain features`, "give the shape (--image-shape HxW) or use backbone mlp");
    const [h, w] = shape;
    if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0) || d % (h * w) !== 0) {
      throw invalidParam("image-shape", `method '${method}': rows have ${d} values, which is not a whole number of ${h}×${w} images`, `an ${h}×${w} image has ${h * w} pixels per channel`);
    }
    return { kind, inputDim: d, image: [d / (h * w), h, w] };
  }
  const { mean, scale } = columnStats(source.X);
  return { kind, inputDim: d, hidden: [...opts.hidden], mean, scale };
}

/** Per-column mean and standard deviation in float64 (a constant column gets scale 1). */
function columnStats(X: Matrix): { mean: number[]; scale: number[] } {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols), sq = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += data[i * cols + j]!;
  for (let j = 0; j < cols; j++) mean[j]! /= rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) sq[j]! += (data[i * cols + j]! - mean[j]!) ** 2;
  // A column constant up to float32 rounding of its values counts as constant.
  const scale = Array.from(sq, (s, j) => {
    const sd = Math.sqrt(s / rows);
    return sd > 1e-6 * Math.abs(mean[j]!) && sd > 0 ? sd : 1;
  });
  return { mean: Array.from(mean), scale };
}
