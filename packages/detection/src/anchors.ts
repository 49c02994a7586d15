import { DetectionOptionError, checkKnownOptions, checkPositiveInteger, checkPositiveNumber } from './errors';

/**
 * SSD anchors as the TF Object Detection API makes them
 * (research/object_detection/anchor_generators/multiple_grid_anchor_generator.py,
 * `create_ssd_anchors`, and grid_anchor_generator.py, `tile_anchors`),
 * written anew here. Coordinates are normalized to the network input:
 * `[ymin, xmin, ymax, xmax]`, anchors ordered by layer, then row, then
 * column, then box spec (the order of a predictor's reshaped output).
 */

/**
 * Where the interpolated-scale anchor goes in each layer's box specs.
 * - `'current'`: after all aspect ratios (TF-OD since 2018).
 * - `'2017'`: right after aspect ratio 1.0 (TF-OD in 2017; face-api's
 *   SSD MobileNetV1 stores its anchors in this order).
 */
export type AnchorOrdering = 'current' | '2017';

export interface SsdAnchorOptions {
  /** Feature maps with anchors. Default 6. */
  numLayers?: number;
  /** Scale of the finest layer. Default 0.2. */
  minScale?: number;
  /** Scale of the coarsest layer. Default 0.95. */
  maxScale?: number;
  /** Explicit scales, one per layer; min/max scale are then unused. */
  scales?: readonly number[] | null;
  /** Default [1, 2, 3, 1/2, 1/3] (TF-OD `create_ssd_anchors`). */
  aspectRatios?: readonly number[];
  /** Aspect ratio of the extra anchor with scale √(s·s_next); 0 leaves it out. Default 1. */
  interpolatedScaleAspectRatio?: number;
  /** [height, width] of a scale-1 anchor. Default [1, 1]. */
  baseAnchorSize?: readonly [number, number];
  /** Layer 0 gets only (0.1, 1), (s, 2), (s, 1/2). Default true. */
  reduceBoxesInLowestLayer?: boolean;
  /** Per layer [y, x] spacing of anchor centres, as fractions of the input; default 1 / grid size. */
  anchorStrides?: readonly (readonly [number, number])[] | null;
  /** Per layer [y, x] centre of the first anchor, as fractions of the input; default half the stride. */
  anchorOffsets?: readonly (readonly [number, number])[] | null;
  /** Default 'current'. */
  ordering?: AnchorOrdering;
}

export interface ResolvedSsdAnchorOptions {
  readonly numLayers: number;
  readonly minScale: number;
  readonly maxScale: number;
  readonly scales: readonly number[] | null;
  readonly aspectRatios: readonly number[];
  readonly interpolatedScaleAspectRatio: number;
  readonly baseAnchorSize: readonly [number, number];
  readonly reduceBoxesInLowestLayer: boolean;
  readonly anchorStrides: readonly (readonly [number, number])[] | null;
  readonly anchorOffsets: readonly (readonly [number, number])[] | null;
  readonly ordering: AnchorOrdering;
}

/** One anchor shape of a layer: scale and aspect ratio (width / height). */
export interface BoxSpec {
  readonly scale: number;
  readonly aspectRatio: number;
}

const WHERE = 'ssdAnchors';
const KNOWN = [
  'numLayers',
  'minScale',
  'maxScale',
  'scales',
  'aspectRatios',
  'interpolatedScaleAspectRatio',
  'baseAnchorSize',
  'reduceBoxesInLowestLayer',
  'anchorStrides',
  'anchorOffsets',
  'ordering',
];

/** TF-OD's defaults (create_ssd_anchors). */
export const SSD_ANCHOR_DEFAULTS: Readonly<ResolvedSsdAnchorOptions> = Object.freeze({
  numLayers: 6,
  minScale: 0.2,
  maxScale: 0.95,
  scales: null,
  aspectRatios: Object.freeze([1, 2, 3, 1 / 2, 1 / 3]),
  interpolatedScaleAspectRatio: 1,
  baseAnchorSize: Object.freeze([1, 1]) as unknown as readonly [number, number],
  reduceBoxesInLowestLayer: true,
  anchorStrides: null,
  anchorOffsets: null,
  ordering: 'current' as AnchorOrdering,
});

function checkPairs(option: string, value: unknown, numLayers: number): readonly (readonly [number, number])[] | null {
  if (value === undefined || value === null) return null;
  const ok =
    Array.isArray(value) &&
    value.length === numLayers &&
    value.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0));
  if (!ok) throw new DetectionOptionError(WHERE, option, value, `expected ${numLayers} pairs [y, x] of non-negative numbers (one per layer)`);
  return (value as [number, number][]).map((p) => [p[0], p[1]] as const);
}

export function resolveSsdAnchorOptions(options: SsdAnchorOptions = {}): ResolvedSsdAnchorOptions {
  checkKnownOptions(WHERE, options, KNOWN);
  const d = SSD_ANCHOR_DEFAULTS;
  const numLayers = checkPositiveInteger(WHERE, 'numLayers', options.numLayers ?? d.numLayers);
  const minScale = checkPositiveNumber(WHERE, 'minScale', options.minScale ?? d.minScale);
  const maxScale = checkPositiveNumber(WHERE, 'maxScale', options.maxScale ?? d.maxScale);
  let scales: number[] | null = null;
  if (options.scales !== undefined && options.scales !== null && options.scales.length > 0) {
    if (!Array.isArray(options.scales) || options.scales.length !== numLayers) {
      throw new DetectionOptionError(WHERE, 'scales', options.scales, `expected ${numLayers} scales (numLayers)`);
    }
    scales = options.scales.map((s, i) => checkPositiveNumber(WHERE, `scales[${i}]`, s));
  } else if (numLayers < 2 && minScale !== maxScale) {
    throw new DetectionOptionError(WHERE, 'numLayers', numLayers, 'interpolating scales between minScale and maxScale needs at least 2 layers (or pass scales)');
  }
  const aspectRatios = options.aspectRatios ?? d.aspectRatios;
  if (!Array.isArray(aspectRatios) || aspectRatios.length === 0) throw new DetectionOptionError(WHERE, 'aspectRatios', aspectRatios, 'expected a non-empty array of positive numbers');
  aspectRatios.forEach((a, i) => checkPositiveNumber(WHERE, `aspectRatios[${i}]`, a));
  const interpolated = options.interpolatedScaleAspectRatio ?? d.interpolatedScaleAspectRatio;
  if (typeof interpolated !== 'number' || !Number.isFinite(interpolated) || interpolated < 0) {
    throw new DetectionOptionError(WHERE, 'interpolatedScaleAspectRatio', interpolated, 'expected a number ≥ 0 (0: no interpolated anchor)');
  }
  const base = options.baseAnchorSize ?? d.baseAnchorSize;
  if (!Array.isArray(base) || base.length !== 2) throw new DetectionOptionError(WHERE, 'baseAnchorSize', base, 'expected [height, width]');
  base.forEach((v, i) => checkPositiveNumber(WHERE, `baseAnchorSize[${i}]`, v));
  const reduce = options.reduceBoxesInLowestLayer ?? d.reduceBoxesInLowestLayer;
  if (typeof reduce !== 'boolean') throw new DetectionOptionError(WHERE, 'reduceBoxesInLowestLayer', reduce, 'expected true or false');
  const ordering = options.ordering ?? d.ordering;
  if (ordering !== 'current' && ordering !== '2017') throw new DetectionOptionError(WHERE, 'ordering', ordering, "expected 'current' or '2017'");
  return Object.freeze({
    numLayers,
    minScale,
    maxScale,
    scales,
    aspectRatios: [...aspectRatios],
    interpolatedScaleAspectRatio: interpolated,
    baseAnchorSize: [base[0], base[1]] as const,
    reduceBoxesInLowestLayer: reduce,
    anchorStrides: checkPairs('anchorStrides', options.anchorStrides, numLayers),
    anchorOffsets: checkPairs('anchorOffsets', options.anchorOffsets, numLayers),
    ordering,
  });
}

/** The box specs of every layer (`create_ssd_anchors`): what each grid cell of a layer gets. */
export function ssdBoxSpecs(options: SsdAnchorOptions = {}): BoxSpec[][] {
  const o = resolveSsdAnchorOptions(options);
  const scales = o.scales
    ? [...o.scales, 1]
    : [...Array.from({ length: o.numLayers }, (_, i) => (o.numLayers === 1 ? o.minScale : o.minScale + ((o.maxScale - o.minScale) * i) / (o.numLayers - 1))), 1];
  const layers: BoxSpec[][] = [];
  for (let layer = 0; layer < o.numLayers; layer++) {
    const scale = scales[layer]!;
    const next = scales[layer + 1]!;
    if (layer === 0 && o.reduceBoxesInLowestLayer) {
      layers.push([
        { scale: 0.1, aspectRatio: 1 },
        { scale, aspectRatio: 2 },
        { scale, aspectRatio: 0.5 },
      ]);
      continue;
    }
    const specs: BoxSpec[] = [];
    const interpolated: BoxSpec = { scale: Math.sqrt(scale * next), aspectRatio: o.interpolatedScaleAspectRatio };
    for (const aspectRatio of o.aspectRatios) {
      specs.push({ scale, aspectRatio });
      // 2017: the interpolated anchor follows aspect ratio 1.0 directly.
      if (o.ordering === '2017' && aspectRatio === 1 && o.interpolatedScaleAspectRatio > 0) specs.push(interpolated);
    }
    if (o.ordering === 'current' && o.interpolatedScaleAspectRatio > 0) specs.push(interpolated);
    layers.push(specs);
  }
  return layers;
}

/** Anchors per grid cell of each layer (the predictors' anchor counts). */
export function anchorsPerLocation(options: SsdAnchorOptions = {}): number[] {
  return ssdBoxSpecs(options).map((l) => l.length);
}

/**
 * Generates the anchors for the given feature map sizes (finest first), as
 * `[ymin, xmin, ymax, xmax]` rows normalized to the input (not clipped).
 * Heights are `scale / √ratio · base[0]`, widths `scale · √ratio · base[1]`.
 */
export function generateSsdAnchors(featureMapSizes: readonly (readonly [number, number])[], options: SsdAnchorOptions = {}): Float32Array {
  const o = resolveSsdAnchorOptions(options);
  if (!Array.isArray(featureMapSizes) || featureMapSizes.length !== o.numLayers) {
    throw new DetectionOptionError('generateSsdAnchors', 'featureMapSizes', featureMapSizes, `expected ${o.numLayers} [height, width] pairs (numLayers), finest first`);
  }
  featureMapSizes.forEach(([h, w], i) => {
    checkPositiveInteger('generateSsdAnchors', `featureMapSizes[${i}][0]`, h);
    checkPositiveInteger('generateSsdAnchors', `featureMapSizes[${i}][1]`, w);
  });
  const specs = ssdBoxSpecs(o);
  const total = featureMapSizes.reduce((a, [h, w], i) => a + h * w * specs[i]!.length, 0);
  const out = new Float32Array(total * 4);
  let k = 0;
  featureMapSizes.forEach(([gh, gw], layer) => {
    const stride = o.anchorStrides?.[layer] ?? [1 / gh, 1 / gw];
    const offset = o.anchorOffsets?.[layer] ?? [0.5 * stride[0], 0.5 * stride[1]];
    const sizes = specs[layer]!.map(({ scale, aspectRatio }) => {
      const r = Math.sqrt(aspectRatio);
      return [(scale / r) * o.baseAnchorSize[0], scale * r * o.baseAnchorSize[1]] as const;
    });
    for (let y = 0; y < gh; y++) {
      const cy = y * stride[0] + offset[0];
      for (let x = 0; x < gw; x++) {
        const cx = x * stride[1] + offset[1];
        for (const [h, w] of sizes) {
          out[k++] = cy - 0.5 * h;
          out[k++] = cx - 0.5 * w;
          out[k++] = cy + 0.5 * h;
          out[k++] = cx + 0.5 * w;
        }
      }
    }
  });
  return out;
}
