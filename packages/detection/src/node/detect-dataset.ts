import { decodeImage, drawDetections, type RgbImage } from '@mobilenet-kit/image';
import type { DatasetImage, DetectionDataset } from '../data/dataset';
import type { Detection, Detector } from '../detector';
import { type DetectionEvaluation, evaluateDetections } from '../evaluate/evaluate-detections';

/**
 * Runs a detector over a dataset's images (one at a time) with a low score threshold (0.01, as
 * mAP needs the whole ranking) and scores them with evaluateDetections; the labels are the dataset's.
 */
export async function evaluateDetectorOnDataset(
  detector: Detector,
  dataset: DetectionDataset,
  { minScore = 0.01, maxResults = 100, onImage }: { minScore?: number; maxResults?: number; onImage?: (index: number, image: RgbImage, detections: Detection[]) => void } = {},
): Promise<{ evaluation: DetectionEvaluation; detections: Detection[][] }> {
  const all: Detection[][] = [];
  for (let i = 0; i < dataset.images.length; i++) {
    const image = await decodeImage(dataset.images[i]!.file);
    const found = await detector.detect(image, { minScore, maxResults });
    all.push(found);
    onImage?.(i, image, found);
  }
  const evaluation = evaluateDetections(
    dataset.images.map((im, i) => ({ imageId: im.id, detections: all[i]! })),
    dataset.images.map((im) => ({ imageId: im.id, objects: im.objects })),
    { labels: dataset.labels },
  );
  return { evaluation, detections: all };
}

/**
 * A grid of annotated images (tiles `tile`×`tile`, images stretched): ground truth in white,
 * detections above `minScore` in colour with label and score. Returns the grid image.
 */
export function sampleGrid(samples: readonly { image: RgbImage; detections: readonly Detection[]; truth?: DatasetImage }[], labels: readonly string[], { tile = 256, columns = 4, minScore = 0.3 } = {}): RgbImage {
  const palette: [number, number, number][] = [[0, 200, 0], [255, 80, 0], [0, 120, 255], [220, 0, 220], [240, 200, 0], [0, 200, 200]];
  const rows = Math.max(1, Math.ceil(samples.length / columns));
  const width = columns * tile;
  const height = rows * tile;
  const data = new Uint8Array(width * height * 3).fill(32);
  samples.forEach((s, k) => {
    const sx = tile / s.image.width;
    const sy = tile / s.image.height;
    const scaled = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy });
    // Nearest-neighbour stretch into the tile.
    const small = new Uint8Array(tile * tile * 3);
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        const o = (Math.min(s.image.height - 1, Math.floor(y / sy)) * s.image.width + Math.min(s.image.width - 1, Math.floor(x / sx))) * 3;
        small.set(s.image.data.subarray(o, o + 3), (y * tile + x) * 3);
      }
    }
    const marks = [
      ...(s.truth?.objects ?? []).map((o) => ({ box: scaled(o.box), color: [255, 255, 255] as [number, number, number] })),
      ...s.detections.filter((d) => d.score > minScore).map((d) => ({ box: scaled(d.box), score: d.score, label: labels[d.classIndex - 1] ?? d.label, color: palette[(d.classIndex - 1) % palette.length]! })),
    ];
    const drawn = drawDetections({ width: tile, height: tile, data: small }, marks, { lineWidth: 2, fontScale: 1 });
    const ox = (k % columns) * tile;
    const oy = Math.floor(k / columns) * tile;
    for (let y = 0; y < tile; y++) data.set(drawn.data.subarray(y * tile * 3, (y + 1) * tile * 3), ((oy + y) * width + ox) * 3);
  });
  return { width, height, data };
}
