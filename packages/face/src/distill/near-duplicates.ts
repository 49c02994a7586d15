import { euclideanDistance } from '../face-matcher';

/**
 * Groups faces whose descriptors lie closer than `threshold` (transitively:
 * union-find over all pairs). The same photo often appears several times in
 * a collection (opencv's tutorials reuse their sample photos, resized or
 * filtered); keeping one face per group keeps a held-out face from having a
 * near copy among the training faces. Returns the group index of each face,
 * groups numbered in order of their first face.
 */
export function nearDuplicateGroups(descriptors: readonly ArrayLike<number>[], threshold: number): number[] {
  const parent = descriptors.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < descriptors.length; i++) {
    for (let j = i + 1; j < descriptors.length; j++) {
      if (euclideanDistance(descriptors[i]!, descriptors[j]!) < threshold) {
        const a = root(i);
        const b = root(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const numbers = new Map<number, number>();
  return descriptors.map((_, i) => {
    const r = root(i);
    if (!numbers.has(r)) numbers.set(r, numbers.size);
    return numbers.get(r)!;
  });
}
