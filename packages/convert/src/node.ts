/**
 * `@mobilenet-kit/convert/node`: import files from disk into model folders
 * and export model folders to other formats (Node only).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { JsonInputError, ModelFormatError, parseJsonBounded, type ReadShard } from '@mobilenet-kit/core';
import { fileKind, InputFileError, readRegularFile, type SavedModel, saveModel } from '@mobilenet-kit/core/node';
import type { ImportedModel } from './imported-model';
import { hasHdf5Signature } from './keras/h5-file';
import { importTfjsGraph } from './tfjs-graph/import';
import { importTfjsLayers } from './tfjs-layers/import';
import type { ExpectedArchitecture } from './recognize';

export interface ImportFileOptions extends ExpectedArchitecture {
  /** Teachable Machine's metadata.json; by default the one next to model.json, when there is one. */
  readonly metadata?: string;
  /** Class names to use instead of those found. */
  readonly labels?: readonly string[];
  /** Keras weights-only .h5 without top (`--no-top`). */
  readonly includeTop?: boolean;
}

/** A tfjs graph model.json: `"format": "graph-model"`, or (older converters) a GraphDef with a node list as modelTopology. */
function isGraphModel(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as { format?: unknown; modelTopology?: { node?: unknown } };
  return d.format === 'graph-model' || (d.format === undefined && Array.isArray(d.modelTopology?.node));
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/** A JSON file (model.json, metadata.json): a regular file, size- and depth-bounded (core's parseJsonBounded). */
async function readJson(file: string): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(file, { what: 'JSON file' });
  } catch (e) {
    throw new ModelFormatError(e instanceof InputFileError ? e.message.slice(file.length + 2) : `cannot read: ${(e as Error).message}`, { file });
  }
  try {
    return parseJsonBounded(bytes, { file });
  } catch (e) {
    // JsonInputError's message starts with the file, which ModelFormatError names itself.
    if (e instanceof JsonInputError) throw new ModelFormatError(e.message.replace(`${file}: `, ''), { file });
    throw e;
  }
}

/** Reads shards named in a manifest, relative to model.json's folder; a path that leaves the folder is refused. */
export function folderShardReader(dir: string): ReadShard {
  const root = path.resolve(dir);
  return async (p) => {
    const full = path.resolve(root, p);
    const rel = path.relative(root, full);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new ModelFormatError('shard path leaves the model folder', { file: p });
    return new Uint8Array(await readFile(full));
  };
}

/**
 * Imports a MobileNet v1 file of another format: a tfjs layers model.json
 * (or the folder holding it; a Teachable Machine export is recognised by the
 * metadata.json beside it), a tfjs graph model.json (`"format":
 * "graph-model"`: TF Hub's MobileNet v1 converted by tensorflowjs_converter),
 * an ONNX file, or a Keras HDF5 file (.h5 / .hdf5, or any file
 * with the HDF5 signature): a whole model (`model.save`) or a weights-only
 * file (`save_weights`, Keras Applications' `mobilenet_1_0_224_tf.h5`), whose
 * architecture comes from `alpha` / `resolution` / `includeTop`.
 */
export async function importModelFile(file: string, options: ImportFileOptions = {}): Promise<ImportedModel> {
  let target = path.resolve(file);
  const st = await stat(target).catch(() => undefined);
  if (!st) throw new ModelFormatError('does not exist', { file });
  // A FIFO, socket or device is refused before it is opened (reading a FIFO blocks forever).
  if (!st.isDirectory() && !st.isFile()) throw new ModelFormatError(`is not a regular file (${fileKind(st)})`, { file });
  if (st.isDirectory()) {
    if (!(await exists(path.join(target, 'model.json')))) throw new ModelFormatError('is a folder without model.json', { file });
    target = path.join(target, 'model.json');
  }
  const ext = path.extname(target).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5' || (ext !== '.json' && (await hasHdf5Signature(target).catch(() => false)))) {
    // h5wasm (HDF5 as wasm) is loaded only for HDF5 files.
    const { importKerasH5 } = await import('./keras/h5-import');
    return importKerasH5(target, options);
  }
  if (ext === '.onnx') {
    const { importOnnx } = await import('./onnx/import');
    return importOnnx(new Uint8Array(await readRegularFile(target, { what: 'ONNX file', refuseEmpty: false })), { ...options, file });
  }
  if (ext === '.json') {
    const doc = await readJson(target);
    const dir = path.dirname(target);
    if (isGraphModel(doc)) return importTfjsGraph(doc, folderShardReader(dir), { ...options, file: target });
    const metadataFile = options.metadata ?? ((await exists(path.join(dir, 'metadata.json'))) && path.basename(target) !== 'metadata.json' ? path.join(dir, 'metadata.json') : undefined);
    const teachableMachine = metadataFile ? await readJson(metadataFile) : undefined;
    return importTfjsLayers(doc, folderShardReader(dir), { ...options, file: target, ...(teachableMachine !== undefined ? { teachableMachine, teachableMachineFile: metadataFile as string } : {}) });
  }
  throw new ModelFormatError(`unknown file type "${ext}": expected a tfjs model.json (layers or graph model, or its folder), a Keras .h5 or an .onnx file`, { file });
}

/** Writes an imported model as a model folder (model.json with its metadata, and shards), atomically. */
export function saveImported(dir: string, model: ImportedModel): Promise<SavedModel> {
  return saveModel(dir, model.graph, model.weights, { metadata: model.metadata });
}
export { saveLayersModelFiles, type SaveLayersModelOptions } from './tfjs-layers/export';
export { writeKerasH5File, type KerasH5Contents, type KerasH5LayerValues, type KerasH5WeightValues } from './keras/h5-write';
export { saveKerasH5, type KerasH5Artifacts, type SaveKerasH5Options, type SavedKerasH5 } from './keras/h5-export';
