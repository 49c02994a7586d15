import type { Group } from 'h5wasm/node';
import { loadH5wasm } from './h5-file';

/**
 * Writes the HDF5 layouts of keras/src/legacy/saving/legacy_h5_format.py
 * with h5wasm (the HDF5 C library), attribute by attribute as h5py stores
 * what Keras hands it:
 *
 * - `save_weights_to_hdf5_group(f, model)`: attribute `layer_names` (every
 *   layer in model order, `layer.name.encode('utf8')`: an array of
 *   fixed-length ASCII strings as wide as the longest, split into `layer_names0`, `layer_names1`, …
 *   past HDF5_OBJECT_HEADER_LIMIT bytes), `backend` and `keras_version`
 *   (fixed-length byte strings); one group per layer, created in name order,
 *   with the attribute `weight_names` (trainable then non-trainable weights;
 *   `[]`, which h5py stores as an empty float64 array, for a layer without
 *   weights) and each weight a float32 dataset at its name inside the group
 *   (`conv1/kernel:0` in group `conv1` is `conv1/conv1/kernel:0`: h5py
 *   creates the intermediate group);
 * - `save_model_to_hdf5`: that group as `model_weights`, and the root
 *   attributes of `model_metadata`: `model_config` (`json.dumps(...)
 *   .encode('utf8')`: a fixed-length byte string), `keras_version` and
 *   `backend` (Python `str`: variable-length UTF-8 strings).
 *
 * Nothing is checked here beyond what HDF5 refuses; the callers hand over
 * consistent layers (the exporter from tfjs-layers' save artifacts, the
 * tests' fixtures from tfjs-layers models, sometimes edited on purpose).
 */

/** Keras's limit on one attribute's bytes (legacy_h5_format.HDF5_OBJECT_HEADER_LIMIT). */
export const HDF5_OBJECT_HEADER_LIMIT = 64512;

export interface KerasH5WeightValues {
  /** As listed in `weight_names`: `conv1/kernel:0` (Keras 2), `conv1/kernel` (Keras 3). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface KerasH5LayerValues {
  readonly name: string;
  readonly weights: readonly KerasH5WeightValues[];
}

export interface KerasH5Contents {
  /** 'model': `model.save` (model_config and `model_weights`); 'weights': `save_weights` (the layer groups at the root). */
  readonly layout: 'model' | 'weights';
  /** `{ class_name, config }`, written as JSON into `model_config` (whole models). */
  readonly modelConfig?: unknown;
  /** In model order (that of `layer_names`). */
  readonly layers: readonly KerasH5LayerValues[];
  readonly kerasVersion: string;
  /** Default 'tensorflow'. */
  readonly backend?: string;
  /**
   * How the root's scalar strings are stored: 'h5py' (default) as h5py does
   * under Keras (model_config fixed-length bytes, keras_version and backend
   * variable-length UTF-8); 'fixed' all fixed-length; 'variable' all
   * variable-length (how other writers may store them; readers take all three).
   */
  readonly rootStrings?: 'h5py' | 'fixed' | 'variable';
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
/**
 * h5py stores bytes as ASCII fixed-length strings; h5wasm's 'A<n>' is that
 * (C_S1: ASCII, null-terminated where shorter), its 'S<n>' UTF-8 (for names
 * that are not ASCII, which Keras would store as their UTF-8 bytes).
 */
const fixedType = (values: readonly string[], width = Math.max(1, ...values.map(byteLength))) =>
  values.every((v) => byteLength(v) === v.length) ? (`A${width}` as const) : (`S${width}` as const);

/** A scalar string attribute: fixed-length bytes (`'x'.encode('utf8')` in h5py) or variable-length UTF-8 (a Python str). */
function scalarString(g: Group, name: string, value: string, kind: 'fixed' | 'variable'): void {
  if (kind === 'fixed') g.create_attribute(name, value, [], fixedType([value]));
  else g.create_attribute(name, value);
}

/**
 * A list of strings as Keras's save_attributes_to_hdf5_group stores it:
 * one array of fixed-length byte strings, or, when it would pass
 * HDF5_OBJECT_HEADER_LIMIT bytes, chunks `<name>0`, `<name>1`, … split as
 * numpy's array_split does; an empty list as an empty float64 array.
 */
export function writeStringList(g: Group, name: string, values: readonly string[]): void {
  if (values.length === 0) {
    g.create_attribute(name, new Float64Array(0), [0], '<d');
    return;
  }
  const tooLong = values.find((v) => byteLength(v) > HDF5_OBJECT_HEADER_LIMIT);
  if (tooLong !== undefined) throw new Error(`attribute "${name}": an entry of ${byteLength(tooLong)} bytes cannot be saved to HDF5 (more than ${HDF5_OBJECT_HEADER_LIMIT})`);
  const width = Math.max(1, ...values.map(byteLength));
  let chunks = 1;
  const split = (n: number): string[][] => {
    // numpy.array_split: the first len % n chunks hold one more.
    const base = Math.floor(values.length / n);
    const extra = values.length % n;
    const out: string[][] = [];
    for (let i = 0, at = 0; i < n; i++) {
      const size = base + (i < extra ? 1 : 0);
      out.push(values.slice(at, at + size));
      at += size;
    }
    return out;
  };
  // np.asarray gives every chunk the width of the longest entry.
  while (Math.ceil(values.length / chunks) * width > HDF5_OBJECT_HEADER_LIMIT) chunks++;
  if (chunks === 1) {
    g.create_attribute(name, [...values], [values.length], fixedType(values, width));
    return;
  }
  split(chunks).forEach((chunk, i) => g.create_attribute(`${name}${i}`, chunk, [chunk.length], fixedType(values, width)));
}

/**
 * Writes `contents` into `file` (created or truncated) in Keras's layout.
 * Not atomic: saveKerasH5 writes a temporary file with this and renames it.
 */
export async function writeKerasH5File(file: string, contents: KerasH5Contents): Promise<void> {
  const h5 = await loadH5wasm();
  const backend = contents.backend ?? 'tensorflow';
  const rootStrings = contents.rootStrings ?? 'h5py';
  const f = new h5.File(file, 'w');
  try {
    let root: Group = f;
    if (contents.layout === 'model') {
      if (contents.modelConfig === undefined) throw new Error('writeKerasH5File: a whole model needs its modelConfig');
      scalarString(f, 'model_config', JSON.stringify(contents.modelConfig), rootStrings === 'variable' ? 'variable' : 'fixed');
      scalarString(f, 'keras_version', contents.kerasVersion, rootStrings === 'fixed' ? 'fixed' : 'variable');
      scalarString(f, 'backend', backend, rootStrings === 'fixed' ? 'fixed' : 'variable');
      root = f.create_group('model_weights');
    }
    writeStringList(
      root,
      'layer_names',
      contents.layers.map((l) => l.name),
    );
    scalarString(root, 'backend', backend, 'fixed');
    scalarString(root, 'keras_version', contents.kerasVersion, 'fixed');
    for (const layer of [...contents.layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      // A layer name with '/' (the kit's scoped names: head/logits) is a path of groups, as h5py's
      // create_group makes it; h5wasm's create_group needs each level to exist (it failed with an HDF5 dump).
      let g: Group = root;
      for (const p of layer.name.split('/')) g = (g.get(p) as Group | null) ?? g.create_group(p);
      writeStringList(
        g,
        'weight_names',
        layer.weights.map((w) => w.name),
      );
      for (const w of layer.weights) {
        const parts = w.name.split('/');
        let parent: Group = g;
        for (const p of parts.slice(0, -1)) parent = (parent.get(p) as Group | null) ?? parent.create_group(p);
        parent.create_dataset({ name: parts.at(-1)!, data: w.data, shape: [...w.shape], dtype: '<f' });
      }
    }
  } finally {
    f.close();
  }
}
