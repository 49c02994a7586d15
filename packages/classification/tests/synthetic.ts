import type { ImageDataset } from '@mobilenet-kit/classification';

/**
 * An easy 4-class gray dataset for training tests: 12×12 images, a bright
 * 6×6 square in quadrant `label` on a dark noisy background (seeded).
 */
export function quadrantDataset(count: number, seed = 1): ImageDataset {
  let s = seed >>> 0 || 1;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const size = 12;
  const pixels = new Uint8Array(count * size * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 4;
    labels[i] = label;
    const oy = label < 2 ? 0 : 6;
    const ox = label % 2 === 0 ? 0 : 6;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = y >= oy && y < oy + 6 && x >= ox && x < ox + 6;
        pixels[i * size * size + y * size + x] = inside ? 180 + Math.floor(random() * 60) : Math.floor(random() * 60);
      }
    }
  }
  return { count, height: size, width: size, channels: 1, pixels, labels, classNames: ['top-left', 'top-right', 'bottom-left', 'bottom-right'] };
}
