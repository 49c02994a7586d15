import { access } from 'node:fs/promises';
import { checkBoxes, type DatasetProblems, type DetectionDataset } from '../data/dataset';

type SharpModule = (file: string) => { metadata(): Promise<{ width?: number; height?: number; orientation?: number }> };

async function loadSharp(): Promise<SharpModule> {
  try {
    return ((await import('sharp')) as unknown as { default: SharpModule }).default;
  } catch (e) {
    throw new Error(`validateDataset reads image sizes with sharp, which is not installed (npm i sharp): ${(e as Error).message}`);
  }
}

/**
 * Checks a dataset against its image files: every file exists and decodes to the annotated
 * width × height (EXIF orientation 5–8 swaps them, as decoders rotate), every box is non-empty
 * and inside its image (within `tolerance` pixels) with a known class. Lists every problem; throws nothing for them.
 */
export async function validateDataset(dataset: DetectionDataset, { tolerance = 1 } = {}): Promise<DatasetProblems & { ok: boolean }> {
  const sharp = await loadSharp();
  const missingFiles: string[] = [];
  const sizeMismatches: { file: string; annotated: [number, number]; actual: [number, number] }[] = [];
  for (const image of dataset.images) {
    try {
      await access(image.file);
      const m = await sharp(image.file).metadata();
      const swap = (m.orientation ?? 1) >= 5;
      const actual: [number, number] = swap ? [m.height ?? 0, m.width ?? 0] : [m.width ?? 0, m.height ?? 0];
      if (actual[0] !== image.width || actual[1] !== image.height) sizeMismatches.push({ file: image.file, annotated: [image.width, image.height], actual });
    } catch {
      missingFiles.push(image.file);
    }
  }
  const badBoxes = checkBoxes(dataset, tolerance);
  return { missingFiles, sizeMismatches, badBoxes, ok: missingFiles.length + sizeMismatches.length + badBoxes.length === 0 };
}
