import path from 'node:path';
import { ensureOutputDir, writeFileAtomic } from '@mobilenet-kit/core/node';

/** What tfjs-layers' save handler is given (tf.io.ModelArtifacts, the fields used here). */
interface LayersArtifacts {
  readonly modelTopology?: unknown;
  readonly weightSpecs?: readonly unknown[];
  readonly weightData?: ArrayBuffer | ArrayBuffer[];
  readonly generatedBy?: string;
}

/** The parts of tfjs-core and of a tfjs-layers model used here (typed by shape: this package imports no tfjs). */
export interface SaveLayersModelOptions {
  /** @tensorflow/tfjs-core (its io helpers). */
  readonly tf: {
    readonly io: {
      withSaveHandler(save: (artifacts: LayersArtifacts) => Promise<{ modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON' } }>): unknown;
      concatenateArrayBuffers(buffers: ArrayBuffer[]): ArrayBuffer;
    };
  };
  /** Written into model.json's `convertedBy`. */
  readonly convertedBy?: string;
}

/**
 * Writes a tfjs-layers model as files, as tfjs's file handlers lay them out
 * (`tf.io` has no file system saver outside tfjs-node): `dir/model.json`
 * (`format: "layers-model"`, the Keras-style topology, one weights group)
 * and `dir/weights.bin`. tfjs-layers' own `model.save` serialises the model,
 * so `tf.loadLayersModel` reads back what its own saver wrote; each file is
 * written atomically, weights.bin first, so a model.json never points at
 * weights that are not there. Build the model from a graph with
 * backend-tfjs's `toLayersModel` (what `mobilenet-kit export --format
 * tfjs-layers` does).
 */
export async function saveLayersModelFiles(
  model: { save(handler: never): Promise<unknown> },
  dir: string,
  options: SaveLayersModelOptions,
): Promise<{ readonly files: readonly string[]; readonly bytes: number }> {
  const { tf } = options;
  await ensureOutputDir(path.resolve(dir), '--out');
  let written: { json: string; weights: Uint8Array } | undefined;
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData ?? new ArrayBuffer(0);
    const weights = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
    const json = JSON.stringify({
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: options.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    });
    written = { json, weights };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  });
  await model.save(handler as never);
  if (!written) throw new Error('saveLayersModelFiles: the model saved nothing');
  const { json, weights } = written as { json: string; weights: Uint8Array };
  const files = [path.join(dir, 'weights.bin'), path.join(dir, 'model.json')];
  await writeFileAtomic(files[0]!, weights);
  await writeFileAtomic(files[1]!, json);
  return { files, bytes: weights.byteLength + json.length };
}
