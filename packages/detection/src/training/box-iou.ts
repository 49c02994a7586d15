/**
 * Intersection over union of every ground-truth box (rows) with every anchor
 * (columns), boxes as `[ymin, xmin, ymax, xmax]`. As TF-OD's
 * `box_list_ops.iou`: 0 where the intersection is empty.
 * Returns a row-major `[G, A]` matrix.
 */
export function iouMatrix(boxes: Float32Array, anchors: Float32Array): Float32Array {
  const g = boxes.length / 4;
  const a = anchors.length / 4;
  const out = new Float32Array(g * a);
  for (let i = 0; i < g; i++) {
    const y0 = boxes[4 * i]!;
    const x0 = boxes[4 * i + 1]!;
    const y1 = boxes[4 * i + 2]!;
    const x1 = boxes[4 * i + 3]!;
    const areaBox = (y1 - y0) * (x1 - x0);
    for (let j = 0; j < a; j++) {
      const ay0 = anchors[4 * j]!;
      const ax0 = anchors[4 * j + 1]!;
      const ay1 = anchors[4 * j + 2]!;
      const ax1 = anchors[4 * j + 3]!;
      const ih = Math.min(y1, ay1) - Math.max(y0, ay0);
      const iw = Math.min(x1, ax1) - Math.max(x0, ax0);
      if (ih <= 0 || iw <= 0) continue;
      const inter = ih * iw;
      out[i * a + j] = inter / (areaBox + (ay1 - ay0) * (ax1 - ax0) - inter);
    }
  }
  return out;
}

/** IoU of two single boxes `[ymin, xmin, ymax, xmax]`. */
export function boxIou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return iouMatrix(Float32Array.from([a[0]!, a[1]!, a[2]!, a[3]!]), Float32Array.from([b[0]!, b[1]!, b[2]!, b[3]!]))[0]!;
}
