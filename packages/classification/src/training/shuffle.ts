/** Fisher–Yates shuffle of 0..n−1 driven by `random` (uniform [0, 1)). */
export function shuffledIndices(n: number, random: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * A stratified split: `fraction` of each class (rounded, at least one when a
 * class has two or more samples and fraction > 0) goes to validation.
 */
export function validationSplit(labels: ArrayLike<number>, fraction: number, random: () => number): { train: Int32Array; validation: Int32Array } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validation fraction must be in [0, 1), got ${fraction}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let list = byClass.get(l);
    if (!list) byClass.set(l, (list = []));
    list.push(i);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(c)!;
    const order = shuffledIndices(list.length, random);
    let k = Math.round(list.length * fraction);
    if (fraction > 0 && k === 0 && list.length >= 2) k = 1;
    order.forEach((o, i) => (i < k ? validation : train).push(list[o]!));
  }
  return { train: Int32Array.from(train.sort((a, b) => a - b)), validation: Int32Array.from(validation.sort((a, b) => a - b)) };
}
