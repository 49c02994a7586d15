import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { OutputPathError, fileKind, writeFileAtomic } from '@mobilenet-kit/core/node';
import { type LayersArtifacts, type SavableLayersModel, type TfjsIo, layersModelArtifacts, weightDataBytes } from '../tfjs-layers/artifacts';
import { type KerasH5LayerValues, writeKerasH5File } from './h5-write';

/** What tfjs-layers' save handler is given. */
export type KerasH5Artifacts = LayersArtifacts;

export interface SaveKerasH5Options {
  /** @tensorflow/tfjs-core (its io helpers); needed when a tfjs-layers model is given, not for artifacts. */
  readonly tf?: TfjsIo;
  /**
   * The `keras_version` attributes. Default '2.15.0': the Keras 2 layout
   * written here (weight names with the `:0` slot); Keras reads the version
   * only to convert Keras 1 files.
   */
  readonly kerasVersion?: string;
}

export interface SavedKerasH5 {
  readonly file: string;
  readonly bytes: number;
  /** Keras layer names, in model order (those of `layer_names`). */
  readonly layers: readonly string[];
  /** How many weights (datasets). */
  readonly weights: number;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

let counter = 0;

/** `{ class_name, config }` and the model's layer names (a Sequential's InputLayer is no layer of Keras's `model.layers`). */
function modelConfigOf(topology: unknown): { modelConfig: { class_name: string; config: unknown }; layerNames: string[] } {
  const t = isRecord(topology) && isRecord(topology.model_config) ? topology.model_config : topology;
  if (!isRecord(t) || typeof t.class_name !== 'string' || t.config === undefined) throw new Error('saveKerasH5: the model topology is not a Keras model config { class_name, config }');
  const cls = t.class_name;
  const config = t.config;
  const layers = Array.isArray(config) ? config : isRecord(config) && Array.isArray(config.layers) ? config.layers : undefined;
  if (!layers) throw new Error(`saveKerasH5: the ${cls} config has no layers`);
  const layerNames = layers.flatMap((l: unknown) => {
    if (!isRecord(l)) throw new Error(`saveKerasH5: a layer of the ${cls} config is not { class_name, config }`);
    if (cls === 'Sequential' && l.class_name === 'InputLayer') return [];
    const name = typeof l.name === 'string' ? l.name : isRecord(l.config) && typeof l.config.name === 'string' ? l.config.name : undefined;
    if (name === undefined) throw new Error(`saveKerasH5: a ${String(l.class_name)} layer has no name`);
    return [name];
  });
  return { modelConfig: { class_name: cls, config }, layerNames };
}

/**
 * Keras's per-layer weights from tfjs-layers' artifacts: each weight spec
 * (`conv1_bn/moving_mean`) goes to the layer its name starts with (the
 * longest such layer name), in spec order (tfjs-layers lists trainable
 * weights before non-trainable ones, as Keras's `weight_names` does), named
 * Keras 2's way (`conv1_bn/moving_mean:0`), its values cut from weightData.
 */
function layersOf(artifacts: KerasH5Artifacts, layerNames: readonly string[]): KerasH5LayerValues[] {
  const specs = artifacts.weightSpecs ?? [];
  const bytes = weightDataBytes(artifacts);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const byLayer = new Map(layerNames.map((n) => [n, [] as { name: string; shape: number[]; data: Float32Array }[]]));
  const bySize = [...layerNames].sort((a, b) => b.length - a.length);
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new Error(`saveKerasH5: weight "${spec.name}" is ${spec.dtype}${spec.quantization !== undefined ? ' (quantized)' : ''}; Keras weights here are float32`);
    }
    const n = spec.shape.reduce((a, x) => a * x, 1);
    if (offset + n * 4 > buffer.byteLength) throw new Error(`saveKerasH5: the weight data ends before weight "${spec.name}" (${buffer.byteLength} bytes)`);
    const data = new Float32Array(buffer.slice(offset, offset + n * 4));
    offset += n * 4;
    const layer = bySize.find((l) => spec.name.startsWith(`${l}/`));
    if (layer === undefined) throw new Error(`saveKerasH5: weight "${spec.name}" belongs to no layer of the model (layers: ${layerNames.slice(0, 5).join(', ')}, …)`);
    byLayer.get(layer)!.push({ name: `${spec.name}:0`, shape: [...spec.shape], data });
  }
  if (offset !== buffer.byteLength) throw new Error(`saveKerasH5: the weight specs cover ${offset} bytes of ${buffer.byteLength}`);
  return layerNames.map((name) => ({ name, weights: byLayer.get(name)! }));
}

/**
 * Writes a model as a Keras HDF5 file, the layout of Keras 2's
 * `model.save('x.h5')` (`save_model_to_hdf5`): root attributes
 * `model_config` (`{ class_name, config }`: the model's Keras config as
 * tfjs-layers serialises it), `keras_version`, `backend` ('tensorflow');
 * group `model_weights` with `layer_names` (every layer, in model order,
 * layers without weights included), `backend`, `keras_version`; per layer a
 * group whose `weight_names` (`conv1/kernel:0`) name float32 datasets inside
 * it (`model_weights/conv1/conv1/kernel:0`). The source is a tfjs-layers
 * model (saved through its own `model.save` with a save handler; pass
 * `{ tf }`) or the artifacts such a handler is given. Build the model from a
 * graph with backend-tfjs's `toLayersModel` (what `mobilenet-kit export
 * --format keras-h5` does). The file is written atomically: h5wasm writes a
 * temporary file beside it, whose bytes are written over the target with
 * core's writeFileAtomic; a folder that does not exist is an
 * OutputPathError and nothing is written.
 */
export async function saveKerasH5(source: KerasH5Artifacts | SavableLayersModel, file: string, options: SaveKerasH5Options = {}): Promise<SavedKerasH5> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat) throw new OutputPathError(file, 'saveKerasH5', `its folder "${dir}" does not exist`);
  if (!dirStat.isDirectory()) throw new OutputPathError(file, 'saveKerasH5', `"${dir}" is ${fileKind(dirStat)}, not a folder`);
  const targetStat = await stat(target).catch(() => undefined);
  if (targetStat?.isDirectory()) throw new OutputPathError(file, 'saveKerasH5', 'is a folder; give the .h5 file to write');

  let artifacts: KerasH5Artifacts;
  if (typeof (source as { save?: unknown }).save === 'function') {
    if (!options.tf) throw new Error('saveKerasH5: a tfjs-layers model is saved through tf.io.withSaveHandler: pass { tf } (@tensorflow/tfjs-core)');
    artifacts = await layersModelArtifacts(source as SavableLayersModel, options.tf, 'saveKerasH5');
  } else artifacts = source as KerasH5Artifacts;
  const { modelConfig, layerNames } = modelConfigOf(artifacts.modelTopology);
  const layers = layersOf(artifacts, layerNames);

  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${(counter++).toString(36)}.h5tmp`);
  try {
    await writeKerasH5File(temp, { layout: 'model', modelConfig, layers, kerasVersion: options.kerasVersion ?? '2.15.0', backend: 'tensorflow' });
    const bytes = new Uint8Array(await readFile(temp));
    await writeFileAtomic(target, bytes);
    return { file: target, bytes: bytes.byteLength, layers: layerNames, weights: layers.reduce((a, l) => a + l.weights.length, 0) };
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}
