import type { HostTensor } from '@mobilenet-kit/core';
import { resizeBilinear, type RgbImage } from '@mobilenet-kit/image';
import type { ImageDataset } from './data/dataset';
import { DEFAULT_NORMALIZATION, type InputPreprocessing } from './metadata';

/** One image as bytes with 1 or 3 channels (a dataset sample or a decoded RgbImage). */
export interface PixelImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

export function rgbToPixelImage(image: RgbImage): PixelImage {
  return { width: image.width, height: image.height, channels: 3, data: image.data };
}

export function datasetImage(dataset: ImageDataset, index: number): PixelImage {
  const size = dataset.height * dataset.width * dataset.channels;
  return { width: dataset.width, height: dataset.height, channels: dataset.channels, data: dataset.pixels.subarray(index * size, (index + 1) * size) };
}

/** The centred square of an image (side min(width, height); odd margins leave the extra pixel after, as Teachable Machine's crop does). */
export function centerSquare(image: PixelImage): PixelImage {
  const size = Math.min(image.width, image.height);
  if (image.width === size && image.height === size) return image;
  const x0 = Math.floor((image.width - size) / 2);
  const y0 = Math.floor((image.height - size) / 2);
  const c = image.channels;
  const data = new Uint8Array(size * size * c);
  for (let y = 0; y < size; y++) data.set(image.data.subarray(((y + y0) * image.width + x0) * c, ((y + y0) * image.width + x0 + size) * c), y * size * c);
  return { width: size, height: size, channels: c, data };
}

/**
 * One image as a `resolution² × channels` byte canvas (channels 1 when
 * grayscale, else 3): gray if asked, resized to `contentSize²` (no
 * resampling when the size already fits), centred on black.
 */
export function canvasBytes(image: PixelImage, p: InputPreprocessing, resolution: number): Uint8Array {
  if (p.crop === 'center') image = centerSquare(image);
  const outChannels = p.grayscale ? 1 : 3;
  let plane: ArrayLike<number> = image.data;
  let channels: number = image.channels;
  if (p.grayscale && channels === 3) {
    const gray = new Uint8Array(image.width * image.height);
    for (let i = 0; i < gray.length; i++) gray[i] = Math.round((image.data[i * 3]! + image.data[i * 3 + 1]! + image.data[i * 3 + 2]!) / 3);
    plane = gray;
    channels = 1;
  }
  const cs = p.contentSize;
  let content: ArrayLike<number> = plane;
  if (image.width !== cs || image.height !== cs) {
    content = resizeBilinear({ shape: [image.height, image.width, channels], data: Float32Array.from(plane) }, cs, cs).data;
  }
  const out = new Uint8Array(resolution * resolution * outChannels);
  const offset = Math.floor((resolution - cs) / 2);
  for (let y = 0; y < cs; y++) {
    for (let x = 0; x < cs; x++) {
      const src = (y * cs + x) * channels;
      const dst = ((y + offset) * resolution + x + offset) * outChannels;
      for (let c = 0; c < outChannels; c++) {
        const v = content[src + (channels === 1 ? 0 : c)]!;
        out[dst + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
  }
  return out;
}

/**
 * Byte canvases (`n · resolution² · channels`, channels 1 or 3) to the network
 * input `[n, resolution, resolution, 3]` in [-1, 1]; one channel is repeated
 * in all three.
 */
export function canvasesToInput(
  canvases: Uint8Array,
  n: number,
  resolution: number,
  channels: 1 | 3,
  normalization: { readonly divisor: number; readonly offset: number } = DEFAULT_NORMALIZATION,
): HostTensor {
  const { divisor, offset } = normalization;
  const pixels = n * resolution * resolution;
  if (canvases.length !== pixels * channels) throw new RangeError(`canvasesToInput: ${canvases.length} bytes for ${n} canvases of ${resolution}²×${channels}`);
  const data = new Float32Array(pixels * 3);
  if (channels === 3) {
    for (let i = 0; i < data.length; i++) data[i] = canvases[i]! / divisor + offset;
  } else {
    for (let i = 0; i < pixels; i++) {
      const v = canvases[i]! / divisor + offset;
      data[i * 3] = v;
      data[i * 3 + 1] = v;
      data[i * 3 + 2] = v;
    }
  }
  return { shape: [n, resolution, resolution, 3], data };
}

/** Images to the network input, as a classifier with this preprocessing expects. */
export function imagesToInput(images: readonly PixelImage[], p: InputPreprocessing, resolution: number): HostTensor {
  const channels = p.grayscale ? 1 : 3;
  const size = resolution * resolution * channels;
  const all = new Uint8Array(images.length * size);
  images.forEach((image, i) => all.set(canvasBytes(image, p, resolution), i * size));
  return canvasesToInput(all, images.length, resolution, channels, p.normalization);
}
