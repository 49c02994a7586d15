import { ModelFormatError, formatShape } from '../errors';
import { paramSpecs } from '../graph';
import { graphToJSONObject } from '../graph-json';
import type { Graph, Weights } from '../types';
import { float16BitsOfFloat32Bits } from './float16';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelJSON,
  type WeightsManifestEntry,
} from './model-json';
import { HOST_IS_LITTLE_ENDIAN } from './shard-data';

/** How weights are stored: float32 as is, or quantized per tensor as tfjs does. */
export type WeightQuantization = 'none' | 'float16' | 'uint8' | 'uint16';

export interface EncodeModelOptions {
  /** Bytes per shard file; the last shard holds the rest (default 4 MiB, as tfjs writes). */
  readonly shardSizeBytes?: number;
  /** Default 'none' (float32, exact). */
  readonly quantization?: WeightQuantization;
  /** Free-form JSON stored in model.json (class labels, provenance). */
  readonly metadata?: Record<string, unknown>;
}

export interface ModelShard {
  /** Path relative to the model folder, as listed in the manifest. */
  readonly path: string;
  readonly data: Uint8Array;
}

export interface EncodedModel {
  readonly modelJson: ModelJSON;
  readonly shards: readonly ModelShard[];
}

export const DEFAULT_SHARD_SIZE_BYTES = 4 * 1024 * 1024;

const QUANTIZATIONS: readonly WeightQuantization[] = ['none', 'float16', 'uint8', 'uint16'];

/** Affine quantization of one tensor to `bits` unsigned integers: value ≈ q · scale + min. */
function affineQuantize(name: string, data: Float32Array, levels: number): { q: Uint16Array; scale: number; min: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new ModelFormatError(`value ${v} at index ${i} cannot be quantized (only finite values can)`, { weight: name });
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const q = new Uint16Array(data.length);
  if (data.length === 0) return { q, scale: 1, min: 0 };
  // All values equal: every q is 0 and scale is arbitrary (1, as the tfjs converter writes).
  if (max === min) return { q, scale: 1, min };
  const scale = (max - min) / levels;
  for (let i = 0; i < data.length; i++) q[i] = Math.min(levels, Math.max(0, Math.round((data[i]! - min) / scale)));
  return { q, scale, min };
}

function checkOptions(options: EncodeModelOptions): { shardSizeBytes: number; quantization: WeightQuantization } {
  const shardSizeBytes = options.shardSizeBytes ?? DEFAULT_SHARD_SIZE_BYTES;
  if (!Number.isSafeInteger(shardSizeBytes) || shardSizeBytes <= 0) {
    throw new ModelFormatError(`shardSizeBytes must be a positive integer, got ${String(shardSizeBytes)}`);
  }
  const quantization = options.quantization ?? 'none';
  if (!QUANTIZATIONS.includes(quantization)) {
    throw new ModelFormatError(`quantization must be one of ${QUANTIZATIONS.join(' | ')}, got ${JSON.stringify(quantization)}`);
  }
  if (options.metadata !== undefined && (typeof options.metadata !== 'object' || options.metadata === null || Array.isArray(options.metadata))) {
    throw new ModelFormatError(`metadata must be a plain object, got ${JSON.stringify(options.metadata)}`);
  }
  return { shardSizeBytes, quantization };
}

/**
 * Writes a graph and its weights in the model file format: model.json's
 * object and the `.bin` shards of one tfjs-style weights group, tensors back
 * to back in the graph's parameter order, little-endian. Weights must be
 * exactly the graph's parameters with the graph's shapes.
 */
export function encodeModel(graph: Graph, weights: Weights, options: EncodeModelOptions = {}): EncodedModel {
  const { shardSizeBytes, quantization } = checkOptions(options);
  const params = paramSpecs(graph);
  const known = new Set(params.map((p) => p.name));
  for (const name of weights.keys()) {
    if (!known.has(name)) throw new ModelFormatError(`weight is not a parameter of graph "${graph.name}"`, { weight: name });
  }
  const bytesPerElement = quantization === 'none' ? 4 : quantization === 'uint8' ? 1 : 2;
  let total = 0;
  for (const p of params) {
    const w = weights.get(p.name);
    if (!w) throw new ModelFormatError(`missing: graph "${graph.name}" has this parameter, shape ${formatShape(p.shape)}`, { weight: p.name });
    if (!(w.data instanceof Float32Array)) throw new ModelFormatError('data must be a Float32Array', { weight: p.name });
    const sameShape = w.shape.length === p.shape.length && w.shape.every((d, i) => d === p.shape[i]);
    const size = p.shape.reduce((a, d) => a * d, 1);
    if (!sameShape) throw new ModelFormatError(`shape ${formatShape(w.shape)} does not match the graph's ${formatShape(p.shape)}`, { weight: p.name });
    if (w.data.length !== size) throw new ModelFormatError(`holds ${w.data.length} values, shape ${formatShape(p.shape)} needs ${size}`, { weight: p.name });
    total += size * bytesPerElement;
  }

  let metadata: Record<string, unknown> | undefined;
  if (options.metadata !== undefined) {
    try {
      metadata = JSON.parse(JSON.stringify(options.metadata)) as Record<string, unknown>;
    } catch (e) {
      throw new ModelFormatError(`metadata cannot be written as JSON: ${(e as Error).message}`);
    }
  }

  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const entries: WeightsManifestEntry[] = [];
  let offset = 0;
  for (const p of params) {
    const data = weights.get(p.name)!.data;
    const entry = { name: p.name, shape: [...p.shape], dtype: 'float32' as const };
    if (quantization === 'none') {
      if (HOST_IS_LITTLE_ENDIAN) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
      else for (let i = 0; i < data.length; i++) view.setFloat32(offset + i * 4, data[i]!, true);
      entries.push(entry);
    } else if (quantization === 'float16') {
      // A Uint32Array view over the same bytes reads each float's bit pattern (in host order, like the floats).
      const float32Bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
      for (let i = 0; i < data.length; i++) {
        const h = float16BitsOfFloat32Bits(float32Bits[i]!);
        if ((h & 0x7fff) === 0x7c00 && Number.isFinite(data[i]!)) {
          throw new ModelFormatError(`value ${data[i]} at index ${i} is outside the float16 range (|x| < 65520)`, { weight: p.name });
        }
        view.setUint16(offset + i * 2, h, true);
      }
      entries.push({ ...entry, quantization: { dtype: 'float16' } });
    } else {
      const { q, scale, min } = affineQuantize(p.name, data, quantization === 'uint8' ? 255 : 65535);
      if (quantization === 'uint8') bytes.set(q, offset);
      else for (let i = 0; i < q.length; i++) view.setUint16(offset + i * 2, q[i]!, true);
      entries.push({ ...entry, quantization: { dtype: quantization, scale, min } });
    }
    offset += data.length * bytesPerElement;
  }

  const count = Math.ceil(total / shardSizeBytes);
  const shards: ModelShard[] = [];
  for (let i = 0; i < count; i++) {
    shards.push({
      path: `group1-shard${i + 1}of${count}.bin`,
      data: bytes.subarray(i * shardSizeBytes, Math.min(total, (i + 1) * shardSizeBytes)),
    });
  }
  const modelJson: ModelJSON = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    graph: graphToJSONObject(graph),
    weightsManifest: count === 0 ? [] : [{ paths: shards.map((s) => s.path), weights: entries }],
    ...(metadata !== undefined ? { metadata } : {}),
  };
  return { modelJson, shards };
}
