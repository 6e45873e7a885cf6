// Shared by the adversarial methods: the domain labels of a joint [source; target] batch (source 1, target 0).
export function domainLabels(ns: number, nt: number): Float32Array {
  const y = new Float32Array(ns + nt);
  y.fill(1, 0, ns);
  return y;
}
