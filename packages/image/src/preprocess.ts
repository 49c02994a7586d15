import type { HostTensor } from '@mobilenet-kit/core';
import { type Normalization, normalizeInPlace } from './normalize';
import { checkTargetSize, resampleBilinear } from './resize-bilinear';
import { rgbImageProblem } from './rgb-image-problem';
import { type ImageTransform, type ResizeMode, planInputLayout } from './transform';
import type { RgbImage } from './types';

export interface PreprocessOptions {
  /** Network input size: one number for a square, or `[height, width]`. */
  size: number | readonly [number, number];
  /** How each image is fitted into the input (default `'stretch'`). */
  resize?: ResizeMode;
  /** Value range of the result (default `'minusOneToOne'`, MobileNet's x / 127.5 − 1). */
  normalize?: Normalization;
}

export interface PreprocessResult {
  /** `[n, height, width, 3]` float32, NHWC: ready for a CompiledModel's input. */
  input: HostTensor;
  /** One per image, in order: maps boxes on the input back to that image's pixels. */
  transforms: ImageTransform[];
}

/**
 * Resizes (bilinear, tf.image.resizeBilinear semantics), pads and normalizes
 * one image or a batch into one NHWC float32 tensor. With
 * `resize: 'padBottomRight'` and the default normalization the values equal
 * face-api's SSD MobileNetV1 input bit for bit.
 */
export function preprocess(images: RgbImage | readonly RgbImage[], options: PreprocessOptions): PreprocessResult {
  const list: readonly RgbImage[] = Array.isArray(images) ? images : [images as RgbImage];
  if (list.length === 0) throw new RangeError('preprocess: no images given (an empty batch)');
  const [height, width] = resolveSize(options.size);
  const mode = options.resize ?? 'stretch';
  const perImage = height * width * 3;
  const data = new Float32Array(list.length * perImage);
  const transforms: ImageTransform[] = [];
  list.forEach((image, index) => {
    checkRgbImage(image, index);
    const layout = planInputLayout(image.width, image.height, height, width, mode);
    resampleBilinear(
      { source: image.data, sourceHeight: image.height, sourceWidth: image.width, channels: 3, gridHeight: layout.gridHeight, gridWidth: layout.gridWidth },
      { out: data, offset: index * perImage, rowWidth: width, top: layout.top, left: layout.left, height: layout.height, width: layout.width },
    );
    transforms.push(layout.transform);
  });
  normalizeInPlace(data, options.normalize ?? 'minusOneToOne');
  return { input: { shape: [list.length, height, width, 3], data }, transforms };
}

function resolveSize(size: PreprocessOptions['size']): [number, number] {
  const pair = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 2 ? size : undefined;
  if (!pair) throw new RangeError(`preprocess: size must be a number or [height, width], got ${JSON.stringify(size)}`);
  checkTargetSize(pair[0]!, pair[1]!);
  return [pair[0]!, pair[1]!];
}

function checkRgbImage(image: RgbImage, index: number): void {
  const problem = rgbImageProblem(image);
  if (problem !== undefined) throw new RangeError(`preprocess: image ${index} is not an RgbImage (${problem}); decode it with decodeImage() first`);
}
