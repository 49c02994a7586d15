import { DetectionOptionError } from '../errors';

/**
 * Anchors as the training API accepts them: corner boxes `[ymin, xmin, ymax, xmax]`
 * in normalized image coordinates, either flat (`4·A` numbers, as the anchor
 * generator returns them) or as a host tensor of shape `[A, 4]` / `[1, A, 4]`
 * (the layout of face-api's stored `Output/extra_dim`).
 */
export type AnchorsInput = Float32Array | readonly number[] | { readonly shape: readonly number[]; readonly data: Float32Array | readonly number[] };

/** The anchors as one flat Float32Array of `4·A` corner coordinates; checks the layout. */
export function flatAnchors(anchors: AnchorsInput, where: string): Float32Array {
  let data: Float32Array | readonly number[];
  if (anchors instanceof Float32Array || Array.isArray(anchors)) {
    data = anchors as Float32Array | readonly number[];
  } else if (anchors && typeof anchors === 'object' && 'shape' in anchors && 'data' in anchors) {
    const { shape } = anchors;
    const ok = (shape.length === 2 && shape[1] === 4) || (shape.length === 3 && shape[0] === 1 && shape[2] === 4);
    if (!ok) throw new DetectionOptionError(where, 'anchors.shape', shape, 'anchors are [A, 4] or [1, A, 4] (ymin, xmin, ymax, xmax)');
    data = anchors.data;
  } else {
    throw new DetectionOptionError(where, 'anchors', anchors, 'pass a Float32Array of 4·A corner coordinates or { shape: [A, 4], data }');
  }
  if (data.length === 0 || data.length % 4 !== 0) {
    throw new DetectionOptionError(where, 'anchors.length', data.length, 'a positive multiple of 4 (ymin, xmin, ymax, xmax per anchor)');
  }
  const flat = data instanceof Float32Array ? data : Float32Array.from(data);
  for (let i = 0; i < flat.length; i += 4) {
    if (!(flat[i + 2]! > flat[i]! && flat[i + 3]! > flat[i + 1]!)) {
      throw new DetectionOptionError(where, `anchors[${i / 4}]`, Array.from(flat.subarray(i, i + 4)), 'each anchor needs ymax > ymin and xmax > xmin');
    }
  }
  return flat;
}
