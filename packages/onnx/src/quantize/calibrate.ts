import type { HostTensor } from '@mobilenet-kit/core';
import { encodeModel, type ModelProto, type ValueInfoProto } from '../onnx-model';
import { DATA_TYPE } from '../onnx-schema';

/** How an activation's range is chosen from the values seen on the calibration images. */
export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'entropy'];
export const DEFAULT_CALIBRATION_METHOD: CalibrationMethod = 'minmax';
/** onnxruntime's default for its percentile calibrator. */
export const DEFAULT_PERCENTILE = 99.999;
/** Bins of the |x| histograms (percentile and entropy), as TensorRT and onnxruntime's percentile calibrator use. */
export const HISTOGRAM_BINS = 2048;

/** The float range [min, max] that an activation tensor is quantized over. */
export interface TensorRange {
  readonly min: number;
  readonly max: number;
}

/** Ranges by ONNX tensor name: what calibration produces and quantization consumes (JSON-safe). */
export type CalibrationRanges = Record<string, TensorRange>;

/** One opened fp32 model that returns the named tensors: onnxruntime's InferenceSession, or anything else that runs ONNX. */
export interface CalibrationSession {
  run(feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, Float32Array>>;
  dispose?(): void | Promise<void>;
}

/** Opens a model (bytes of an .onnx file) for calibration. The backend-onnxruntime package gives one on onnxruntime (ortCalibrationSession). */
export type OpenCalibrationSession = (model: Uint8Array) => Promise<CalibrationSession>;

export function checkCalibrationMethod(method: unknown, where: string): CalibrationMethod {
  if (typeof method !== 'string' || !(CALIBRATION_METHODS as readonly string[]).includes(method)) {
    throw new Error(`${where}: unknown calibration method ${JSON.stringify(method)} (use one of ${CALIBRATION_METHODS.join(', ')})`);
  }
  return method as CalibrationMethod;
}

/** The model with the named intermediate tensors added as graph outputs (float, shape left to the runtime). */
export function withTensorOutputs(model: ModelProto, names: readonly string[]): ModelProto {
  const existing = new Set(model.graph.output.map((o) => o.name));
  const extra: ValueInfoProto[] = names
    .filter((n) => !existing.has(n))
    .map((name) => ({ name, type: { tensor_type: { elem_type: DATA_TYPE.FLOAT } } }) as unknown as ValueInfoProto);
  return { ...model, graph: { ...model.graph, output: [...model.graph.output, ...extra] } };
}

/** Running min / max and, on a second pass, a histogram of |x| over [0, max |x|]. */
class TensorStats {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  histogram: Float64Array | undefined;
  absMax = 0;

  observeRange(data: Float32Array): void {
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error('calibration: a tensor holds a non-finite value (NaN or ±Infinity)');
    this.min = lo;
    this.max = hi;
  }

  startHistogram(bins: number): void {
    this.absMax = Math.max(Math.abs(this.min), Math.abs(this.max));
    this.histogram = new Float64Array(bins);
  }

  observeHistogram(data: Float32Array): void {
    const h = this.histogram!;
    if (this.absMax === 0) {
      h[0]! += data.length;
      return;
    }
    const scale = h.length / this.absMax;
    const last = h.length - 1;
    for (let i = 0; i < data.length; i++) {
      const b = Math.floor(Math.abs(data[i]!) * scale);
      h[b > last ? last : b]! += 1;
    }
  }
}

/** The |x| at which the given share (percent) of the histogram's mass lies below. */
export function percentileThreshold(histogram: Float64Array, absMax: number, percentile: number): number {
  let total = 0;
  for (const c of histogram) total += c;
  const target = (total * percentile) / 100;
  let sum = 0;
  for (let i = 0; i < histogram.length; i++) {
    sum += histogram[i]!;
    if (sum >= target) return ((i + 1) / histogram.length) * absMax;
  }
  return absMax;
}

/**
 * The clipping threshold of |x| that minimizes the KL divergence between the
 * histogram clipped there (outliers folded into the last bin) and the same
 * clipped histogram quantized to `levels` bins and expanded back (each
 * level's mass spread over the source bins that were not empty): TensorRT's
 * entropy calibration (Migacz, "8-bit inference with TensorRT", 2017), which
 * onnxruntime's entropy calibrator follows.
 */
export function entropyThreshold(histogram: Float64Array, absMax: number, levels: number): number {
  const bins = histogram.length;
  if (absMax === 0) return 0;
  if (bins <= levels) return absMax;
  let best = bins;
  let bestKl = Number.POSITIVE_INFINITY;
  const p = new Float64Array(bins);
  const q = new Float64Array(bins);
  let tail = 0;
  for (let i = levels; i < bins; i++) tail += histogram[i]!;
  for (let i = levels; i <= bins; i++) {
    // P: the first i bins, with everything beyond folded into bin i − 1.
    for (let j = 0; j < i; j++) p[j] = histogram[j]!;
    p[i - 1]! += tail;
    if (i < bins) tail -= histogram[i]!;
    // Q: the first i bins merged into `levels` groups, each group's mass spread over its non-empty bins.
    const perLevel = i / levels;
    for (let l = 0; l < levels; l++) {
      const start = Math.floor(l * perLevel);
      const end = l === levels - 1 ? i : Math.floor((l + 1) * perLevel);
      let mass = 0;
      let nonEmpty = 0;
      for (let j = start; j < end; j++) {
        mass += histogram[j]!;
        if (histogram[j]! > 0) nonEmpty++;
      }
      for (let j = start; j < end; j++) q[j] = histogram[j]! > 0 ? mass / nonEmpty : 0;
    }
    let pSum = 0;
    let qSum = 0;
    for (let j = 0; j < i; j++) {
      pSum += p[j]!;
      qSum += q[j]!;
    }
    if (pSum === 0 || qSum === 0) continue;
    let kl = 0;
    for (let j = 0; j < i; j++) {
      const pj = p[j]! / pSum;
      if (pj === 0) continue;
      // An empty Q bin under mass in P (only the folded tail can do that): smoothed, as the reference implementations do.
      const qj = Math.max(q[j]! / qSum, 1e-12);
      kl += pj * Math.log(pj / qj);
    }
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
  }
  return (best / bins) * absMax;
}

export interface CalibrateOptions {
  /** Opens the fp32 model with the extra outputs (e.g. an onnxruntime session). */
  readonly open: OpenCalibrationSession;
  /** Batches of graph inputs (preprocessed as the model expects), each keyed by input name. At least one. */
  readonly batches: readonly Readonly<Record<string, HostTensor>>[];
  /** Default 'minmax'. */
  readonly method?: CalibrationMethod;
  /** For 'percentile': the share of |x| kept inside the range, in percent (default 99.999). */
  readonly percentile?: number;
  /**
   * Tensors that keep their observed [min, max] whatever the method: outputs
   * of Relu6 (Clip(0, 6)) and their pooled or reshaped forms, bounded already,
   * whose values pile up at 6 when it saturates; a histogram method would clip
   * that spike (measured: entropy cut MobileNet's Relu6 ranges to a quarter and
   * the models broke; on the pooled features before the embedding student's
   * Gemm, to 0.25 of the max, cosine to fp32 fell to 0.55).
   */
  readonly keepRange?: ReadonlySet<string>;
}

/**
 * Collects the ranges of the named tensors of an fp32 model over calibration
 * batches: one pass for min / max, a second (percentile, entropy) for the
 * histograms of |x| over [0, max |x|]. A tensor that never goes below 0 keeps
 * 0 as its floor; a signed one is clipped symmetrically by the threshold,
 * within its observed range.
 */
export async function calibrateTensors(model: ModelProto, tensors: readonly string[], options: CalibrateOptions): Promise<CalibrationRanges> {
  const method = checkCalibrationMethod(options.method ?? DEFAULT_CALIBRATION_METHOD, 'calibrate');
  const percentile = options.percentile ?? DEFAULT_PERCENTILE;
  if (!(percentile > 50 && percentile <= 100)) throw new Error(`calibrate: percentile must be in (50, 100], got ${percentile}`);
  if (!Array.isArray(options.batches) || options.batches.length === 0) throw new Error('calibrate: no calibration images (give at least one batch of inputs)');
  const session = await options.open(encodeModel(withTensorOutputs(model, tensors)));
  const stats = new Map(tensors.map((t) => [t, new TensorStats()]));
  const pass = async (visit: (s: TensorStats, data: Float32Array) => void) => {
    for (const batch of options.batches) {
      const out = await session.run(batch);
      for (const [name, s] of stats) {
        const data = out[name];
        if (!(data instanceof Float32Array)) throw new Error(`calibrate: the session returned no float32 tensor "${name}"`);
        visit(s, data);
      }
    }
  };
  try {
    await pass((s, d) => s.observeRange(d));
    const histogrammed = [...stats].filter(([name]) => !options.keepRange?.has(name));
    if (method !== 'minmax' && histogrammed.length > 0) {
      for (const [, s] of histogrammed) s.startHistogram(HISTOGRAM_BINS);
      await pass((s, d) => {
        if (s.histogram) s.observeHistogram(d);
      });
    }
  } finally {
    await session.dispose?.();
  }
  const ranges: CalibrationRanges = {};
  for (const [name, s] of stats) {
    if (method === 'minmax' || options.keepRange?.has(name)) {
      ranges[name] = { min: s.min, max: s.max };
      continue;
    }
    const nonNegative = s.min >= 0;
    // uint8 over [0, t] has 255 steps; a signed range [−t, t] about 128 on each side.
    const t = method === 'percentile' ? percentileThreshold(s.histogram!, s.absMax, percentile) : entropyThreshold(s.histogram!, s.absMax, nonNegative ? 255 : 128);
    ranges[name] = nonNegative ? { min: s.min, max: Math.min(s.max, t) } : { min: Math.max(s.min, -t), max: Math.min(s.max, t) };
  }
  return ranges;
}
