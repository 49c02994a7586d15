import { centerSquare, imagesToInput } from '@mobilenet-kit/classification';
import { describe, expect, it } from 'vitest';

describe('preprocessing: centre crop and normalization (Teachable Machine)', () => {
  // 4 wide, 2 high, one channel repeated as RGB: byte = 10·x + y.
  const data = new Uint8Array(4 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) data.fill(10 * x + y, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
  const image = { width: 4, height: 2, channels: 3 as const, data };

  it('takes the centred square of the shorter side', () => {
    const sq = centerSquare(image);
    expect([sq.width, sq.height]).toEqual([2, 2]);
    expect(Array.from(sq.data.filter((_, i) => i % 3 === 0))).toEqual([10, 20, 11, 21]);
  });

  it('scales bytes by the stored divisor and offset (pixels / 127 − 1), Keras / 127.5 − 1 by default', () => {
    const tm = imagesToInput([image], { grayscale: false, contentSize: 2, crop: 'center', normalization: { divisor: 127, offset: -1 } }, 2);
    expect(tm.shape).toEqual([1, 2, 2, 3]);
    expect(tm.data[0]).toBeCloseTo(10 / 127 - 1, 6);
    const keras = imagesToInput([centerSquare(image)], { grayscale: false, contentSize: 2 }, 2);
    expect(keras.data[3]).toBe(Math.fround(20 / 127.5 - 1));
  });
});
