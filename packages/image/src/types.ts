/** An 8-bit RGB image: row-major HWC, sRGB, EXIF orientation already applied. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** `width * height * 3` bytes: R, G, B for each pixel, rows top to bottom. */
  readonly data: Uint8Array;
}

/**
 * Uncompressed pixels in memory. Channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA
 * (alpha is dropped). 16-bit samples (`Uint16Array`) are scaled to 8 bits by
 * keeping the high byte (`v >> 8`), as sharp/libvips does for 16-bit PNGs.
 */
export interface RawImageInput {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray | Uint16Array;
}

/**
 * A tensor-like image (a tfjs tensor, or anything with `shape` and `dataSync()`):
 * shape `[h, w, c]` or `[1, h, w, c]` with c in 1..4, values 0..255.
 */
export interface TensorImageInput {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** Everything `decodeImage` accepts. Browser-only kinds are named by their DOM types. */
export type ImageSource =
  /** A file path (Node only). */
  | string
  /** Encoded file bytes: JPEG, PNG, WebP, GIF, TIFF, AVIF… (Node: sharp). */
  | Uint8Array
  | RawImageInput
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | TensorImageInput;

export interface DecodeOptions {
  /**
   * Largest accepted image, in pixels (width × height). Larger images are
   * rejected before their pixels are decoded (from the file header when the
   * source is encoded). Default 50e6.
   */
  maxPixels?: number;
  /**
   * Decode SVG documents (recognised by content). Off by default: SVG can
   * refer to other files. Even when on, an SVG that refers to anything outside
   * itself (file://, a relative path, http, an entity) is refused.
   */
  allowSvg?: boolean;
}

/** A box in pixels (or normalized units, where a function says so): top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
