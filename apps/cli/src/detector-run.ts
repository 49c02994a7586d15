import * as path from 'node:path';
import type { DetectionDataset, Detector } from '@mobilenet-kit/detection';
import type { CliIo } from './io';

/** Scores a detector on a dataset and writes pr-curves.png and samples.png (the first 8 images annotated) into `out`. */
export async function evaluateAndChart(detector: Detector, dataset: DetectionDataset, out: string | undefined, io: CliIo) {
  const { evaluateDetectorOnDataset, sampleGrid, writePrCurvesPng } = await import('@mobilenet-kit/detection/node');
  const { writeImage } = await import('@mobilenet-kit/image');
  const samples: Parameters<typeof sampleGrid>[0][number][] = [];
  const { evaluation } = await evaluateDetectorOnDataset(detector, dataset, {
    onImage: (i, image, detections) => {
      if (samples.length < 8) samples.push({ image, detections, truth: dataset.images[i]! });
      if (!io.quiet && (i + 1) % 50 === 0) io.stderr.write(`evaluated ${i + 1}/${dataset.images.length} images\n`);
    },
  });
  if (out) {
    await writePrCurvesPng(path.join(out, 'pr-curves.png'), evaluation);
    await writeImage(path.join(out, 'samples.png'), sampleGrid(samples, dataset.labels));
  }
  return evaluation;
}

/** `{ mAP50, mAP, perClass: { name: AP50 } }`, the figures `evaluate detector --json` prints. */
export function summarizeEvaluation(e: { mAP50: number; mAP: number; perClass: readonly { name: string; ap50: number | null; ap: number | null }[] }) {
  return { mAP50: e.mAP50, mAP: e.mAP, perClass: Object.fromEntries(e.perClass.map((c) => [c.name, c.ap50])) };
}

export function renderEvaluation(e: { mAP50: number; mAP: number; perClass: readonly { name: string; numGroundTruth: number; ap50: number | null; ap: number | null }[] }): string {
  const f = (v: number | null) => (v === null ? '   -  ' : v.toFixed(4));
  const width = Math.max(5, ...e.perClass.map((c) => c.name.length));
  const lines = [`${'class'.padEnd(width)}  objects  AP@0.5  AP@[.5:.95]`];
  for (const c of e.perClass) lines.push(`${c.name.padEnd(width)}  ${String(c.numGroundTruth).padStart(7)}  ${f(c.ap50)}  ${f(c.ap)}`);
  lines.push(`mAP@0.5 (VOC, all-point): ${e.mAP50.toFixed(4)}   mAP@[.5:.95] (COCO, 101-point): ${e.mAP.toFixed(4)}`);
  return `${lines.join('\n')}\n`;
}
