// Barnes–Hut quadtree for the t-SNE repulsive forces in 2-D: a cell far enough away (side / distance < θ)
// acts as one point of mass `count` at its centre of mass. Built as one flat Float64Array (a node's fields
// share a cache line), then flattened into preorder records for a stackless walk (repelRange); both are
// rebuilt every iteration without allocating.

const MAX_DEPTH = 48; // deeper than this only exact duplicates remain; they share one leaf.
// Node record layout (stride 8): centre of mass x, y; count; cell centre x, y; half side; first child; point.
const S = 8;
const CX = 0, CY = 1, CNT = 2, MX = 3, MY = 4, HALF = 5, CHILD = 6, POINT = 7;
const F = 5; // stride of the flattened preorder records (see flatten)

export class QuadTree {
  /** `records`: a buffer to flatten into while it is large enough (e.g. shared with a worker thread). */
  constructor(records?: Float64Array) {
    this.flat = records ?? new Float64Array(0);
  }

  private nodes = new Float64Array(0);
  private size = 0;
  private depth = new Int32Array(0);
  private flat: Float64Array;
  private flatSize = 0;
  private sub = new Int32Array(0);
  private flatStack = new Int32Array(0);

  private grow(need: number): void {
    if (need * S <= this.nodes.length) return;
    const cap = Math.max(need, (this.nodes.length / S) * 2, 64);
    const nodes = new Float64Array(cap * S);
    nodes.set(this.nodes);
    const depth = new Int32Array(cap);
    depth.set(this.depth);
    this.nodes = nodes;
    this.depth = depth;
  }

  private newNode(mx: number, my: number, h: number, depth: number): number {
    this.grow(this.size + 1);
    const i = this.size++;
    const o = i * S;
    const a = this.nodes;
    a[o + CX] = 0; a[o + CY] = 0; a[o + CNT] = 0;
    a[o + MX] = mx; a[o + MY] = my; a[o + HALF] = h;
    a[o + CHILD] = -1; a[o + POINT] = -1;
    this.depth[i] = depth;
    return i;
  }

  /** Build the tree over points Y (n×2, row-major). */
  build(Y: Float64Array, n: number): void {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = Y[2 * i]!, y = Y[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const h = (Math.max(maxX - minX, maxY - minY, 1e-12) / 2) * (1 + 1e-6) + 1e-12;
    this.size = 0;
    this.grow(4 * n + 8);
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, h, 0);
    for (let i = 0; i < n; i++) this.insert(i, Y[2 * i]!, Y[2 * i + 1]!, Y);
    this.flatten();
  }

  private quadrant(o: number, x: number, y: number): number {
    const a = this.nodes;
    return a[o + CHILD]! + (x >= a[o + MX]! ? 1 : 0) + (y >= a[o + MY]! ? 2 : 0);
  }

  private insert(i: number, x: number, y: number, Y: Float64Array): void {
    let node = 0;
    for (;;) {
      const a = this.nodes; // re-read: split() may grow the array
      const o = node * S;
      const c = a[o + CNT]!;
      if (a[o + CHILD]! >= 0) {
        a[o + CX] = (a[o + CX]! * c + x) / (c + 1);
        a[o + CY] = (a[o + CY]! * c + y) / (c + 1);
        a[o + CNT] = c + 1;
        node = this.quadrant(o, x, y);
        continue;
      }
      if (c === 0) {
        a[o + CX] = x; a[o + CY] = y; a[o + CNT] = 1; a[o + POINT] = i;
        return;
      }
      const j = a[o + POINT]!;
      if ((Y[2 * j] === x && Y[2 * j + 1] === y) || this.depth[node]! >= MAX_DEPTH) {
        a[o + CX] = (a[o + CX]! * c + x) / (c + 1);
        a[o + CY] = (a[o + CY]! * c + y) / (c + 1);
        a[o + CNT] = c + 1;
        return;
      }
      // Occupied leaf: split it and push the resident group down one level, then retry this node.
      const hh = a[o + HALF]! / 2;
      const mx = a[o + MX]!, my = a[o + MY]!, d = this.depth[node]! + 1;
      const first = this.newNode(mx - hh, my - hh, hh, d);
      this.newNode(mx + hh, my - hh, hh, d);
      this.newNode(mx - hh, my + hh, hh, d);
      this.newNode(mx + hh, my + hh, hh, d);
      const b = this.nodes;
      b[o + CHILD] = first;
      const q = this.quadrant(o, b[o + CX]!, b[o + CY]!) * S;
      b[q + CX] = b[o + CX]!; b[q + CY] = b[o + CY]!; b[q + CNT] = c; b[q + POINT] = j;
      b[o + POINT] = -1;
    }
  }

  /**
   * Lays the non-empty nodes out again in depth-first preorder, children in the order 3, 2, 1, 0 (the order
   * a stack that pushes 0..3 pops them), each with the index just past its subtree. The traversal then
   * needs no stack: open a cell → next record; accept it → jump past its subtree. Same visit order as the
   * stack walk, so the sums (and the map) are bit-identical; the loop is tighter and reads memory forwards.
   * Record (stride F): centre of mass x, y; count; half side² (−1 for a leaf, which is never opened); skip.
   */
  private flatten(): void {
    const a = this.nodes, m = this.size;
    if (this.sub.length < m) this.sub = new Int32Array(Math.max(m, 2 * this.sub.length));
    const sub = this.sub;
    // Subtree sizes (non-empty nodes): children are always created after their parent.
    for (let i = m - 1; i >= 0; i--) {
      const o = i * S;
      const first = a[o + CHILD]!;
      let s = 1;
      if (first >= 0) for (let c = first; c < first + 4; c++) if (a[c * S + CNT]! > 0) s += sub[c]!;
      sub[i] = s;
    }
    // Only non-empty nodes get a record (sub[0] of them), so a shared buffer sized for those stays in use.
    if (this.flat.length < sub[0]! * F) this.flat = new Float64Array(Math.max(sub[0]!, 2 * (this.flat.length / F)) * F);
    const flat = this.flat;
    const stack = this.flatStack.length >= m ? this.flatStack : (this.flatStack = new Int32Array(Math.max(m, 64)));
    let sp = 0, pos = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp]!;
      const o = node * S, f = pos * F;
      const first = a[o + CHILD]!;
      const h = a[o + HALF]!;
      flat[f] = a[o + CX]!; flat[f + 1] = a[o + CY]!; flat[f + 2] = a[o + CNT]!;
      flat[f + 3] = first < 0 ? -1 : h * h;
      flat[f + 4] = pos + sub[node]!;
      pos++;
      if (first >= 0) for (let c = first; c < first + 4; c++) if (a[c * S + CNT]! > 0) stack[sp++] = c;
    }
    this.flatSize = pos;
  }

  /** The flattened preorder records (stride 5) and how many there are; see flatten() and repelRange(). */
  get records(): Float64Array { return this.flat; }
  get recordCount(): number { return this.flatSize; }
}

/**
 * Barnes–Hut repulsion for points lo..hi−1 of Y (n×2, row-major) against the flattened tree `flat`
 * (QuadTree.records, `end` records): writes out[3i], out[3i+1] = Σ_cells N·q²·(y_i − com) and
 * out[3i+2] = Σ_cells N·q with q = 1/(1 + d²), the point itself excluded. t4 = θ²/4, since
 * (2·half)² < θ²·d² ⇔ half² < θ²/4·d². Self-contained plain code: the parallel runner ships its source
 * (Function.prototype.toString) to a worker thread, so both threads run the same arithmetic.
 */
export function repelRange(flat: Float64Array, end: number, Y: Float64Array, t4: number, lo: number, hi: number, out: Float64Array): void {
  for (let p = lo; p < hi; p++) {
    const x = Y[2 * p]!, y = Y[2 * p + 1]!;
    let sumQ = 0, fx = 0, fy = 0;
    let i = 0;
    while (i < end) {
      const o = i * 5;
      const dx = x - flat[o]!;
      const dy = y - flat[o + 1]!;
      const d2 = dx * dx + dy * dy;
      if (flat[o + 3]! >= t4 * d2) { i++; continue; } // open the cell: its first child is the next record
      i = flat[o + 4]!;
      if (d2 === 0) { sumQ += flat[o + 2]! - 1; continue; } // a leaf holding the point itself (and exact duplicates: q = 1, no force)
      const q = 1 / (1 + d2);
      const nq = flat[o + 2]! * q;
      sumQ += nq;
      const m = nq * q;
      fx += m * dx;
      fy += m * dy;
    }
    out[3 * p] = fx;
    out[3 * p + 1] = fy;
    out[3 * p + 2] = sumQ;
  }
}
