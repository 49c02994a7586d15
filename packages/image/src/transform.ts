import type { Box } from './types';

/**
 * How an image is fitted into the network input:
 * - `stretch`: resized to the input size, aspect ratio not kept;
 * - `padBottomRight`: padded with zeros at the bottom or right to a square,
 *   then resized (what face-api does before its SSD MobileNetV1);
 * - `letterbox`: resized keeping the aspect ratio, centred, zeros around.
 * Zeros are pixel values (black), normalized like every other pixel.
 */
export type ResizeMode = 'stretch' | 'padBottomRight' | 'letterbox';

export const RESIZE_MODES: readonly ResizeMode[] = ['stretch', 'padBottomRight', 'letterbox'];

export type BoxUnits = 'normalized' | 'pixels';

/**
 * The mapping between original-image pixels and network-input pixels:
 * `input = original * scale + offset` on each axis.
 */
export interface ImageTransform {
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly mode: ResizeMode;
  readonly scaleX: number;
  readonly scaleY: number;
  readonly offsetX: number;
  readonly offsetY: number;
  /**
   * Maps a box in network-input coordinates back to original-image pixels.
   * `units`: `'pixels'` (default) for input pixels, `'normalized'` for
   * [0, 1] fractions of the input's width and height (SSD box outputs).
   * No clipping: use `clipBox` for that.
   */
  toOriginal(box: Box, units?: BoxUnits): Box;
  /** The inverse: a box in original-image pixels to network-input coordinates in `units` (default `'pixels'`). */
  toInput(box: Box, units?: BoxUnits): Box;
}

/** Where one image goes in the input: the grid that is resampled and the rectangle it fills. */
export interface InputLayout {
  readonly transform: ImageTransform;
  /** Size of the zero-padded grid resampled (the image sits at its top-left). */
  readonly gridHeight: number;
  readonly gridWidth: number;
  /** Rectangle of the input that the resampled grid fills. */
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

export function planInputLayout(
  originalWidth: number,
  originalHeight: number,
  inputHeight: number,
  inputWidth: number,
  mode: ResizeMode,
): InputLayout {
  switch (mode) {
    case 'stretch':
      return {
        transform: new AffineImageTransform(originalWidth, originalHeight, inputWidth, inputHeight, mode, inputWidth / originalWidth, inputHeight / originalHeight, 0, 0),
        gridHeight: originalHeight,
        gridWidth: originalWidth,
        top: 0,
        left: 0,
        height: inputHeight,
        width: inputWidth,
      };
    case 'padBottomRight': {
      // face-api padToSquare(…, isCenterImage = false): the short side gets |h - w| zero rows/columns appended.
      const side = Math.max(originalWidth, originalHeight);
      return {
        transform: new AffineImageTransform(originalWidth, originalHeight, inputWidth, inputHeight, mode, inputWidth / side, inputHeight / side, 0, 0),
        gridHeight: side,
        gridWidth: side,
        top: 0,
        left: 0,
        height: inputHeight,
        width: inputWidth,
      };
    }
    case 'letterbox': {
      const scale = Math.min(inputWidth / originalWidth, inputHeight / originalHeight);
      const width = Math.min(inputWidth, Math.max(1, Math.round(originalWidth * scale)));
      const height = Math.min(inputHeight, Math.max(1, Math.round(originalHeight * scale)));
      const left = Math.floor((inputWidth - width) / 2);
      const top = Math.floor((inputHeight - height) / 2);
      return {
        // The scale actually applied per axis (after rounding the content size), so boxes map back exactly.
        transform: new AffineImageTransform(originalWidth, originalHeight, inputWidth, inputHeight, mode, width / originalWidth, height / originalHeight, left, top),
        gridHeight: originalHeight,
        gridWidth: originalWidth,
        top,
        left,
        height,
        width,
      };
    }
    default:
      throw new RangeError(`resize must be one of ${RESIZE_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  }
}

export class AffineImageTransform implements ImageTransform {
  constructor(
    readonly originalWidth: number,
    readonly originalHeight: number,
    readonly inputWidth: number,
    readonly inputHeight: number,
    readonly mode: ResizeMode,
    readonly scaleX: number,
    readonly scaleY: number,
    readonly offsetX: number,
    readonly offsetY: number,
  ) {}

  toOriginal(box: Box, units: BoxUnits = 'pixels'): Box {
    checkUnits(units);
    const unitX = units === 'normalized' ? this.inputWidth : 1;
    const unitY = units === 'normalized' ? this.inputHeight : 1;
    return {
      x: (box.x * unitX - this.offsetX) / this.scaleX,
      y: (box.y * unitY - this.offsetY) / this.scaleY,
      width: (box.width * unitX) / this.scaleX,
      height: (box.height * unitY) / this.scaleY,
    };
  }

  toInput(box: Box, units: BoxUnits = 'pixels'): Box {
    checkUnits(units);
    const unitX = units === 'normalized' ? this.inputWidth : 1;
    const unitY = units === 'normalized' ? this.inputHeight : 1;
    return {
      x: (box.x * this.scaleX + this.offsetX) / unitX,
      y: (box.y * this.scaleY + this.offsetY) / unitY,
      width: (box.width * this.scaleX) / unitX,
      height: (box.height * this.scaleY) / unitY,
    };
  }
}

function checkUnits(units: BoxUnits): void {
  if (units !== 'pixels' && units !== 'normalized') throw new RangeError(`box units must be 'pixels' or 'normalized', got ${JSON.stringify(units)}`);
}

/** Clips a box to a `width × height` image (a box wholly outside becomes empty, at the nearest edge). */
export function clipBox(box: Box, width: number, height: number): Box {
  const x0 = Math.min(width, Math.max(0, box.x));
  const y0 = Math.min(height, Math.max(0, box.y));
  const x1 = Math.min(width, Math.max(0, box.x + box.width));
  const y1 = Math.min(height, Math.max(0, box.y + box.height));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
