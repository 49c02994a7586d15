import { beforeAll, describe, expect, it } from 'vitest';
import { type ImageTransform, type ResizeMode, preprocess, resizeBilinear } from '../src/index';
import { maxAbsDiff, patternImage } from './helpers';
import { cpuTf } from './tfjs';

let tf: Awaited<ReturnType<typeof cpuTf>>;
beforeAll(async () => {
  tf = await cpuTf();
});

const uniform = (width: number, height: number, value: number) => ({ width, height, data: new Uint8Array(width * height * 3).fill(value) });

describe('preprocess: normalization', () => {
  const levels = { width: 4, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255, 51, 102, 153, 127, 128, 200]) };

  it("'minusOneToOne' (default) is x / 127.5 − 1: 0 → −1, 255 → 1", () => {
    const { input } = preprocess(levels, { size: [1, 4] });
    expect(input.shape).toEqual([1, 1, 4, 3]);
    const expected = Array.from(levels.data, (v) => Math.fround(Math.fround(v / 127.5) - 1));
    expect(Array.from(input.data)).toEqual(expected);
    expect(Array.from(input.data.subarray(0, 6))).toEqual([-1, -1, -1, 1, 1, 1]);
  });

  it("'zeroToOne' is x / 255", () => {
    const { input } = preprocess(levels, { size: [1, 4], normalize: 'zeroToOne' });
    expect(Array.from(input.data)).toEqual(Array.from(levels.data, (v) => Math.fround(v / 255)));
    expect(input.data[3]).toBe(1);
  });

  it('{ mean, std } is (x / 255 − mean) / std per channel', () => {
    const mean: [number, number, number] = [0.485, 0.456, 0.406];
    const std: [number, number, number] = [0.229, 0.224, 0.225];
    const { input } = preprocess(levels, { size: [1, 4], normalize: { mean, std } });
    for (let i = 0; i < input.data.length; i++) {
      expect(input.data[i]).toBeCloseTo((levels.data[i]! / 255 - mean[i % 3]!) / std[i % 3]!, 5);
    }
  });

  it('equals tfjs ops bit for bit: sub(div(x, 127.5), 1) and sub(div(x, 255), mean) / std', () => {
    const image = patternImage(11, 7);
    const x = tf.tensor4d(Float32Array.from(image.data), [1, 7, 11, 3]);
    const minusOne = tf.sub(tf.div(x, 127.5), 1);
    expect(maxAbsDiff(preprocess(image, { size: [7, 11] }).input.data, minusOne.dataSync())).toBe(0);
    const mean = tf.tensor1d([0.5, 0.25, 0.125]);
    const std = tf.tensor1d([0.3, 0.2, 0.1]);
    const standardized = tf.div(tf.sub(tf.div(x, 255), mean), std);
    const ours = preprocess(image, { size: [7, 11], normalize: { mean: [0.5, 0.25, 0.125], std: [0.3, 0.2, 0.1] } }).input.data;
    expect(maxAbsDiff(ours, standardized.dataSync())).toBe(0);
    tf.dispose([x, minusOne, mean, std, standardized]);
  });

  it('refuses unknown normalizations and zero std', () => {
    expect(() => preprocess(levels, { size: 2, normalize: 'imagenet' as never })).toThrow(/normalize must be 'minusOneToOne', 'zeroToOne' or \{ mean/);
    expect(() => preprocess(levels, { size: 2, normalize: { mean: [0, 0, 0], std: [1, 0, 1] } })).toThrow(/std must not be 0/);
    expect(() => preprocess(levels, { size: 2, normalize: { mean: [0, 0], std: [1, 1, 1] } as never })).toThrow(/normalize must be/);
  });
});

describe('preprocess: resize modes', () => {
  it("'stretch' resizes to the input size: equals resizeBilinear then normalization", () => {
    const image = patternImage(37, 23);
    const { input, transforms } = preprocess(image, { size: [16, 20], normalize: 'zeroToOne' });
    const resized = resizeBilinear(image, 16, 20);
    expect(maxAbsDiff(input.data, resized.data.map((v) => v / 255))).toBeLessThan(1e-7);
    expect(transforms[0]).toMatchObject({ scaleX: 20 / 37, scaleY: 16 / 23, offsetX: 0, offsetY: 0, mode: 'stretch' });
  });

  it("'padBottomRight' equals face-api's pipeline in tfjs bit for bit (concat zeros at the bottom/right, resizeBilinear, /127.5 − 1)", () => {
    for (const [width, height] of [
      [61, 37],
      [37, 61],
      [40, 40],
      [300, 7],
    ] as const) {
      const image = patternImage(width, height, width);
      const pixels = tf.tensor4d(Int32Array.from(image.data), [1, height, width, 3], 'int32');
      // face-api padToSquare(img, isCenterImage = false): zeros appended after the short side.
      const diff = Math.abs(height - width);
      const padded =
        diff === 0
          ? tf.cast(pixels, 'float32')
          : tf.concat([tf.cast(pixels, 'float32'), tf.fill(height > width ? [1, height, diff, 3] : [1, diff, width, 3], 0, 'float32')], height > width ? 2 : 1);
      const resized = tf.image.resizeBilinear(padded as never, [32, 32], false, false);
      const faceApi = tf.sub(tf.div(tf.cast(resized, 'float32'), 127.5), 1);
      const { input } = preprocess(image, { size: 32, resize: 'padBottomRight' });
      expect(maxAbsDiff(input.data, faceApi.dataSync())).toBe(0);
      tf.dispose([pixels, padded, resized, faceApi]);
    }
  });

  it("'padBottomRight' leaves black (−1) below a wide image and right of a tall one", () => {
    const wide = preprocess(uniform(40, 20, 255), { size: 20, resize: 'padBottomRight' });
    const at = (data: Float32Array, x: number, y: number, width = 20) => data[(y * width + x) * 3]!;
    expect(at(wide.input.data, 10, 5)).toBe(1); // image
    expect(at(wide.input.data, 10, 15)).toBe(-1); // padding
    const tall = preprocess(uniform(20, 40, 255), { size: 20, resize: 'padBottomRight' });
    expect(at(tall.input.data, 5, 10)).toBe(1);
    expect(at(tall.input.data, 15, 10)).toBe(-1);
    expect(tall.transforms[0]).toMatchObject({ scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 0 });
  });

  it("'letterbox' keeps the aspect ratio, centred, black around: equals tfjs resize of the content then zero padding", () => {
    const image = patternImage(50, 20, 3);
    const { input, transforms } = preprocess(image, { size: [30, 40], resize: 'letterbox', normalize: 'zeroToOne' });
    // scale = min(40/50, 30/20) = 0.8: content 40×16 at top = floor((30 − 16) / 2) = 7, left 0.
    expect(transforms[0]).toMatchObject({ scaleX: 0.8, scaleY: 0.8, offsetX: 0, offsetY: 7 });
    const pixels = tf.tensor3d(Int32Array.from(image.data), [20, 50, 3], 'int32');
    const content = tf.image.resizeBilinear(pixels, [16, 40]);
    const expected = tf.div(tf.pad(content, [[7, 7], [0, 0], [0, 0]]), 255);
    expect(maxAbsDiff(input.data, expected.dataSync())).toBe(0);
    tf.dispose([pixels, content, expected]);

    const tall = preprocess(uniform(10, 30, 200), { size: 12, resize: 'letterbox', normalize: 'zeroToOne' });
    // scale 0.4: content 4×12, left = 4.
    expect(tall.transforms[0]).toMatchObject({ offsetX: 4, offsetY: 0 });
    const row = Array.from({ length: 12 }, (_, x) => Math.round(tall.input.data[(6 * 12 + x) * 3]! * 255));
    expect(row).toEqual([0, 0, 0, 0, 200, 200, 200, 200, 0, 0, 0, 0]);
  });

  it('refuses bad sizes, modes and images', () => {
    const image = patternImage(4, 4);
    expect(() => preprocess(image, { size: 0 })).toThrow('target size must be positive integers, got 0×0');
    expect(() => preprocess(image, { size: [3] as never })).toThrow(/size must be a number or \[height, width\], got \[3\]/);
    expect(() => preprocess(image, { size: 4, resize: 'crop' as ResizeMode })).toThrow(`resize must be one of 'stretch', 'padBottomRight', 'letterbox', got "crop"`);
    expect(() => preprocess([], { size: 4 })).toThrow(/no images given/);
    expect(() => preprocess([image, { width: 2, height: 2, data: new Uint8Array(5) }], { size: 4 })).toThrow(/image 1 is not an RgbImage \(2×2 with 5 bytes\)/);
  });
});

describe('preprocess: batching', () => {
  it('stacks images of different sizes into [n, h, w, 3], one transform each, each slice as if alone', () => {
    const images = [patternImage(30, 20, 1), patternImage(13, 41, 2), patternImage(8, 8, 3)];
    for (const resize of ['stretch', 'padBottomRight', 'letterbox'] as const) {
      const batch = preprocess(images, { size: [24, 18], resize });
      expect(batch.input.shape).toEqual([3, 24, 18, 3]);
      expect(batch.transforms).toHaveLength(3);
      images.forEach((image, i) => {
        const alone = preprocess(image, { size: [24, 18], resize });
        expect(Array.from(batch.input.data.subarray(i * 24 * 18 * 3, (i + 1) * 24 * 18 * 3))).toEqual(Array.from(alone.input.data));
        expect(batch.transforms[i]).toEqual(alone.transforms[0]);
      });
    }
  });
});

describe('preprocess: boxes map back to original pixels', () => {
  const box = { x: 13, y: 7, width: 21, height: 9 };
  const close = (actual: { x: number; y: number; width: number; height: number }, expected: typeof actual) => {
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(actual[key]).toBeCloseTo(expected[key], 9);
  };

  for (const resize of ['stretch', 'padBottomRight', 'letterbox'] as const) {
    it(`${resize}: original → input → original is the identity, in pixels and in normalized units`, () => {
      for (const [width, height] of [
        [120, 45],
        [45, 120],
        [64, 64],
      ] as const) {
        const [transform] = preprocess(uniform(width, height, 9), { size: [30, 50], resize }).transforms as [ImageTransform];
        expect([transform.originalWidth, transform.originalHeight, transform.inputWidth, transform.inputHeight]).toEqual([width, height, 50, 30]);
        close(transform.toOriginal(transform.toInput(box)), box);
        close(transform.toOriginal(transform.toInput(box, 'normalized'), 'normalized'), box);
        const inPixels = transform.toInput(box);
        const normalized = transform.toInput(box, 'normalized');
        close(normalized, { x: inPixels.x / 50, y: inPixels.y / 30, width: inPixels.width / 50, height: inPixels.height / 30 });
      }
    });
  }

  it('maps the whole input back to the image (stretch), to the padded square (padBottomRight) and to the image plus margins (letterbox)', () => {
    const whole = { x: 0, y: 0, width: 1, height: 1 };
    const image = uniform(200, 100, 0);
    const [stretch] = preprocess(image, { size: 50, resize: 'stretch' }).transforms;
    close(stretch!.toOriginal(whole, 'normalized'), { x: 0, y: 0, width: 200, height: 100 });
    const [pad] = preprocess(image, { size: 50, resize: 'padBottomRight' }).transforms;
    close(pad!.toOriginal(whole, 'normalized'), { x: 0, y: 0, width: 200, height: 200 });
    const [letterbox] = preprocess(image, { size: 50, resize: 'letterbox' }).transforms;
    // Content 50×25 at top 12: the input spans y from −12/0.25 = −48 to (50 − 12)/0.25 = 152.
    close(letterbox!.toOriginal(whole, 'normalized'), { x: 0, y: -48, width: 200, height: 200 });
    close(letterbox!.toOriginal({ x: 0, y: 12, width: 50, height: 25 }), { x: 0, y: 0, width: 200, height: 100 });
  });

  it('a bright square found in the input maps back onto the square in the original', () => {
    // A 300×180 black image with a white 60×40 block at (210, 20).
    const width = 300;
    const height = 180;
    const data = new Uint8Array(width * height * 3);
    for (let y = 20; y < 60; y++) for (let x = 210; x < 270; x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
    for (const resize of ['stretch', 'padBottomRight', 'letterbox'] as const) {
      const { input, transforms } = preprocess({ width, height, data }, { size: 60, resize, normalize: 'zeroToOne' });
      let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let y = 0; y < 60; y++) {
        for (let x = 0; x < 60; x++) {
          if (input.data[(y * 60 + x) * 3]! > 0.99) [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x + 1), Math.max(maxY, y + 1)];
        }
      }
      const back = transforms[0]!.toOriginal({ x: minX, y: minY, width: maxX - minX, height: maxY - minY });
      // Within a couple of input pixels, converted to original pixels.
      const tolerance = 2 / Math.min(transforms[0]!.scaleX, transforms[0]!.scaleY);
      expect(Math.abs(back.x - 210)).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(back.y - 20)).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(back.x + back.width - 270)).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(back.y + back.height - 60)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('refuses unknown units', () => {
    const [transform] = preprocess(uniform(4, 4, 0), { size: 4 }).transforms;
    expect(() => transform!.toOriginal(box, 'percent' as never)).toThrow(`box units must be 'pixels' or 'normalized', got "percent"`);
  });
});
