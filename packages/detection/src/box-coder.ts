/**
 * TF-OD's center-size box coder (research/object_detection/box_coders/
 * faster_rcnn_box_coder.py, used by SSD): an encoding `[ty, tx, th, tw]`
 * relative to an anchor, with scale factors `[10, 10, 5, 5]` by default
 * (SSD MobileNetV1 configs, and face-api's outputLayer.ts).
 */

/** TF-OD's SSD scale factors [y, x, height, width]. */
export const SSD_BOX_CODER_SCALES: readonly [number, number, number, number] = Object.freeze([10, 10, 5, 5]) as unknown as readonly [number, number, number, number];

/**
 * Decodes `count` encodings against their anchors (both `[count·4]`, anchors
 * as `[ymin, xmin, ymax, xmax]`) into boxes `[ymin, xmin, ymax, xmax]`:
 * `cy = ty/sy·ha + cya`, `h = exp(th/sh)·ha`, likewise for x and w.
 */
export function decodeBoxes(
  encodings: Float32Array,
  anchors: Float32Array,
  scales: readonly [number, number, number, number] = SSD_BOX_CODER_SCALES,
  out: Float32Array = new Float32Array(anchors.length),
): Float32Array {
  if (encodings.length !== anchors.length || anchors.length % 4 !== 0) {
    throw new Error(`decodeBoxes: ${encodings.length / 4} encodings for ${anchors.length / 4} anchors; expected one [ty, tx, th, tw] per anchor`);
  }
  const [sy, sx, sh, sw] = scales;
  for (let i = 0; i < anchors.length; i += 4) {
    const ha = anchors[i + 2]! - anchors[i]!;
    const wa = anchors[i + 3]! - anchors[i + 1]!;
    const cya = anchors[i]! + ha / 2;
    const cxa = anchors[i + 1]! + wa / 2;
    const cy = (encodings[i]! / sy) * ha + cya;
    const cx = (encodings[i + 1]! / sx) * wa + cxa;
    const h2 = (Math.exp(encodings[i + 2]! / sh) * ha) / 2;
    const w2 = (Math.exp(encodings[i + 3]! / sw) * wa) / 2;
    out[i] = cy - h2;
    out[i + 1] = cx - w2;
    out[i + 2] = cy + h2;
    out[i + 3] = cx + w2;
  }
  return out;
}

/**
 * Encodes boxes `[ymin, xmin, ymax, xmax]` against anchors: the inverse of
 * decodeBoxes (TF-OD adds ε = 1e-8 to the sizes before dividing and taking logs).
 */
export function encodeBoxes(
  boxes: Float32Array,
  anchors: Float32Array,
  scales: readonly [number, number, number, number] = SSD_BOX_CODER_SCALES,
): Float32Array {
  if (boxes.length !== anchors.length || anchors.length % 4 !== 0) {
    throw new Error(`encodeBoxes: ${boxes.length / 4} boxes for ${anchors.length / 4} anchors; expected one box per anchor`);
  }
  const EPS = 1e-8;
  const [sy, sx, sh, sw] = scales;
  const out = new Float32Array(anchors.length);
  for (let i = 0; i < anchors.length; i += 4) {
    const ha = anchors[i + 2]! - anchors[i]! + EPS;
    const wa = anchors[i + 3]! - anchors[i + 1]! + EPS;
    const cya = anchors[i]! + (anchors[i + 2]! - anchors[i]!) / 2;
    const cxa = anchors[i + 1]! + (anchors[i + 3]! - anchors[i + 1]!) / 2;
    const h = boxes[i + 2]! - boxes[i]! + EPS;
    const w = boxes[i + 3]! - boxes[i + 1]! + EPS;
    const cy = boxes[i]! + (boxes[i + 2]! - boxes[i]!) / 2;
    const cx = boxes[i + 1]! + (boxes[i + 3]! - boxes[i + 1]!) / 2;
    out[i] = ((cy - cya) / ha) * sy;
    out[i + 1] = ((cx - cxa) / wa) * sx;
    out[i + 2] = Math.log(h / ha) * sh;
    out[i + 3] = Math.log(w / wa) * sw;
  }
  return out;
}
