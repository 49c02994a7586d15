import * as h5wasm from 'h5wasm/node';
import type { tfl } from './fixtures';

/**
 * Keras .h5 files written with h5wasm (the HDF5 C library) in the layout of
 * keras/src/legacy/saving/legacy_h5_format.py, from a tfjs-layers model:
 *
 * - `save_weights_to_hdf5_group(f, model)`: attribute `layer_names` (every
 *   layer, in model order, as fixed-length byte strings), `backend`,
 *   `keras_version`; one group per layer, created in name order, with the
 *   attribute `weight_names` (trainable then non-trainable weights; an empty
 *   list, which h5py writes as an empty float64 array, for layers without
 *   weights) and the weights as float32 datasets at those names inside the
 *   group (`conv1/conv1/kernel:0`: h5py creates the intermediate group);
 * - `save_model_to_hdf5`: that group as `model_weights`, and the root
 *   attributes `model_config` (the model's JSON), `keras_version`, `backend`.
 *
 * Keras 2 (tf.keras) names weights `conv1/kernel:0`, Keras 3 `conv1/kernel`.
 */

export interface KerasH5Fixture {
  readonly layout: 'model' | 'weights';
  /** 'keras2': weight names with the `:0` slot, strings as fixed-length bytes; 'keras3': no slot, variable-length strings for the root attributes. */
  readonly style?: 'keras2' | 'keras3';
  /** Edits the per-layer weights before writing (renames, wrong shapes, removals). */
  readonly edit?: (layers: FixtureLayer[]) => void;
}

export interface FixtureLayer {
  name: string;
  weights: { name: string; shape: number[]; data: Float32Array }[];
}

let ready: Promise<unknown> | undefined;

const fixed = (values: readonly string[]) => `S${Math.max(1, ...values.map((v) => Buffer.byteLength(v)))}` as const;

function stringsAttr(g: h5wasm.Group, name: string, values: readonly string[]): void {
  if (values.length === 0) g.create_attribute(name, new Float64Array(0), [0], '<d');
  else g.create_attribute(name, [...values], [values.length], fixed(values));
}

function scalarAttr(g: h5wasm.Group, name: string, value: string, style: 'keras2' | 'keras3'): void {
  if (style === 'keras2') g.create_attribute(name, value, [], fixed([value]));
  else g.create_attribute(name, value);
}

/** The weights of each layer as Keras keeps them (names `<layer>/<param>` plus the slot, values from getWeights). */
export function fixtureLayers(model: tfl.LayersModel, style: 'keras2' | 'keras3' = 'keras2'): FixtureLayer[] {
  return model.layers.map((layer) => {
    // getWeights gives the variables' own tensors: read, not disposed.
    const values = layer.getWeights();
    const weights = layer.weights.map((w, i) => ({
      name: `${w.originalName}${style === 'keras2' ? ':0' : ''}`,
      shape: [...values[i]!.shape],
      data: Float32Array.from(values[i]!.dataSync() as Float32Array),
    }));
    return { name: layer.name, weights };
  });
}

/** Writes `model` as a Keras .h5 file. */
export async function writeKerasH5(model: tfl.LayersModel, file: string, o: KerasH5Fixture): Promise<void> {
  ready ??= h5wasm.ready;
  await ready;
  const style = o.style ?? 'keras2';
  const layers = fixtureLayers(model, style);
  o.edit?.(layers);
  const f = new h5wasm.File(file, 'w');
  try {
    const version = style === 'keras2' ? '2.15.0' : '3.6.0';
    let root: h5wasm.Group = f;
    if (o.layout === 'model') {
      // tfjs-layers' topology is Keras's model config; model_config is its { class_name, config }.
      const topology = model.toJSON(null, false) as unknown as { class_name: string; config: unknown };
      scalarAttr(f, 'model_config', JSON.stringify({ class_name: topology.class_name, config: topology.config }), style);
      scalarAttr(f, 'keras_version', version, style);
      scalarAttr(f, 'backend', 'tensorflow', style);
      root = f.create_group('model_weights');
    }
    stringsAttr(root, 'layer_names', layers.map((l) => l.name));
    scalarAttr(root, 'backend', 'tensorflow', 'keras2');
    scalarAttr(root, 'keras_version', version, 'keras2');
    for (const layer of [...layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const g = root.create_group(layer.name);
      stringsAttr(g, 'weight_names', layer.weights.map((w) => w.name));
      for (const w of layer.weights) {
        const parts = w.name.split('/');
        let parent = g;
        for (const p of parts.slice(0, -1)) parent = (parent.get(p) as h5wasm.Group | null) ?? parent.create_group(p);
        parent.create_dataset({ name: parts.at(-1)!, data: w.data, shape: w.shape, dtype: '<f' });
      }
    }
  } finally {
    f.close();
  }
}

/** Reads back what a fixture holds (for checking the fixture itself against Keras's layout). */
export async function readLayout(file: string): Promise<{ root: string[]; attrs: string[]; layerNames: string[] }> {
  ready ??= h5wasm.ready;
  await ready;
  const f = new h5wasm.File(file, 'r');
  try {
    const mw = f.get('model_weights') as h5wasm.Group | null;
    const g = mw ?? f;
    return { root: f.keys(), attrs: Object.keys(f.attrs), layerNames: g.get_attribute('layer_names', false) as string[] };
  } finally {
    f.close();
  }
}
