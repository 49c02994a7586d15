import { ModelFormatError, type ReadShard, decodeWeightsManifest, planWeightsManifest } from '@mobilenet-kit/core';
import { type ImportedModel, assembleImport } from '../imported-model';
import { assembleKerasWeights, matchKerasWeights } from '../keras/weights';
import { convertKerasTopology } from '../keras/topology';
import { type ExpectedArchitecture, recognizeMobileNet } from '../recognize';
import { isRecord, readTfjsModelJson } from '../tfjs-model-json';

/** Teachable Machine's metadata.json (the fields used here). */
export interface TeachableMachineMetadata {
  readonly labels: readonly string[];
  readonly imageSize?: number;
  readonly packageName?: string;
  readonly tmVersion?: string;
  readonly modelName?: string;
}

export interface ImportTfjsLayersOptions extends ExpectedArchitecture {
  /** How model.json is named in errors. Default 'model.json'. */
  readonly file?: string;
  /** A Teachable Machine export's metadata.json (parsed): its labels, and Teachable Machine's preprocessing (centre crop, pixels / 127 − 1). */
  readonly teachableMachine?: unknown;
  /** How metadata.json is named in errors (its path). Default 'metadata.json'. */
  readonly teachableMachineFile?: string;
  /** Class names to use instead of those found (one per class). */
  readonly labels?: readonly string[];
  /** Upper bound on the weight bytes (default: core's 2 GiB). */
  readonly maxBytes?: number;
}


/** Checks a Teachable Machine metadata.json: it must hold a list of string labels. */
export function parseTeachableMachineMetadata(raw: unknown, file = 'metadata.json'): TeachableMachineMetadata {
  if (!isRecord(raw)) throw new ModelFormatError('a Teachable Machine metadata.json is an object with "labels"', { file });
  if (!Array.isArray(raw.labels) || raw.labels.length === 0 || raw.labels.some((l) => typeof l !== 'string')) {
    throw new ModelFormatError(`"labels" must be a non-empty list of strings, got ${JSON.stringify(raw.labels)?.slice(0, 80)}`, { file });
  }
  return raw as unknown as TeachableMachineMetadata;
}

/**
 * Imports a tfjs layers model (model.json `{ format: 'layers-model',
 * modelTopology, weightsManifest }` and its shards): what
 * tensorflowjs_converter writes from a Keras MobileNet, what tfjs-layers'
 * `model.save` writes, and a Teachable Machine image export (with its
 * metadata.json). The topology is converted and every weight's name and
 * shape checked against the manifest before a shard is read.
 */
export async function importTfjsLayers(modelJson: unknown, readShard: ReadShard, options: ImportTfjsLayersOptions = {}): Promise<ImportedModel> {
  const file = options.file ?? 'model.json';
  const doc = readTfjsModelJson(modelJson, 'layers-model', file);
  if (doc.modelTopology === undefined) throw new ModelFormatError('has no "modelTopology": not a tfjs layers model', { file });
  const tm = options.teachableMachine !== undefined ? parseTeachableMachineMetadata(options.teachableMachine, options.teachableMachineFile) : undefined;

  const converted = convertKerasTopology(doc.modelTopology, file);
  const recognized = recognizeMobileNet(converted.graph, file, options);
  const plan = planWeightsManifest(doc.weightsManifest, { file, maxBytes: options.maxBytes });
  const available = new Map<string, readonly number[]>();
  for (const g of plan.groups) for (const w of g.weights) if (!w.skip) available.set(w.name, w.shape);
  const { names, unused } = matchKerasWeights(converted, available, file);

  const decoded = await decodeWeightsManifest(doc.weightsManifest, readShard, { file, maxBytes: options.maxBytes });
  const weights = assembleKerasWeights(converted.graph, converted, names, (n) => decoded.get(n)!.data);
  const notes = unused.length ? [`${unused.length} weights of the file belong to no layer and were left out: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`] : [];
  if (tm) {
    if (tm.imageSize !== undefined && tm.imageSize !== recognized.resolution) notes.push(`metadata.json says imageSize ${tm.imageSize}, the model's input is ${recognized.resolution}`);
    return assembleImport(converted.graph, weights, recognized, {
      format: 'teachable-machine',
      file,
      labels: options.labels ?? tm.labels,
      labelSource: options.labels ? 'given' : 'metadata.json',
      preprocessing: { crop: 'center', normalization: { divisor: 127, offset: -1 } },
      notes,
    });
  }
  return assembleImport(converted.graph, weights, recognized, { format: 'tfjs-layers', file, ...(options.labels ? { labels: options.labels, labelSource: 'given' } : {}), notes });
}
