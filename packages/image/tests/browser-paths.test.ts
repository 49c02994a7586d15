import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCanvas2D, decodeBytesInBrowser, decodeDrawable } from '../src/decode-browser';
import { encodeInBrowser } from '../src/encode';
import { ImageError, decodeImage } from '../src/index';
import { classifySource, describeSource } from '../src/source-kind';

// Node has no DOM: these tests stand in small fakes for the browser classes, to
// check our side of the browser paths (sorting sources, sizes, waiting for
// <img> loads, reading pixels back, dropping alpha). Real browsers come with
// the browser test harness of a later issue.

/** A fake drawable carrying its own RGBA pixels, which the fake canvas "draws". */
class FakeBitmap {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly rgba: Uint8ClampedArray,
  ) {}
  close() {}
}

class FakeImageElement {
  complete = false;
  naturalWidth = 0;
  naturalHeight = 0;
  width = 300; // layout size, not the pixel size
  height = 150;
  rgba: Uint8ClampedArray = new Uint8ClampedArray(0);
  constructor(readonly src: string, private readonly loaded?: { width: number; height: number; rgba: Uint8ClampedArray }) {}
  decode = vi.fn(async () => {
    if (!this.loaded) throw new Error('EncodingError: The source image cannot be decoded.');
    this.complete = true;
    this.naturalWidth = this.loaded.width;
    this.naturalHeight = this.loaded.height;
    this.rgba = this.loaded.rgba;
  });
}

const drawn: unknown[] = [];
class FakeOffscreenCanvas {
  private source?: { rgba: Uint8ClampedArray };
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}
  getContext(kind: string) {
    if (kind !== '2d') return null;
    return {
      drawImage: (source: { rgba: Uint8ClampedArray }, dx: number, dy: number) => {
        expect([dx, dy]).toEqual([0, 0]);
        drawn.push(source);
        this.source = source;
      },
      getImageData: (x: number, y: number, w: number, h: number) => {
        expect([x, y, w, h]).toEqual([0, 0, this.width, this.height]);
        return { width: w, height: h, data: this.source!.rgba };
      },
    };
  }
}

const rgba2x1 = () => new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 0]);

afterEach(() => {
  vi.unstubAllGlobals();
  drawn.length = 0;
});

describe('browser sources', () => {
  it('sorts sources by kind, DOM ones by instanceof the globals present', () => {
    vi.stubGlobal('ImageBitmap', FakeBitmap);
    vi.stubGlobal('HTMLImageElement', FakeImageElement);
    expect(classifySource(new FakeBitmap(1, 1, new Uint8ClampedArray(4))).kind).toBe('drawable');
    expect(classifySource(new FakeImageElement('a.jpg')).kind).toBe('drawable');
    expect(classifySource({ width: 1, height: 1, data: new Uint8ClampedArray(4) }).kind).toBe('imageData');
    expect(classifySource({ width: 1, height: 1, channels: 4, data: new Uint8ClampedArray(4) }).kind).toBe('raw');
    expect(classifySource({ shape: [1, 1, 3], dataSync: () => [0, 0, 0] }).kind).toBe('tensor');
    expect(classifySource('a.png').kind).toBe('path');
    expect(classifySource(new Uint8Array(2)).kind).toBe('bytes');
    expect(classifySource(new ArrayBuffer(2)).kind).toBe('bytes');
    expect(classifySource(new Map()).kind).toBe('unknown');
    expect(describeSource(classifySource(new FakeImageElement('photos/cat.jpg')))).toBe('FakeImageElement "photos/cat.jpg"');
    expect(describeSource(classifySource(new FakeImageElement(`data:image/png;base64,${'A'.repeat(500)}`)))).toHaveLength(16 + 2 + 80 + 1);
  });

  it('reads an ImageBitmap through an OffscreenCanvas, dropping alpha', async () => {
    vi.stubGlobal('ImageBitmap', FakeBitmap);
    vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
    const bitmap = new FakeBitmap(2, 1, rgba2x1());
    const image = await decodeImage(bitmap as unknown as ImageBitmap);
    expect([image.width, image.height, ...image.data]).toEqual([2, 1, 10, 20, 30, 40, 50, 60]);
    expect(drawn).toEqual([bitmap]);
  });

  it('waits for an <img> to load and uses its natural size, not its layout size', async () => {
    vi.stubGlobal('HTMLImageElement', FakeImageElement);
    vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
    const element = new FakeImageElement('cat.jpg', { width: 2, height: 1, rgba: rgba2x1() });
    const image = await decodeImage(element as unknown as HTMLImageElement);
    expect(element.decode).toHaveBeenCalledOnce();
    expect([image.width, image.height, ...image.data]).toEqual([2, 1, 10, 20, 30, 40, 50, 60]);
  });

  it('reports an <img> that fails to load, naming its src', async () => {
    vi.stubGlobal('HTMLImageElement', FakeImageElement);
    vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
    const error = await decodeImage(new FakeImageElement('broken.jpg') as unknown as HTMLImageElement).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).toBe('FakeImageElement "broken.jpg": the image failed to load or decode (EncodingError: The source image cannot be decoded.)');
    const loadedEmpty = Object.assign(new FakeImageElement('empty.svg'), { complete: true });
    await expect(decodeImage(loadedEmpty as unknown as HTMLImageElement)).rejects.toThrow('FakeImageElement "empty.svg": image is 0×0: not loaded, broken, or empty');
  });

  it('checks maxPixels before drawing anything', async () => {
    vi.stubGlobal('ImageBitmap', FakeBitmap);
    vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
    await expect(decodeImage(new FakeBitmap(100, 100, new Uint8ClampedArray(0)) as unknown as ImageBitmap, { maxPixels: 9999 })).rejects.toThrow(
      'FakeBitmap: image is 100×100 = 10000 pixels, more than maxPixels 9999',
    );
    expect(drawn).toEqual([]);
  });

  it('falls back to a detached <canvas> without OffscreenCanvas, and says so when there is neither', async () => {
    const created: { width: number; height: number }[] = [];
    vi.stubGlobal('document', {
      createElement: (tag: string) => {
        expect(tag).toBe('canvas');
        const canvas = new FakeOffscreenCanvas(0, 0) as unknown as { width: number; height: number };
        created.push(canvas);
        return canvas;
      },
    });
    const image = await decodeDrawable(new FakeBitmap(2, 1, rgba2x1()) as unknown as ImageBitmap, 'bitmap', 100);
    expect(Array.from(image.data)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(created.map((c) => [c.width, c.height])).toEqual([[2, 1]]);
    vi.unstubAllGlobals();
    expect(() => createCanvas2D(2, 2, 'bitmap')).toThrow('bitmap: no canvas here (neither OffscreenCanvas nor document)');
  });
});

describe('browser bytes and PNG encoding', () => {
  it('decodes bytes with createImageBitmap (EXIF from the image) and closes the bitmap', async () => {
    vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
    const bitmap = new FakeBitmap(2, 1, rgba2x1());
    const close = vi.spyOn(bitmap, 'close');
    const createImageBitmap = vi.fn(async (blob: Blob, options: { imageOrientation: string }) => {
      expect(Array.from(new Uint8Array(await blob.arrayBuffer()))).toEqual([1, 2, 3]);
      expect(options.imageOrientation).toBe('from-image');
      return bitmap;
    });
    vi.stubGlobal('createImageBitmap', createImageBitmap);
    const image = await decodeBytesInBrowser(new Uint8Array([1, 2, 3]), 'image bytes (3 bytes)', 100);
    expect(Array.from(image.data)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(close).toHaveBeenCalledOnce();
    vi.stubGlobal('createImageBitmap', async () => {
      throw new Error('InvalidStateError: The source image could not be decoded.');
    });
    await expect(decodeBytesInBrowser(new Uint8Array([1, 2, 3]), 'image bytes (3 bytes)', 100)).rejects.toThrow(
      'image bytes (3 bytes): the browser cannot decode these bytes as an image (InvalidStateError',
    );
  });

  it('encodes a PNG by putting opaque RGBA on a canvas and asking it for image/png', async () => {
    let put: { data: Uint8ClampedArray; width: number; height: number } | undefined;
    class FakeImageData {
      constructor(
        readonly data: Uint8ClampedArray,
        readonly width: number,
        readonly height: number,
      ) {}
    }
    class PngCanvas {
      constructor(
        readonly width: number,
        readonly height: number,
      ) {}
      getContext() {
        return { canvas: this, putImageData: (data: FakeImageData) => (put = data) };
      }
      async convertToBlob(options: { type: string }) {
        expect(options.type).toBe('image/png');
        return new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])]);
      }
    }
    vi.stubGlobal('OffscreenCanvas', PngCanvas);
    vi.stubGlobal('ImageData', FakeImageData);
    const bytes = await encodeInBrowser({ width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) }, 'RGB image 2×1');
    expect(Array.from(bytes)).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect([put!.width, put!.height, ...put!.data]).toEqual([2, 1, 1, 2, 3, 255, 4, 5, 6, 255]);
  });
});
