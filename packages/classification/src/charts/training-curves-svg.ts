import { escapeXml, svgDocument } from '@mobilenet-kit/image';
import { type AxisScale, clampedScale, decimalsFor, epochTicks, textWidth, valueScale } from './ticks';

/** One epoch of a training history (the trainer's EpochResult has these fields). */
export interface CurvePoint {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  /** NaN (or missing) without a validation split. */
  readonly valLoss?: number;
  readonly valAccuracy?: number;
}

export interface TrainingCurvesSvgOptions {
  /** Pixels; default 960 × 400 (two panels side by side). */
  readonly width?: number;
  readonly height?: number;
}

/** matplotlib's first two colours, as in a Keras `plt.plot(history.history['loss'])`. */
const TRAIN = '#1f77b4';
const VALIDATION = '#ff7f0e';
const MARGIN = { left: 64, right: 20, top: 66, bottom: 52 };

interface Panel {
  readonly title: string;
  readonly train: readonly number[];
  readonly validation: readonly number[];
  readonly scale: AxisScale;
  /** A tick label, and a value in the legend (as precise as the CLI's epoch lines). */
  readonly tick: (v: number) => string;
  readonly value: (v: number) => string;
}

const finite = (values: readonly number[]) => values.filter(Number.isFinite);
/** The range of `values` widened by 5% of it on each side (of the value when flat), so that no point sits on the frame. */
function padded(values: readonly number[]): [number, number] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = 0.05 * (max - min || Math.abs(max) || 1);
  return [min - pad, max + pad];
}

/**
 * The training history as an SVG chart, TensorBoard / Keras style: a loss
 * panel and an accuracy panel side by side, epochs on x (every epoch, or
 * thinned to a 1-2-5 step when they would crowd), tick values on y (accuracy
 * in %), a grid, training in blue and validation in orange with their last
 * values in the legend. Validation that is NaN or missing leaves a gap (and
 * "no validation set" when there is none); one epoch is one point per series.
 * A string, safe in browsers; rasterise with `svgToPng` (@mobilenet-kit/image).
 * Texts carry classes (`epoch-tick`, `value-tick`, `legend`) for styling and tests.
 */
export function trainingCurvesSvg(history: readonly CurvePoint[], options: TrainingCurvesSvgOptions = {}): string {
  const width = options.width ?? 960;
  const height = options.height ?? 400;
  const panelWidth = width / 2;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const epochs = history.map((h) => h.epoch);
  const first = epochs.length ? Math.min(...epochs) : 1;
  const last = epochs.length ? Math.max(...epochs) : 1;
  const pad = last > first ? (last - first) * 0.03 : 0.5;
  const plotWidth = panelWidth - MARGIN.left - MARGIN.right;
  const xTicks = epochTicks(first, last, Math.max(2, Math.floor(plotWidth / (textWidth(String(last), 12) + 18))));
  const yTickCount = Math.max(3, Math.floor(plotHeight / 36));
  const series = (key: keyof CurvePoint) => history.map((h) => h[key] ?? Number.NaN);

  const losses = finite([...series('loss'), ...series('valLoss')]);
  const accuracies = finite([...series('accuracy'), ...series('valAccuracy')]);
  const lossScale = losses.length ? clampedScale(...padded(losses), 0, Number.POSITIVE_INFINITY, yTickCount) : valueScale(0, 1, yTickCount);
  const accuracyScale = accuracies.length ? clampedScale(...padded(accuracies), 0, 1, yTickCount) : valueScale(0, 1, yTickCount);
  const lossDecimals = decimalsFor(lossScale.step);
  const accuracyDecimals = Math.max(0, decimalsFor(accuracyScale.step) - 2);
  const panels: Panel[] = [
    { title: 'loss', train: series('loss'), validation: series('valLoss'), scale: lossScale, tick: (v) => v.toFixed(lossDecimals), value: (v) => v.toFixed(4) },
    {
      title: 'accuracy',
      train: series('accuracy'),
      validation: series('valAccuracy'),
      scale: accuracyScale,
      tick: (v) => `${(100 * v).toFixed(accuracyDecimals)}%`,
      value: (v) => `${(100 * v).toFixed(2)}%`,
    },
  ];
  const parts: string[] = [];
  panels.forEach((panel, p) => {
    const x0 = p * panelWidth + MARGIN.left;
    const x1 = x0 + plotWidth;
    const y0 = MARGIN.top;
    const y1 = y0 + plotHeight;
    const { scale } = panel;
    const X = (epoch: number) => x0 + ((epoch - (first - pad)) / (last - first + 2 * pad)) * plotWidth;
    const Y = (v: number) => y1 - ((v - scale.min) / (scale.max - scale.min)) * plotHeight;
    for (const t of scale.ticks) {
      const y = Y(t).toFixed(1);
      parts.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#e3e3e3"/>`);
      parts.push(`<text class="value-tick" x="${x0 - 7}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end" fill="#333">${panel.tick(t)}</text>`);
    }
    for (const t of xTicks) {
      const x = X(t).toFixed(1);
      parts.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y1}" stroke="#f0f0f0"/>`);
      parts.push(`<line x1="${x}" y1="${y1}" x2="${x}" y2="${y1 + 5}" stroke="#444"/>`);
      parts.push(`<text class="epoch-tick" x="${x}" y="${y1 + 19}" text-anchor="middle" fill="#333">${t}</text>`);
    }
    parts.push(`<path d="M${x0} ${y0} V${y1} H${x1}" fill="none" stroke="#444"/>`);
    parts.push(`<text x="${(x0 + x1) / 2}" y="${y1 + 40}" text-anchor="middle" font-size="13" fill="#333">epoch</text>`);
    parts.push(`<text x="${x0}" y="24" font-size="16" font-weight="bold" fill="#222">${panel.title}</text>`);
    const legend: { colour: string; name: string; values: readonly number[] }[] = [{ colour: TRAIN, name: 'train', values: panel.train }];
    if (finite(panel.validation).length > 0) legend.push({ colour: VALIDATION, name: 'validation', values: panel.validation });
    let lx = x0;
    for (const entry of legend) {
      parts.push(...line(entry.values, epochs, X, Y, entry.colour));
      const lastValue = entry.values[entry.values.length - 1];
      const text = `${entry.name} ${lastValue !== undefined && Number.isFinite(lastValue) ? panel.value(lastValue) : 'n/a'}`;
      parts.push(`<line x1="${lx}" y1="44" x2="${lx + 22}" y2="44" stroke="${entry.colour}" stroke-width="2.5"/><circle cx="${lx + 11}" cy="44" r="3" fill="${entry.colour}"/>`);
      parts.push(`<text class="legend" x="${lx + 28}" y="48" font-size="13" fill="#222">${escapeXml(text)}</text>`);
      lx += 28 + textWidth(text, 13) + 18;
    }
    if (legend.length === 1) parts.push(`<text class="legend" x="${lx}" y="48" font-size="13" fill="#888">no validation set</text>`);
  });
  return svgDocument({ width, height, fontSize: 12 }, parts);
}

/** A series as polylines through its finite points (a gap where a value is NaN), with a dot per epoch while they do not crowd. */
function line(values: readonly number[], epochs: readonly number[], X: (e: number) => number, Y: (v: number) => number, colour: string): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const dots = values.length <= 40;
  const dot = (point: string) => {
    const [cx, cy] = point.split(',');
    out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>`);
  };
  const flush = () => {
    if (run.length > 1) out.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round"/>`);
    if (dots) run.forEach(dot);
    else if (run.length === 1) dot(run[0]!);
    run = [];
  };
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return flush();
    run.push(`${X(epochs[i]!).toFixed(1)},${Y(v).toFixed(1)}`);
  });
  flush();
  return out;
}
