// Barnes–Hut quadtree for the t-SNE repulsive forces in 2-D: a cell far enough away (side / distance < θ)
// acts as one point of mass `count` at its centre of mass. One flat Float64Array (a node's fields share
// a cache line), rebuilt every iteration without allocating.

const MAX_DEPTH = 48; // deeper than this only exact duplicates remain; they share one leaf.
// Node record layout (stride 8): centre of mass x, y; count; cell centre x, y; half side; first child; point.
const S = 8;
const CX = 0, CY = 1, CNT = 2, MX = 3, MY = 4, HALF = 5, CHILD = 6, POINT = 7;

export class QuadTree {
  private nodes = new Float64Array(0);
  private size = 0;
  private depth = new Int32Array(0);
  private stack = new Int32Array(4 * MAX_DEPTH + 8);

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
   * Unnormalised repulsion on the point at (x, y): writes Σ_cells N·q²·(y_i − com) to out[0..1]
   * and returns Σ_cells N·q with q = 1/(1 + d²); the point itself is excluded.
   */
  repulsion(x: number, y: number, theta2: number, out: Float64Array): number {
    const stack = this.stack;
    const a = this.nodes;
    let sp = 0;
    stack[sp++] = 0;
    let sumQ = 0, fx = 0, fy = 0;
    const t4 = theta2 / 4; // (2·half)² < θ²·d²  ⇔  half² < θ²/4·d²
    while (sp > 0) {
      const o = stack[--sp]! * S;
      const cnt = a[o + CNT]!;
      const dx = x - a[o + CX]!;
      const dy = y - a[o + CY]!;
      const d2 = dx * dx + dy * dy;
      const first = a[o + CHILD]!;
      if (first < 0) {
        if (d2 === 0) { sumQ += cnt - 1; continue; } // the point itself (and exact duplicates: q = 1, no force)
      } else {
        const h = a[o + HALF]!;
        if (h * h >= t4 * d2) {
          // Open the cell; empty children are skipped here rather than popped later.
          const f = first * S;
          if (a[f + CNT]! > 0) stack[sp++] = first;
          if (a[f + S + CNT]! > 0) stack[sp++] = first + 1;
          if (a[f + 2 * S + CNT]! > 0) stack[sp++] = first + 2;
          if (a[f + 3 * S + CNT]! > 0) stack[sp++] = first + 3;
          continue;
        }
      }
      const q = 1 / (1 + d2);
      const nq = cnt * q;
      sumQ += nq;
      const m = nq * q;
      fx += m * dx;
      fy += m * dy;
    }
    out[0] = fx;
    out[1] = fy;
    return sumQ;
  }
}
