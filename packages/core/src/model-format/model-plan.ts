import { GraphError, ModelFormatError, formatShape } from '../errors';
import { paramSpecs } from '../graph';
import { graphFromJSONObject } from '../graph-json';
import type { Graph, ParamSpec } from '../types';
import {
  MANIFEST_BYTES_PER_ELEMENT,
  DEFAULT_MAX_WEIGHT_BYTES,
  type ManifestDtype,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON_FILE,
  type QuantizationDtype,
} from './model-json';
import { shardPathProblem } from './shard-paths';
import { JsonInputError, checkValueDepth, envLimit, parseJsonBounded, type JsonLimits } from '../input/bounded-json';

/** The environment variable that sets a process's default weight limit (the CLI's global --max-weight-bytes sets it). */
export const WEIGHT_LIMIT_ENV = 'MOBILENET_KIT_MAX_WEIGHT_BYTES';

/** Where one manifest entry's bytes lie and how they decode. */
export interface WeightPlan {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: ManifestDtype;
  readonly quantization?: { readonly dtype: QuantizationDtype; readonly scale: number; readonly min: number };
  /** Optimizer state (tfjs `group: 'optimizer'`): its bytes are accounted for but not decoded. */
  readonly skip: boolean;
  readonly elements: number;
  /** Offset in the concatenation of the group's shards. */
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface GroupPlan {
  /** 0-based position in `weightsManifest`. */
  readonly index: number;
  readonly paths: readonly string[];
  readonly weights: readonly WeightPlan[];
  /** Bytes the group's shards hold together, as the manifest implies. */
  readonly byteLength: number;
}

/** A model.json that passed every check, with the byte layout of its shards worked out. Nothing is allocated yet. */
export interface ModelPlan {
  readonly graph: Graph;
  /** The graph's parameters in graph order: the order of the decoded weights. */
  readonly params: readonly ParamSpec[];
  readonly groups: readonly GroupPlan[];
  readonly metadata?: Record<string, unknown>;
  /** Bytes of all shards together. */
  readonly shardBytes: number;
  /** Bytes of the decoded float32 weights. */
  readonly decodedBytes: number;
  /** The name used for model.json in errors. */
  readonly file: string;
}

export interface ModelPlanOptions {
  /** Allow shard paths that are URLs (`https://…`); the shard reader then receives them as written. */
  readonly allowUrls?: boolean;
  /** Upper bound on the shard bytes and on the decoded float32 bytes, each in total (default 2 GiB). */
  readonly maxBytes?: number;
  /** How model.json is named in errors (default "model.json"). */
  readonly file?: string;
  /**
   * Keep NaN and ±Infinity weights (bit-exact round trips, tests). By default
   * a non-finite value is an error naming the weight and the first bad index.
   */
  readonly allowNonFinite?: boolean;
  /** Upper bound on model.json's size in bytes (default 64 MiB, DEFAULT_MAX_JSON_BYTES). */
  readonly maxJsonBytes?: number;
  /** Upper bound on model.json's nesting depth (default 256, DEFAULT_MAX_JSON_DEPTH). */
  readonly maxJsonDepth?: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};
const QUANTIZATION_DTYPES: readonly QuantizationDtype[] = ['uint8', 'uint16', 'float16'];
const MANIFEST_DTYPES: readonly ManifestDtype[] = ['float32', 'int32'];

/**
 * Parses model.json text within the JSON limits (size, depth), or checks the
 * depth of an already parsed value; a JsonInputError becomes a ModelFormatError naming the file.
 */
function parseDocument(json: unknown, file: string, limits: JsonLimits = {}): unknown {
  const options = { maxBytes: limits.maxBytes, maxDepth: limits.maxDepth, sizeOption: 'maxJsonBytes', depthOption: 'maxJsonDepth' };
  try {
    if (typeof json === 'string' || json instanceof Uint8Array) return parseJsonBounded(json, options);
    checkValueDepth(json, options);
    return json;
  } catch (e) {
    if (e instanceof JsonInputError) {
      const error = new ModelFormatError(e.message, { file });
      (error as Error & { cause?: unknown }).cause = e;
      throw error;
    }
    throw e;
  }
}

/**
 * Number of elements of a shape, computed so that a huge claim never turns
 * into an inexact number: the bound is checked after every factor.
 */
function boundedElements(shape: readonly number[], bytesPerElement: number, maxBytes: number, fail: (problem: string) => never): number {
  if (shape.includes(0)) return 0;
  let elements = 1;
  for (const dim of shape) {
    elements *= dim;
    if (elements * bytesPerElement > maxBytes) {
      const claimed = shape.reduce((a, d) => a * d, bytesPerElement);
      fail(`shape ${formatShape(shape)} × ${bytesPerElement} bytes claims ${claimed.toExponential(3)} bytes, above the limit of ${maxBytes} bytes (maxBytes; CLI: --max-weight-bytes)`);
    }
  }
  return elements;
}

/** The byte layout of a weights manifest's groups, checked, before any buffer exists. */
export interface WeightsManifestPlan {
  readonly groups: readonly GroupPlan[];
  readonly shardBytes: number;
  readonly decodedBytes: number;
  readonly file: string;
}

/**
 * Checks a tfjs-style weights manifest (an array of `{ paths, weights }`
 * groups) on its own: every entry's fields, shard paths, claimed sizes
 * against `maxBytes`, unique names and paths.
 */
export function planWeightsManifest(manifest: unknown, options: ModelPlanOptions = {}): WeightsManifestPlan {
  const file = options.file ?? MODEL_JSON_FILE;
  const maxBytes = options.maxBytes ?? envLimit(WEIGHT_LIMIT_ENV) ?? DEFAULT_MAX_WEIGHT_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new ModelFormatError(`maxBytes must be a non-negative safe integer, got ${show(maxBytes)}`, { file });
  }
  const allowUrls = options.allowUrls ?? false;
  const fail = (problem: string, weight?: string): never => {
    throw new ModelFormatError(problem, { file, weight });
  };
  manifest = parseDocument(manifest, file, { maxBytes: options.maxJsonBytes, maxDepth: options.maxJsonDepth });
  if (!Array.isArray(manifest)) fail(`"weightsManifest" must be an array of groups, got ${show(manifest)}`);

  const seenPaths = new Set<string>();
  const seenNames = new Set<string>();
  const groups: GroupPlan[] = [];
  let shardBytes = 0;
  let decodedBytes = 0;
  (manifest as unknown[]).forEach((rawGroup, g) => {
    const at = `weightsManifest[${g}]`;
    if (!isRecord(rawGroup)) fail(`${at} must be an object { paths, weights }, got ${show(rawGroup)}`);
    const group = rawGroup as Record<string, unknown>;
    if (!Array.isArray(group.paths)) fail(`${at}.paths must be an array of shard paths, got ${show(group.paths)}`);
    if (!Array.isArray(group.weights)) fail(`${at}.weights must be an array of entries, got ${show(group.weights)}`);
    const paths = group.paths as unknown[];
    paths.forEach((p, i) => {
      const problem = shardPathProblem(p, allowUrls);
      if (problem) fail(`${at}.paths[${i}]: ${problem}`);
      if (seenPaths.has(p as string)) fail(`${at}.paths[${i}]: shard ${show(p)} is listed twice`);
      seenPaths.add(p as string);
    });

    let offset = 0;
    const weights = (group.weights as unknown[]).map((rawEntry, w): WeightPlan => {
      const entryAt = `${at}.weights[${w}]`;
      if (!isRecord(rawEntry)) fail(`${entryAt} must be an object { name, shape, dtype }, got ${show(rawEntry)}`);
      const entry = rawEntry as Record<string, unknown>;
      if (typeof entry.name !== 'string' || entry.name.length === 0) fail(`${entryAt}.name must be a non-empty string, got ${show(entry.name)}`);
      const name = entry.name as string;
      const bad = (problem: string): never => fail(`${entryAt}: ${problem}`, name);
      if (seenNames.has(name)) bad('a second entry with this name');
      seenNames.add(name);
      if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        bad(`shape must be an array of non-negative integers, got ${show(entry.shape)}`);
      }
      const shape = entry.shape as number[];
      if (!MANIFEST_DTYPES.includes(entry.dtype as ManifestDtype)) bad(`dtype ${show(entry.dtype)} is not supported (expected ${MANIFEST_DTYPES.join(' | ')})`);
      const dtype = entry.dtype as ManifestDtype;
      if (entry.group !== undefined && entry.group !== 'model' && entry.group !== 'optimizer') bad(`group must be "model" or "optimizer", got ${show(entry.group)}`);
      const skip = entry.group === 'optimizer';

      let quantization: WeightPlan['quantization'];
      if (entry.quantization !== undefined) {
        const q = entry.quantization;
        if (!isRecord(q)) bad(`quantization must be an object { dtype, scale?, min? }, got ${show(q)}`);
        const qr = q as Record<string, unknown>;
        if (!QUANTIZATION_DTYPES.includes(qr.dtype as QuantizationDtype)) bad(`quantization dtype ${show(qr.dtype)} is not supported (expected ${QUANTIZATION_DTYPES.join(' | ')})`);
        const qDtype = qr.dtype as QuantizationDtype;
        if (qDtype === 'float16') {
          // As in tfjs-core's decodeWeight: float16 storage holds float32 weights only.
          if (dtype !== 'float32') bad(`float16 quantization needs dtype float32, got ${dtype}`);
          quantization = { dtype: qDtype, scale: 1, min: 0 };
        } else {
          if (typeof qr.scale !== 'number' || !Number.isFinite(qr.scale)) bad(`${qDtype} quantization needs a finite "scale", got ${show(qr.scale)}`);
          if (typeof qr.min !== 'number' || !Number.isFinite(qr.min)) bad(`${qDtype} quantization needs a finite "min", got ${show(qr.min)}`);
          quantization = { dtype: qDtype, scale: qr.scale as number, min: qr.min as number };
        }
      }

      const bytesPerElement = MANIFEST_BYTES_PER_ELEMENT[quantization?.dtype ?? dtype];
      const elements = boundedElements(shape, bytesPerElement, maxBytes, bad);
      const byteLength = elements * bytesPerElement;
      const plan: WeightPlan = { name, shape, dtype, quantization, skip, elements, byteOffset: offset, byteLength };
      offset += byteLength;
      shardBytes += byteLength;
      if (!skip) decodedBytes += elements * 4;
      if (shardBytes > maxBytes) bad(`the shards would hold more than ${maxBytes} bytes in all (maxBytes; CLI: --max-weight-bytes); ${shardBytes} bytes up to and including this entry`);
      if (decodedBytes > maxBytes) bad(`the decoded weights would take more than ${maxBytes} bytes in all (maxBytes; CLI: --max-weight-bytes); ${decodedBytes} bytes up to and including this entry`);
      return plan;
    });
    if (offset > 0 && paths.length === 0) fail(`${at} stores ${offset} bytes of weights but lists no shard paths`);
    groups.push({ index: g, paths: paths as string[], weights, byteLength: offset });
  });

  return { groups, shardBytes, decodedBytes, file };
}

/**
 * Checks everything in a model.json before any weight buffer exists: format
 * and version, the graph, every manifest entry's fields, the shard paths,
 * the claimed sizes (finite, bounded), and that the entries are exactly the
 * graph's parameters with the graph's shapes. Returns the byte layout.
 */
export function planModel(json: unknown, options: ModelPlanOptions = {}): ModelPlan {
  const file = options.file ?? MODEL_JSON_FILE;
  const maxBytes = options.maxBytes ?? envLimit(WEIGHT_LIMIT_ENV) ?? DEFAULT_MAX_WEIGHT_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new ModelFormatError(`maxBytes must be a non-negative safe integer, got ${show(maxBytes)}`, { file });
  }
  const doc = parseDocument(json, file, { maxBytes: options.maxJsonBytes, maxDepth: options.maxJsonDepth });
  const fail = (problem: string, weight?: string): never => {
    throw new ModelFormatError(problem, { file, weight });
  };

  if (!isRecord(doc)) fail(`expected a JSON object, got ${show(doc)}`);
  const root = doc as Record<string, unknown>;
  if (root.format !== MODEL_FORMAT) {
    const hint = 'modelTopology' in root ? ' (this looks like a tfjs model.json; import it with an importer instead)' : '';
    fail(`"format" must be "${MODEL_FORMAT}", got ${show(root.format)}${hint}`);
  }
  if (root.formatVersion !== MODEL_FORMAT_VERSION) {
    fail(`unsupported format version ${show(root.formatVersion)} (this reader knows version ${MODEL_FORMAT_VERSION})`);
  }

  let graph: Graph;
  try {
    graph = graphFromJSONObject(root.graph);
  } catch (e) {
    if (e instanceof GraphError) throw new ModelFormatError(`"graph" is not a valid graph: ${e.message}`, { file });
    throw e;
  }

  if (root.metadata !== undefined && !isRecord(root.metadata)) fail(`"metadata" must be an object when present, got ${show(root.metadata)}`);
  const { groups, shardBytes, decodedBytes } = planWeightsManifest(root.weightsManifest, { ...options, file, maxBytes });

  // The entries must be exactly the graph's parameters, with the graph's shapes.
  const params = paramSpecs(graph);
  const paramByName = new Map(params.map((p) => [p.name, p]));
  const found = new Set<string>();
  for (const group of groups) {
    for (const w of group.weights) {
      if (w.skip) continue;
      const spec = paramByName.get(w.name);
      if (!spec) fail(`weight is not a parameter of graph "${graph.name}" (a weight left over; the graph has ${params.length} parameters)`, w.name);
      const same = spec!.shape.length === w.shape.length && spec!.shape.every((d, i) => d === w.shape[i]);
      if (!same) fail(`shape ${formatShape(w.shape)} does not match the graph's parameter shape ${formatShape(spec!.shape)}`, w.name);
      found.add(w.name);
    }
  }
  const missing = params.filter((p) => !found.has(p.name));
  if (missing.length > 0) {
    const names = missing.slice(0, 5).map((p) => `"${p.name}"`).join(', ') + (missing.length > 5 ? `, … (${missing.length} in all)` : '');
    fail(`the weights manifest lacks parameter(s) of graph "${graph.name}": ${names}`, missing[0]!.name);
  }

  return {
    graph,
    params,
    groups,
    metadata: root.metadata as Record<string, unknown> | undefined,
    shardBytes,
    decodedBytes,
    file,
  };
}
