import { writeKerasH5File } from '@mobilenet-kit/convert/node';
import * as h5wasm from 'h5wasm/node';
import type { tfl } from './fixtures';

/**
 * Keras .h5 fixtures from tfjs-layers models, written by the package's own
 * writer of Keras's layout (writeKerasH5File, what saveKerasH5 uses; see
 * src/keras/h5-write.ts for the layout, after
 * keras/src/legacy/saving/legacy_h5_format.py), here with the layers editable
 * (renames, wrong shapes, removals) and both layouts (whole model, weights
 * only). Keras 2 (tf.keras) names weights `conv1/kernel:0`, Keras 3
 * `conv1/kernel`. The exporter's own test reads its files with h5wasm
 * directly, so the layout is checked apart from this writer's users.
 */

export interface KerasH5Fixture {
  readonly layout: 'model' | 'weights';
  /** 'keras2': weight names with the `:0` slot, strings typed as h5py stores Keras's; 'keras3': no slot, variable-length strings for the root attributes. */
  readonly style?: 'keras2' | 'keras3';
  /** Edits the per-layer weights before writing (renames, wrong shapes, removals). */
  readonly edit?: (layers: FixtureLayer[]) => void;
}

export interface FixtureLayer {
  name: string;
  weights: { name: string; shape: number[]; data: Float32Array }[];
}

let ready: Promise<unknown> | undefined;

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

/** Writes `model` as a Keras .h5 file (the exporter's writer, writeKerasH5File, on the layers after `edit`). */
export async function writeKerasH5(model: tfl.LayersModel, file: string, o: KerasH5Fixture): Promise<void> {
  const style = o.style ?? 'keras2';
  const layers = fixtureLayers(model, style);
  o.edit?.(layers);
  // tfjs-layers' topology is Keras's model config; model_config is its { class_name, config }.
  const topology = model.toJSON(null, false) as unknown as { class_name: string; config: unknown };
  await writeKerasH5File(file, {
    layout: o.layout,
    ...(o.layout === 'model' ? { modelConfig: { class_name: topology.class_name, config: topology.config } } : {}),
    layers,
    kerasVersion: style === 'keras2' ? '2.15.0' : '3.6.0',
    // keras3: variable-length root strings, another way writers store them.
    rootStrings: style === 'keras2' ? 'h5py' : 'variable',
  });
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
