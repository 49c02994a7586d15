import { writeFileAtomic } from '@mobilenet-kit/core/node';
import type { DetectionEvaluation } from '../evaluate/evaluate-detections';
import { prCurvesSvg } from '../evaluate/pr-curves-svg';

/** Renders `prCurvesSvg(evaluation)` to a PNG file with sharp (its SVG renderer, librsvg). */
export async function writePrCurvesPng(file: string, evaluation: DetectionEvaluation, options: Parameters<typeof prCurvesSvg>[1] = {}): Promise<void> {
  let sharp: (input: Uint8Array) => { png(): { toBuffer(): Promise<Uint8Array> } };
  try {
    sharp = ((await import('sharp')) as unknown as { default: typeof sharp }).default;
  } catch (e) {
    throw new Error(`writePrCurvesPng renders with sharp, which is not installed (npm i sharp): ${(e as Error).message}`);
  }
  const png = await sharp(new TextEncoder().encode(prCurvesSvg(evaluation, options))).png().toBuffer();
  await writeFileAtomic(file, png);
}
