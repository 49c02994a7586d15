import { writeFileAtomic } from '@mobilenet-kit/core/node';
import { svgToPng } from '@mobilenet-kit/image';
import type { DetectionEvaluation } from '../evaluate/evaluate-detections';
import { prCurvesSvg } from '../evaluate/pr-curves-svg';

/** Renders `prCurvesSvg(evaluation)` to a PNG file through @mobilenet-kit/image's `svgToPng` (sharp's librsvg, the system fonts). */
export async function writePrCurvesPng(file: string, evaluation: DetectionEvaluation, options: Parameters<typeof prCurvesSvg>[1] = {}): Promise<void> {
  await writeFileAtomic(file, await svgToPng(prCurvesSvg(evaluation, options)));
}
