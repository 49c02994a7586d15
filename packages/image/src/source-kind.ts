import type { Drawable } from './decode-browser';
import type { RawImageInput, TensorImageInput } from './types';

export type ClassifiedSource =
  | { kind: 'path'; path: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'raw'; raw: RawImageInput }
  | { kind: 'imageData'; imageData: { width: number; height: number; data: Uint8ClampedArray } }
  | { kind: 'drawable'; drawable: Drawable }
  | { kind: 'tensor'; tensor: TensorImageInput }
  | { kind: 'unknown'; value: unknown };

const drawableConstructors = ['HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas', 'ImageBitmap'] as const;

/**
 * Sorts an `ImageSource` by kind. DOM kinds are recognized with `instanceof`
 * against the globals that exist here; ImageData also by its shape
 * (`width`, `height`, a `Uint8ClampedArray` of RGBA, no `channels`), since
 * Node has no ImageData class but code may build one.
 */
export function classifySource(source: unknown): ClassifiedSource {
  if (typeof source === 'string') return { kind: 'path', path: source };
  if (source instanceof Uint8Array) return { kind: 'bytes', bytes: source };
  if (source instanceof ArrayBuffer) return { kind: 'bytes', bytes: new Uint8Array(source) };
  if (typeof source !== 'object' || source === null) return { kind: 'unknown', value: source };
  const object = source as Record<string, unknown>;
  if (typeof object.dataSync === 'function' && Array.isArray(object.shape)) return { kind: 'tensor', tensor: source as TensorImageInput };
  for (const name of drawableConstructors) {
    const domClass = (globalThis as Record<string, unknown>)[name];
    if (typeof domClass === 'function' && source instanceof (domClass as new () => object)) {
      return { kind: 'drawable', drawable: source as Drawable };
    }
  }
  if ('channels' in object && 'data' in object) return { kind: 'raw', raw: source as RawImageInput };
  // An RgbImage (already decoded) passes through as 3-channel raw pixels.
  if (typeof object.width === 'number' && typeof object.height === 'number' && object.data instanceof Uint8Array) {
    return { kind: 'raw', raw: { width: object.width, height: object.height, channels: 3, data: object.data } };
  }
  if (typeof object.width === 'number' && typeof object.height === 'number' && object.data instanceof Uint8ClampedArray) {
    return { kind: 'imageData', imageData: source as { width: number; height: number; data: Uint8ClampedArray } };
  }
  return { kind: 'unknown', value: source };
}

/** How error messages name a source: `image file "a.jpg"`, `image bytes (1234 bytes)`, `raw image 4×3×3`… */
export function describeSource(classified: ClassifiedSource): string {
  switch (classified.kind) {
    case 'path':
      return `image file "${classified.path}"`;
    case 'bytes':
      return `image bytes (${classified.bytes.byteLength} bytes${sniffFormat(classified.bytes)})`;
    case 'raw': {
      const { width, height, channels, data } = classified.raw;
      return `raw image ${width}×${height}×${channels} (${data?.constructor?.name ?? typeof data})`;
    }
    case 'imageData':
      return `ImageData ${classified.imageData.width}×${classified.imageData.height}`;
    case 'drawable': {
      const drawable = classified.drawable as { constructor: { name: string }; src?: unknown; width: number; height: number };
      const src = typeof drawable.src === 'string' && drawable.src ? ` "${shorten(drawable.src, 80)}"` : '';
      return `${drawable.constructor.name}${src}`;
    }
    case 'tensor':
      return `tensor [${Array.from(classified.tensor.shape).join(', ')}]`;
    case 'unknown':
      return 'image source';
  }
}

const signatures: readonly [string, readonly number[]][] = [
  ['JPEG', [0xff, 0xd8, 0xff]],
  ['PNG', [0x89, 0x50, 0x4e, 0x47]],
  ['GIF', [0x47, 0x49, 0x46, 0x38]],
  ['WebP', [0x52, 0x49, 0x46, 0x46]],
  ['TIFF', [0x49, 0x49, 0x2a, 0x00]],
  ['TIFF', [0x4d, 0x4d, 0x00, 0x2a]],
];

/** `", starts like a PNG"` when the first bytes are a known signature: helps read a decode error. */
function sniffFormat(bytes: Uint8Array): string {
  for (const [name, signature] of signatures) {
    if (bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte)) return `, starts like a ${name}`;
  }
  return '';
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
