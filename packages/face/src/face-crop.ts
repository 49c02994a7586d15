import type { Box, RgbImage } from '@mobilenet-kit/image';
import { FaceOptionError } from './errors';

/** Default margin of faceCrop: a tenth of the box's longer side on each side (a starting value, not tuned). */
export const DEFAULT_FACE_MARGIN = 0.1;

export interface FaceCrop {
  /** The square crop, `side × side` pixels; parts outside the image are black (0), as face-api pads. */
  readonly image: RgbImage;
  /** Where the crop lies in the image's pixels (may extend past the border). */
  readonly region: Box;
}

/**
 * A square crop centered on a face box: side = the box's longer side ·
 * (1 + 2·margin), rounded to whole pixels (at least 1). Pixels outside the
 * image are padded with black, so a face at the border keeps its place in
 * the crop. Throws when the box is not finite, has no area, or does not
 * overlap the image.
 */
export function faceCrop(image: RgbImage, box: Box, margin = DEFAULT_FACE_MARGIN): FaceCrop {
  const where = 'faceCrop';
  if (!image || !(image.data instanceof Uint8Array) || image.data.length !== image.width * image.height * 3 || !(image.width >= 1 && image.height >= 1)) {
    throw new FaceOptionError(where, 'image', image && `${image.width}×${image.height}`, 'expected an RgbImage of at least 1×1 pixels');
  }
  if (!box || ![box.x, box.y, box.width, box.height].every(Number.isFinite) || !(box.width > 0 && box.height > 0)) {
    throw new FaceOptionError(where, 'box', box, 'expected finite { x, y, width, height } with width and height > 0');
  }
  if (typeof margin !== 'number' || !(margin >= 0 && margin <= 2)) throw new FaceOptionError(where, 'margin', margin, 'expected a number in [0, 2] (a fraction of the box side added on each side)');
  const side = Math.max(1, Math.round(Math.max(box.width, box.height) * (1 + 2 * margin)));
  const left = Math.round(box.x + box.width / 2 - side / 2);
  const top = Math.round(box.y + box.height / 2 - side / 2);
  if (left >= image.width || top >= image.height || left + side <= 0 || top + side <= 0) {
    throw new FaceOptionError(where, 'box', box, `the crop [${left}, ${top}, ${side}×${side}] does not overlap the ${image.width}×${image.height} image`);
  }
  const data = new Uint8Array(side * side * 3);
  const x0 = Math.max(0, left);
  const x1 = Math.min(image.width, left + side);
  for (let row = Math.max(0, top); row < Math.min(image.height, top + side); row++) {
    const from = (row * image.width + x0) * 3;
    data.set(image.data.subarray(from, from + (x1 - x0) * 3), ((row - top) * side + (x0 - left)) * 3);
  }
  return { image: { width: side, height: side, data }, region: { x: left, y: top, width: side, height: side } };
}
