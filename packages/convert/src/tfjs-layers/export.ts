import path from 'node:path';
import { ensureOutputDir, writeFileAtomic } from '@mobilenet-kit/core/node';
import { type SavableLayersModel, type TfjsIo, layersModelArtifacts, weightDataBytes } from './artifacts';

export interface SaveLayersModelOptions {
  /** @tensorflow/tfjs-core (its io helpers). */
  readonly tf: TfjsIo;
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
export async function saveLayersModelFiles(model: SavableLayersModel, dir: string, options: SaveLayersModelOptions): Promise<{ readonly files: readonly string[]; readonly bytes: number }> {
  await ensureOutputDir(path.resolve(dir), '--out');
  const artifacts = await layersModelArtifacts(model, options.tf, 'saveLayersModelFiles');
  const weights = weightDataBytes(artifacts);
  const json = JSON.stringify({
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: options.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  });
  const files = [path.join(dir, 'weights.bin'), path.join(dir, 'model.json')];
  await writeFileAtomic(files[0]!, weights);
  await writeFileAtomic(files[1]!, json);
  return { files, bytes: weights.byteLength + json.length };
}
