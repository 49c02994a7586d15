import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, fashionMnistFiles } from '@mobilenet-kit/classification';

/**
 * A stand-in for Fashion-MNIST in the original file format, small and easy so
 * that CLI tests run in seconds: class c is a bright 7×7 square at one of ten
 * places on a dark 28×28 image, with seeded noise.
 */
export async function writeFakeFashionMnist(dir: string, trainCount = 160, testCount = 40): Promise<void> {
  await mkdir(dir, { recursive: true });
  let s = 12345;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const [split, count] of [['train', trainCount], ['test', testCount]] as const) {
    const pixels = new Uint8Array(count * 28 * 28);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const c = i % 10;
      labels[i] = c;
      const oy = 2 + Math.floor(c / 5) * 12;
      const ox = 1 + (c % 5) * 5;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const inside = y >= oy && y < oy + 7 && x >= ox && x < ox + 7;
          pixels[i * 784 + y * 28 + x] = inside ? 200 + Math.floor(random() * 50) : Math.floor(random() * 40);
        }
      }
    }
    const files = fashionMnistFiles(split);
    await writeFile(path.join(dir, files.images), gzipSync(encodeIdx([count, 28, 28], pixels)));
    await writeFile(path.join(dir, files.labels), gzipSync(encodeIdx([count], labels)));
  }
}
