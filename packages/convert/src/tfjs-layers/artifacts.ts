/**
 * What tfjs-layers' own `model.save` hands a save handler, captured in
 * memory: the one way both exporters (tfjs layers files, Keras .h5) get a
 * model's Keras topology and weights. Typed by shape: this package imports
 * no tfjs.
 */

/** tf.io.ModelArtifacts, the fields the exporters use. */
export interface LayersArtifacts {
  /** The model's Keras config: `{ class_name, config, keras_version, backend }` (or one wrapped as `{ model_config, training_config }`). */
  readonly modelTopology?: unknown;
  /** `{ name: 'conv1/kernel', shape, dtype }` in the order of weightData. */
  readonly weightSpecs?: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: string; readonly quantization?: unknown }[];
  readonly weightData?: ArrayBuffer | ArrayBuffer[];
  readonly generatedBy?: string;
}

/** The parts of @tensorflow/tfjs-core used to save. */
export interface TfjsIo {
  readonly io: {
    withSaveHandler(save: (artifacts: LayersArtifacts) => Promise<{ modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON' } }>): unknown;
  };
}

/** A tfjs-layers model: what `save` is called on. */
export interface SavableLayersModel {
  save(handler: never): Promise<unknown>;
}

/** The artifacts a tfjs-layers model's own `save` produces (`who` names the caller in errors). */
export async function layersModelArtifacts(model: SavableLayersModel, tf: TfjsIo, who: string): Promise<LayersArtifacts> {
  let saved: LayersArtifacts | undefined;
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  });
  await model.save(handler as never);
  if (!saved) throw new Error(`${who}: the model saved nothing`);
  return saved;
}

/** The weight data as one buffer (tfjs may hand it over in pieces). */
export function weightDataBytes(artifacts: LayersArtifacts): Uint8Array {
  const data = artifacts.weightData ?? new ArrayBuffer(0);
  if (!Array.isArray(data)) return new Uint8Array(data);
  const out = new Uint8Array(data.reduce((a, b) => a + b.byteLength, 0));
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}
