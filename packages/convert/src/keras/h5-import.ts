import path from 'node:path';
import { mobilenetV1Layers } from '@mobilenet-kit/backbone';
import { ModelFormatError, formatShape } from '@mobilenet-kit/core';
import { type ImportedModel, assembleImport } from '../imported-model';
import { COMMON_ALPHAS, type ExpectedArchitecture, recognizeMobileNet } from '../recognize';
import { KERAS_MOBILENET_WEIGHT_LAYER, KERAS_MOBILENET_WEIGHT_LAYERS, kerasApplicationsMobileNet } from './applications';
import { type KerasH5File, type KerasH5Layer, type KerasH5Weight, openKerasH5 } from './h5-file';
import { convertKerasTopology } from './topology';
import { assembleKerasWeights, matchKerasWeights } from './weights';

export interface ImportKerasH5Options extends ExpectedArchitecture {
  /** Class names to use instead of those found (one per class). */
  readonly labels?: readonly string[];
  /** Weights-only files: false leaves conv_preds out (`--no-top`); by default the top is there when the file holds conv_preds. */
  readonly includeTop?: boolean;
}

/**
 * Imports a Keras .h5 file: a whole model (`model.save`; its model_config is
 * converted like a tfjs layers topology) or a weights-only file
 * (`save_weights`, Keras Applications' `mobilenet_1_0_224_tf.h5` and its
 * siblings; the architecture is Keras's MobileNet v1 at `alpha` /
 * `resolution` / `includeTop`, α worked out from the shapes when not given).
 * Every weight's name and shape is checked before any value is read.
 */
export async function importKerasH5(file: string, options: ImportKerasH5Options = {}): Promise<ImportedModel> {
  const h5 = await openKerasH5(file);
  try {
    return h5.layout === 'model' ? wholeModel(h5, options) : weightsOnly(h5, options);
  } finally {
    h5.close();
  }
}

/** The file's weights by name (a name two layers share is kept as `<layer>/<name>`). */
function weightsByName(h5: KerasH5File): Map<string, KerasH5Weight> {
  const all = h5.layers.flatMap((l) => l.weights);
  const count = new Map<string, number>();
  for (const w of all) count.set(w.name, (count.get(w.name) ?? 0) + 1);
  return new Map(all.map((w) => [count.get(w.name)! > 1 ? `${w.layer}/${w.name}` : w.name, w]));
}

const shapesOf = (byName: ReadonlyMap<string, KerasH5Weight>) => new Map([...byName].map(([n, w]) => [n, w.shape]));

function versionNote(h5: KerasH5File): string[] {
  return h5.kerasVersion || h5.backend ? [`written by Keras ${h5.kerasVersion ?? '(version not recorded)'}${h5.backend ? ` (${h5.backend} backend)` : ''}`] : [];
}

function unusedNote(unused: readonly string[], why = 'belong to no layer and were left out'): string[] {
  return unused.length ? [`${unused.length} weights of the file ${why}: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`] : [];
}

function wholeModel(h5: KerasH5File, options: ImportKerasH5Options): ImportedModel {
  const file = h5.file;
  if (options.includeTop === false) {
    throw new ModelFormatError('--no-top is for weights-only files (save_weights, Keras Applications); this file is a whole model (model.save) and keeps its own top', { file });
  }
  const converted = convertKerasTopology(h5.modelConfig, file);
  const recognized = recognizeMobileNet(converted.graph, file, options);
  const byName = weightsByName(h5);
  const { names, unused } = matchKerasWeights(converted, shapesOf(byName), file);
  const weights = assembleKerasWeights(converted.graph, converted, names, (n) => h5.read(byName.get(n)!));
  return assembleImport(converted.graph, weights, recognized, {
    format: 'keras-h5',
    file,
    ...(options.labels ? { labels: options.labels, labelSource: 'given' } : {}),
    notes: [...versionNote(h5), ...unusedNote(unused)],
  });
}

/** Keras Applications' file names: `mobilenet_<α: 1_0, 7_5, 5_0, 2_5>_<rows>_tf[_no_top].h5`. */
const APPLICATIONS_NAME = /^mobilenet_(1_0|7_5|5_0|2_5)_(\d+)_tf(_no_top)?\.h5$/;

/** A weight of a layer by its parameter (`kernel` finds `conv1/kernel:0`, `conv1/kernel`, `kernel:0`). */
function param(layer: KerasH5Layer | undefined, name: string): KerasH5Weight | undefined {
  return layer?.weights.find((w) => {
    const bare = w.name.replace(/:\d+$/, '');
    return bare === name || bare.endsWith(`/${name}`);
  });
}

function weightsOnly(h5: KerasH5File, options: ImportKerasH5Options): ImportedModel {
  const file = h5.file;
  const fail = (problem: string, weight?: string): never => {
    throw new ModelFormatError(problem, { file, ...(weight !== undefined ? { weight } : {}) });
  };
  const layers = new Map(h5.layers.filter((l) => l.weights.length > 0).map((l) => [l.name, l]));
  if (layers.size === 0) fail('a weights-only Keras file, but no layer holds weights');
  const stray = [...layers.values()].filter((l) => !KERAS_MOBILENET_WEIGHT_LAYER.test(l.name));
  if (stray.length > 0) {
    const s = stray[0]!;
    fail(
      `layer "${s.name}" holds weights (${s.weights.map((w) => w.name).join(', ')}) but matches no layer of Keras's MobileNet v1 (${KERAS_MOBILENET_WEIGHT_LAYERS})${stray.length > 1 ? `; ${stray.length - 1} more such layers: ${stray.slice(1, 4).map((l) => `"${l.name}"`).join(', ')}${stray.length > 4 ? ', …' : ''}` : ''}`,
    );
  }
  if (!layers.has('conv1')) fail(`no MobileNet v1 found: no layer "conv1" (the layers with weights are ${[...layers.keys()].slice(0, 6).map((n) => `"${n}"`).join(', ')}${layers.size > 6 ? ', …' : ''})`);
  const notes = versionNote(h5);

  // The top.
  const preds = layers.get('conv_preds');
  const includeTop = options.includeTop ?? preds !== undefined;
  if (includeTop && !preds) fail('has no "conv_preds" layer (a file without top, like Keras Applications\' …_no_top.h5): import it without top (--no-top)');
  const classes = preds ? (param(preds, 'bias')?.shape[0] ?? param(preds, 'kernel')?.shape.at(-1)) : undefined;
  if (includeTop && classes === undefined) fail('layer "conv_preds" holds neither "kernel" nor "bias"');

  // The resolution: not in the weights (the network is fully convolutional).
  const fromName = APPLICATIONS_NAME.exec(path.basename(file));
  const resolution = options.resolution ?? (fromName ? Number(fromName[2]) : undefined);
  if (resolution === undefined) {
    fail("a weights-only Keras file does not record the input size: give it (--resolution R; Keras Applications' file names carry it, mobilenet_1_0_224_tf.h5 is 224)");
  }
  if (options.resolution === undefined) notes.push(`resolution ${resolution} from the file name (Keras Applications' naming)`);

  // The depth multiplier and α, from the shapes; a given α is checked against them.
  const dw1 = param(layers.get('conv_dw_1'), 'depthwise_kernel');
  const depthMultiplier = dw1?.shape.length === 4 ? dw1.shape[3]! : 1;
  const convs = mobilenetV1Layers({ alpha: 1, depthMultiplier, includeTop: false }).filter((p) => p.filters !== undefined);
  const last = [...convs].reverse().find((p) => param(layers.get(p.name), 'kernel')?.shape.length === 4);
  const lastKernel = last ? param(layers.get(last.name), 'kernel')! : undefined;
  const estimate = last && lastKernel ? lastKernel.shape[3]! / last.filters! : undefined;
  const estimateText = estimate !== undefined ? `; the shapes say α ≈ ${+estimate.toFixed(4)} (${lastKernel!.name} ${formatShape(lastKernel!.shape)})` : '';
  /** The first conv whose kernel in the file has other filters than α gives: layer, weight, both shapes. */
  const mismatch = (alpha: number): string | undefined => {
    for (const planned of mobilenetV1Layers({ alpha, depthMultiplier, includeTop: false })) {
      if (planned.filters === undefined) continue;
      const k = param(layers.get(planned.name), 'kernel');
      if (k?.shape.length !== 4) continue;
      if (k.shape[3] !== planned.filters) {
        return `layer "${planned.name}" weight "${k.name}" has shape ${formatShape(k.shape)} in the file, α ${alpha} needs [${k.shape.slice(0, 3).join(', ')}, ${planned.filters}]`;
      }
    }
    return undefined;
  };
  let alpha: number;
  if (options.alpha !== undefined) {
    const problem = mismatch(options.alpha);
    if (problem) fail(`--alpha ${options.alpha} disagrees with the weights: ${problem}${estimateText}`);
    alpha = options.alpha;
  } else {
    const found = [...COMMON_ALPHAS, ...(estimate !== undefined ? [estimate] : [])].find((a) => !mismatch(a));
    if (found === undefined) fail(`not a MobileNet v1 of any width multiplier: ${mismatch(estimate ?? 1)}`);
    alpha = found!;
  }

  const converted = kerasApplicationsMobileNet({ alpha, resolution: resolution!, depthMultiplier, includeTop, ...(classes !== undefined ? { classes } : {}) });
  const byName = weightsByName(h5);
  const { names, unused } = matchKerasWeights(converted, shapesOf(byName), file);
  const dropped = includeTop ? [] : unused.filter((n) => byName.get(n)!.layer === 'conv_preds');
  if (dropped.length) notes.push(`conv_preds (${classes} classes) left out: imported without top`);
  notes.push(...unusedNote(unused.filter((n) => !dropped.includes(n))));
  const weights = assembleKerasWeights(converted.graph, converted, names, (n) => h5.read(byName.get(n)!));
  const recognized = recognizeMobileNet(converted.graph, file);
  return assembleImport(converted.graph, weights, { ...recognized, top: includeTop ? 'keras' : 'none' }, {
    format: 'keras-h5-weights',
    file,
    ...(options.labels ? { labels: options.labels, labelSource: 'given' } : {}),
    notes: [`architecture: Keras Applications' MobileNet v1 (a weights-only file holds no config), α ${options.alpha !== undefined ? 'as given' : 'from the weight shapes'}`, ...notes],
  });
}
