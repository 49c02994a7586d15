import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { FASHION_MNIST_DEFAULT_DIR, folderNameOf } from '@mobilenet-kit/classification';
import { missingFashionMnistFiles, readFashionMnist } from '@mobilenet-kit/classification/node';
import { writeImage } from '@mobilenet-kit/image';

/** True when Fashion-MNIST's test files are installed (Debian dataset-fashion-mnist). */
export async function haveFashionMnistTest(dir = FASHION_MNIST_DEFAULT_DIR): Promise<boolean> {
  const missing = await missingFashionMnistFiles(dir);
  return !missing.some((f) => f.startsWith('t10k'));
}

/**
 * Writes images of Fashion-MNIST's real test set as an image folder, one
 * subfolder per class (named as folderNameOf names the label: T-shirt_top):
 * for each class in `classes`, its images number `skip`..`skip + perClass − 1`
 * in test-set order, as 28×28 PNG files. Returns the folder.
 */
export async function writeFashionMnistFolder(root: string, options: { classes: readonly number[]; perClass: number; skip?: number }): Promise<string> {
  const test = await readFashionMnist('test');
  const seen = new Map<number, number>();
  const skip = options.skip ?? 0;
  for (let i = 0; i < test.count; i++) {
    const c = test.labels[i]!;
    if (!options.classes.includes(c)) continue;
    const k = seen.get(c) ?? 0;
    seen.set(c, k + 1);
    if (k < skip || k >= skip + options.perClass) continue;
    const dir = path.join(root, folderNameOf(test.classNames[c]!));
    await mkdir(dir, { recursive: true });
    const data = new Uint8Array(28 * 28 * 3);
    for (let p = 0; p < 28 * 28; p++) data.fill(test.pixels[i * 784 + p]!, p * 3, p * 3 + 3);
    await writeImage(path.join(dir, `${String(i).padStart(5, '0')}.png`), { width: 28, height: 28, data });
  }
  return root;
}
