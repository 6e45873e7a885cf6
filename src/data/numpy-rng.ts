// numpy's legacy global generator (np.random.seed / np.random.randn): MT19937 seeded with init_genrand, doubles
// from two 32-bit draws (53 bits), and the legacy Gaussian (Marsaglia polar method that returns the second
// value and caches the first). Re-implemented so the demo's numpy-compatible data mode draws exactly the
// numbers the Python tutorial draws for the same seed. Everything else in transferlab uses core/Rng.
import { invalidParam } from "../core/errors.js";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gaussCache = 0;

  /** Same as `np.random.seed(seed)` for an integer seed in [0, 2^32 − 1]. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw invalidParam("seed", `numpy-compatible seeds are integers in [0, 2^32 − 1], got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // 1812433253 · prev + i mod 2^32, split to stay exact in doubles.
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.pos = N;
  }

  private generate(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** Next tempered 32-bit output (numpy's `mt19937_genrand`). */
  nextUint32(): number {
    if (this.pos === N) this.generate();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `np.random.random_sample()`: a double in [0, 1) with 53 random bits. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** `np.random.standard_normal()` (legacy_gauss). */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gaussCache;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2.0 * this.randomSample() - 1.0;
      x2 = 2.0 * this.randomSample() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gaussCache = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Same name as core/Rng's, so generators can take either source. */
  normal(): number {
    return this.gauss();
  }

  /** `np.random.randn(rows, cols)` in row-major order, as float64. */
  randn(rows: number, cols: number): Float64Array {
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < out.length; i++) out[i] = this.gauss();
    return out;
  }
}
