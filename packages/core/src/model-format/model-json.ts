import type { GraphJSON } from '../graph-json';

/** The `format` tag of a mobilenet-kit `model.json`. */
export const MODEL_FORMAT = 'mobilenet-kit-model';
export const MODEL_FORMAT_VERSION = 1;
/** The name of the JSON document inside a model folder. */
export const MODEL_JSON_FILE = 'model.json';

/** Default bound on the weight bytes a model may claim (in its shards and once decoded to float32): 2 GiB. */
export const DEFAULT_MAX_WEIGHT_BYTES = 2 * 1024 ** 3;

/** Element types of a manifest entry that this reader decodes (tfjs also knows bool, string, complex64). */
export type ManifestDtype = 'float32' | 'int32';
/** Storage types of a quantized entry, as tfjs names them. */
export type QuantizationDtype = 'uint8' | 'uint16' | 'float16';

/**
 * One tensor of a weights manifest group, in the layout of tfjs-core's
 * `WeightsManifestEntry` (io/types.d.ts). Quantized values decode as
 * `q · scale + min` (uint8, uint16) or as IEEE half floats (float16).
 */
export interface WeightsManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: ManifestDtype;
  /** tfjs marks optimizer state with `group: 'optimizer'`; such entries are skipped on load. */
  readonly group?: 'model' | 'optimizer';
  readonly quantization?: {
    readonly dtype: QuantizationDtype;
    readonly scale?: number;
    readonly min?: number;
  };
}

/**
 * A group of tensors stored back to back in the concatenation of its shard
 * files, in entry order (tfjs-core's `WeightsManifestGroupConfig`).
 */
export interface WeightsManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightsManifestEntry[];
}

/** The document stored as `model.json`. */
export interface ModelJSON {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: number;
  readonly graph: GraphJSON;
  readonly weightsManifest: readonly WeightsManifestGroup[];
  /** Free-form JSON (labels, provenance, training settings). */
  readonly metadata?: Record<string, unknown>;
}

/** Bytes per stored element, by manifest dtype or quantization dtype. */
export const MANIFEST_BYTES_PER_ELEMENT: Readonly<Record<ManifestDtype | QuantizationDtype, number>> = {
  float32: 4,
  int32: 4,
  uint8: 1,
  uint16: 2,
  float16: 2,
};
