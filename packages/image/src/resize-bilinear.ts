import type { HostTensor } from '@mobilenet-kit/core';
import type { RgbImage } from './types';

/**
 * Where an image's pixels lie inside the (possibly larger) grid that is
 * resampled: a `sourceHeight × sourceWidth` image at the top-left of a
 * `gridHeight × gridWidth` grid of zeros (grid = source when nothing is
 * padded). face-api pads to a square this way before resizing.
 */
export interface ResampleGrid {
  readonly source: ArrayLike<number>;
  readonly sourceHeight: number;
  readonly sourceWidth: number;
  readonly channels: number;
  readonly gridHeight: number;
  readonly gridWidth: number;
}

/** Where resampled values are written: `height × width` values at (`top`, `left`) of an `out` row-major image `rowWidth` pixels wide. */
export interface ResampleTarget {
  readonly out: Float32Array;
  readonly offset: number;
  readonly rowWidth: number;
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Bilinear resampling exactly as tfjs-backend-cpu's ResizeBilinear kernel
 * with alignCorners = false, halfPixelCenters = false
 * (tfjs-backend-cpu 4.22.0, src/kernels/ResizeBilinear.ts): the source
 * position of output row r is `r * (inH / outH)` in float64, the floor and
 * ceil rows (clamped) are blended along x then y, each value is computed
 * in float64 and rounded once to float32 when stored — so results are
 * bit-identical with tf.image.resizeBilinear on the cpu backend.
 */
export function resampleBilinear(grid: ResampleGrid, target: ResampleTarget): void {
  const { source, sourceHeight, sourceWidth, channels, gridHeight, gridWidth } = grid;
  const { out, offset, rowWidth, top, left, height, width } = target;
  const rowRatio = gridHeight / height;
  const colRatio = gridWidth / width;
  // Per output column: source columns (or -1 for padding) and the blend fraction.
  const colFloor = new Int32Array(width);
  const colCeil = new Int32Array(width);
  const colFrac = new Float64Array(width);
  for (let c = 0; c < width; c++) {
    const fractional = colRatio * c;
    const floor = Math.max(0, Math.floor(fractional));
    const ceil = Math.min(gridWidth - 1, Math.ceil(fractional));
    colFrac[c] = fractional - floor;
    colFloor[c] = floor < sourceWidth ? floor * channels : -1;
    colCeil[c] = ceil < sourceWidth ? ceil * channels : -1;
  }
  // Columns whose two source columns both lie in the image come first (padding is only at the right).
  let fullColumns = 0;
  while (fullColumns < width && colFloor[fullColumns]! >= 0 && colCeil[fullColumns]! >= 0) fullColumns++;
  const rowStride = sourceWidth * channels;
  for (let r = 0; r < height; r++) {
    const fractional = rowRatio * r;
    const floor = Math.max(0, Math.floor(fractional));
    const ceil = Math.min(gridHeight - 1, Math.ceil(fractional));
    const rowFrac = fractional - floor;
    const topRow = floor < sourceHeight ? floor * rowStride : -1;
    const bottomRow = ceil < sourceHeight ? ceil * rowStride : -1;
    let o = offset + ((top + r) * rowWidth + left) * channels;
    let c = 0;
    if (topRow >= 0 && bottomRow >= 0) {
      // Fast path, no padding involved: the same arithmetic without bounds tests.
      for (; c < fullColumns; c++) {
        const fraction = colFrac[c]!;
        const topLeftIndex = topRow + colFloor[c]!;
        const topRightIndex = topRow + colCeil[c]!;
        const bottomLeftIndex = bottomRow + colFloor[c]!;
        const bottomRightIndex = bottomRow + colCeil[c]!;
        for (let d = 0; d < channels; d++) {
          const topLeft = source[topLeftIndex + d]!;
          const bottomLeft = source[bottomLeftIndex + d]!;
          const upper = topLeft + (source[topRightIndex + d]! - topLeft) * fraction;
          const lower = bottomLeft + (source[bottomRightIndex + d]! - bottomLeft) * fraction;
          out[o++] = upper + (lower - upper) * rowFrac;
        }
      }
    }
    for (; c < width; c++) {
      const x0 = colFloor[c]!;
      const x1 = colCeil[c]!;
      const fraction = colFrac[c]!;
      for (let d = 0; d < channels; d++) {
        const topLeft = topRow >= 0 && x0 >= 0 ? source[topRow + x0 + d]! : 0;
        const topRight = topRow >= 0 && x1 >= 0 ? source[topRow + x1 + d]! : 0;
        const bottomLeft = bottomRow >= 0 && x0 >= 0 ? source[bottomRow + x0 + d]! : 0;
        const bottomRight = bottomRow >= 0 && x1 >= 0 ? source[bottomRow + x1 + d]! : 0;
        const upper = topLeft + (topRight - topLeft) * fraction;
        const lower = bottomLeft + (bottomRight - bottomLeft) * fraction;
        out[o++] = upper + (lower - upper) * rowFrac;
      }
    }
  }
}

/**
 * Resizes an RGB image or a float HWC tensor (`[h, w, c]` or `[n, h, w, c]`)
 * to `height × width` with tf.image.resizeBilinear's semantics
 * (alignCorners = false, halfPixelCenters = false), float32 out.
 */
export function resizeBilinear(image: RgbImage | HostTensor, height: number, width: number): HostTensor {
  checkTargetSize(height, width);
  const { batch, inHeight, inWidth, channels, values } = readImageOrTensor(image);
  const out = new Float32Array(batch * height * width * channels);
  const perImageIn = inHeight * inWidth * channels;
  for (let b = 0; b < batch; b++) {
    const source = batch === 1 ? values : values.subarray(b * perImageIn, (b + 1) * perImageIn);
    resampleBilinear(
      { source, sourceHeight: inHeight, sourceWidth: inWidth, channels, gridHeight: inHeight, gridWidth: inWidth },
      { out, offset: b * height * width * channels, rowWidth: width, top: 0, left: 0, height, width },
    );
  }
  const isRgb = !('shape' in image);
  const shape = isRgb || (image as HostTensor).shape.length === 3 ? [height, width, channels] : [batch, height, width, channels];
  return { shape, data: out };
}

function readImageOrTensor(image: RgbImage | HostTensor) {
  if ('shape' in image) {
    const shape = image.shape;
    if (shape.length !== 3 && shape.length !== 4) {
      throw new RangeError(`resizeBilinear: expected a tensor of shape [h, w, c] or [n, h, w, c], got [${shape.join(', ')}]`);
    }
    const [batch, inHeight, inWidth, channels] = (shape.length === 3 ? [1, ...shape] : shape) as [number, number, number, number];
    if (image.data.length !== batch * inHeight * inWidth * channels || inHeight < 1 || inWidth < 1 || channels < 1) {
      throw new RangeError(`resizeBilinear: tensor of shape [${shape.join(', ')}] holds ${image.data.length} values`);
    }
    return { batch, inHeight, inWidth, channels, values: image.data as Float32Array | Uint8Array };
  }
  if (image.data.length !== image.width * image.height * 3 || image.width < 1 || image.height < 1) {
    throw new RangeError(`resizeBilinear: RGB image ${image.width}×${image.height} holds ${image.data.length} bytes, expected ${image.width * image.height * 3}`);
  }
  return { batch: 1, inHeight: image.height, inWidth: image.width, channels: 3, values: image.data as Float32Array | Uint8Array };
}

export function checkTargetSize(height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`target size must be positive integers, got ${height}×${width}`);
  }
}
