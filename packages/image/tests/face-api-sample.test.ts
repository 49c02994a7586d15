import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeImage, preprocess } from '../src/index';
import { maxAbsDiff } from './helpers';
import { cpuTf } from './tfjs';

// face-api's sample photo, installed for packages/detection (a dev dependency there, not here).
const sample = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../detection/node_modules/@vladmandic/face-api/demo/sample1.jpg',
);

describe.skipIf(!existsSync(sample))('face-api sample1.jpg', () => {
  it('decodes to 1920×1280 RGB and preprocesses exactly as face-api does (pad bottom/right, 512, /127.5 − 1)', async () => {
    const tf = await cpuTf();
    const image = await decodeImage(sample);
    expect([image.width, image.height, image.data.length]).toEqual([1920, 1280, 1920 * 1280 * 3]);
    const { input, transforms } = preprocess(image, { size: 512, resize: 'padBottomRight' });
    expect(input.shape).toEqual([1, 512, 512, 3]);
    expect(transforms[0]!.toOriginal({ x: 0, y: 0, width: 1, height: 1 }, 'normalized')).toEqual({ x: 0, y: 0, width: 1920, height: 1920 });

    // face-api's NetInput.toBatchTensor(512, false) + SsdMobilenetv1.forwardInput, on the same pixels.
    const expected = tf.tidy(() => {
      const pixels = tf.tensor4d(Int32Array.from(image.data), [1, 1280, 1920, 3], 'int32');
      const padded = tf.concat([tf.cast(pixels, 'float32'), tf.fill([1, 640, 1920, 3], 0, 'float32')], 1);
      const resized = tf.image.resizeBilinear(padded as never, [512, 512], false, false);
      return tf.sub(tf.div(tf.cast(resized, 'float32'), 127.5), 1);
    });
    expect(maxAbsDiff(input.data, expected.dataSync())).toBe(0);
    expected.dispose();
  });
});
