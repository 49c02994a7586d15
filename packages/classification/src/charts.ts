import { type Detection, drawDetections, type RgbImage } from '@mobilenet-kit/image';
import type { ConfusionMatrix } from './metrics';

type Rgb = readonly [number, number, number];

/** A white RGB canvas with a few drawing primitives. */
class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 3).fill(255);
  }
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
  }
  rect(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(this.height, Math.round(y1)); y++) for (let x = Math.max(0, Math.round(x0)); x < Math.min(this.width, Math.round(x1)); x++) this.set(x, y, c);
  }
  /** A line two pixels thick (Bresenham-free: enough samples along the segment). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      this.set(x, y, c);
      this.set(x + 1, y, c);
      this.set(x, y + 1, c);
    }
  }
  image(): RgbImage {
    return { width: this.width, height: this.height, data: this.data };
  }
}

const BLUE: Rgb = [31, 119, 180];
const ORANGE: Rgb = [255, 127, 14];
const GRAY: Rgb = [200, 200, 200];
const BLACK: Rgb = [0, 0, 0];

/** Captions through @mobilenet-kit/image's drawDetections (its 5×7 font): a box of height 0 at (x, y) carries the text above it. */
function captions(image: RgbImage, items: { x: number; y: number; text: string; color: Rgb }[], fontScale = 1): RgbImage {
  const detections: Detection[] = items.map((i) => ({ box: { x: i.x, y: i.y, width: 1, height: 1 }, label: i.text, color: i.color as [number, number, number] }));
  return drawDetections(image, detections, { fontScale, lineWidth: 1 });
}

export interface CurvePoint {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
}

/**
 * Loss (left) and accuracy (right) per epoch: training in blue, validation in
 * orange; the y axes span the data (accuracy 0..1), grid lines every tenth.
 */
export function renderTrainingCurves(history: readonly CurvePoint[], size: { width: number; height: number } = { width: 800, height: 320 }): RgbImage {
  const canvas = new Canvas(size.width, size.height);
  const panelWidth = Math.floor(size.width / 2);
  const margin = { left: 16, right: 16, top: 28, bottom: 16 };
  const panels: { title: string; series: [keyof CurvePoint, Rgb][]; min: number; max: number }[] = [];
  const losses = history.flatMap((h) => [h.loss, h.valLoss]).filter(Number.isFinite);
  panels.push({ title: 'loss', series: [['loss', BLUE], ['valLoss', ORANGE]], min: 0, max: losses.length ? Math.max(...losses) * 1.05 : 1 });
  panels.push({ title: 'accuracy', series: [['accuracy', BLUE], ['valAccuracy', ORANGE]], min: 0, max: 1 });
  const labels: { x: number; y: number; text: string; color: Rgb }[] = [];
  panels.forEach((panel, p) => {
    const x0 = p * panelWidth + margin.left;
    const x1 = (p + 1) * panelWidth - margin.right;
    const y0 = margin.top;
    const y1 = size.height - margin.bottom;
    for (let g = 0; g <= 10; g++) {
      const y = y1 - ((y1 - y0) * g) / 10;
      canvas.rect(x0, y, x1, y + 1, GRAY);
    }
    canvas.rect(x0, y0, x0 + 1, y1, BLACK);
    canvas.rect(x0, y1, x1, y1 + 1, BLACK);
    const n = history.length;
    const xAt = (i: number) => (n <= 1 ? (x0 + x1) / 2 : x0 + ((x1 - x0) * i) / (n - 1));
    const yAt = (v: number) => y1 - ((y1 - y0) * (v - panel.min)) / (panel.max - panel.min || 1);
    for (const [key, color] of panel.series) {
      const values = history.map((h) => h[key] as number);
      values.forEach((v, i) => {
        if (!Number.isFinite(v)) return;
        canvas.rect(xAt(i) - 2, yAt(v) - 2, xAt(i) + 3, yAt(v) + 3, color);
        const next = values[i + 1];
        if (next !== undefined && Number.isFinite(next)) canvas.line(xAt(i), yAt(v), xAt(i + 1), yAt(next), color);
      });
    }
    const last = history[history.length - 1];
    const value = last ? (p === 0 ? `${last.loss.toFixed(3)} / ${last.valLoss.toFixed(3)}` : `${(100 * last.accuracy).toFixed(1)}% / ${(100 * last.valAccuracy).toFixed(1)}%`) : '';
    labels.push({ x: x0, y: y0 - 2, text: `${panel.title} (max ${panel.max.toFixed(2)})  train / val: ${value}`, color: [235, 235, 235] });
  });
  return captions(canvas.image(), labels);
}

/**
 * The confusion matrix as a heat map: row = true class, column = predicted,
 * each row normalized (the diagonal is the recall), white (0) to dark blue
 * (1). Class names down the left.
 */
export function renderConfusionMatrix(matrix: ConfusionMatrix, labels: readonly string[], cell = 28): RgbImage {
  const { classes, counts } = matrix;
  const labelWidth = Math.max(...labels.map((l) => l.length)) * 6 + 12;
  const top = 14;
  const canvas = new Canvas(labelWidth + classes * cell + 2, top + classes * cell + 2);
  for (let r = 0; r < classes; r++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += counts[r * classes + c]!;
    for (let c = 0; c < classes; c++) {
      const f = total ? counts[r * classes + c]! / total : 0;
      const color: Rgb = [Math.round(255 - 247 * f), Math.round(255 - 207 * f), Math.round(255 - 148 * f)];
      canvas.rect(labelWidth + c * cell + 1, top + r * cell + 1, labelWidth + (c + 1) * cell, top + (r + 1) * cell, color);
    }
  }
  const items = labels.map((text, r) => ({ x: 2, y: top + (r + 1) * cell - 6, text, color: [255, 255, 255] as Rgb }));
  items.push({ x: labelWidth, y: top - 1, text: 'predicted ->  (rows: true class, row-normalized)', color: [255, 255, 255] });
  return captions(canvas.image(), items);
}
