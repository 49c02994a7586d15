import { open } from 'node:fs/promises';
import { ModelFormatError, formatShape } from '@mobilenet-kit/core';

/**
 * Keras HDF5 files (.h5), read with h5wasm (the HDF5 C library compiled to
 * wasm; lazy-loaded, so that nothing else pays for it). Two layouts, as
 * keras/src/legacy/saving/legacy_h5_format.py writes them:
 *
 * - whole model (`model.save('x.h5')`): root attributes `model_config` (the
 *   model's JSON config), `keras_version`, `backend`; a group `model_weights`
 *   with the attribute `layer_names` and one group per layer;
 * - weights only (`model.save_weights('x.h5')`, the files Keras Applications
 *   ships): the same per-layer groups and `layer_names` at the root.
 *
 * Each layer group lists its weights in the attribute `weight_names`
 * (`conv1/kernel:0` in Keras 2, `conv1/kernel` in Keras 3), datasets at
 * those paths inside the group; an attribute too large for an HDF5 object
 * header is split into `<name>0`, `<name>1`, …. Only names and shapes are read
 * when the file is opened; values are read weight by weight, after matching.
 */

/** The 8 bytes an HDF5 superblock starts with. */
export const HDF5_SIGNATURE: Uint8Array = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface KerasH5Weight {
  /** The layer (group) holding it. */
  readonly layer: string;
  /** As listed in the layer's `weight_names` (`conv1/kernel:0`). */
  readonly name: string;
  /** The dataset's path in the file. */
  readonly path: string;
  readonly shape: readonly number[];
  /** h5wasm's dtype (`<f`: little-endian float32). */
  readonly dtype: string;
}

export interface KerasH5Layer {
  readonly name: string;
  /** Empty for layers without weights (activations, padding, reshapes). */
  readonly weights: readonly KerasH5Weight[];
}

export interface KerasH5File {
  readonly file: string;
  /** 'model': `model.save` (config and weights); 'weights': `save_weights` (no config). */
  readonly layout: 'model' | 'weights';
  /** The parsed `model_config` attribute (whole-model files). */
  readonly modelConfig?: unknown;
  readonly kerasVersion?: string;
  readonly backend?: string;
  /** In the order of `layer_names` (the model's layer order). */
  readonly layers: readonly KerasH5Layer[];
  /** The values of one weight as float32 (float64 datasets are converted). */
  read(weight: KerasH5Weight): Float32Array;
  close(): void;
}

type H5wasm = typeof import('h5wasm/node');
type H5Group = InstanceType<H5wasm['Group']>;
type H5Dataset = InstanceType<H5wasm['Dataset']>;

let loading: Promise<H5wasm> | undefined;

/**
 * `import('h5wasm/node')`. tsup's CommonJS build turns `import()` into
 * `require()`, which h5wasm refuses (ESM only: its exports have no "require"
 * condition); there, an import made at run time stays a real one.
 */
async function importH5wasm(): Promise<H5wasm> {
  try {
    return await import('h5wasm/node');
  } catch (e) {
    const runtimeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<H5wasm>;
    return runtimeImport('h5wasm/node').catch(() => {
      throw e;
    });
  }
}

/** h5wasm's Node build (the host file system, files read as needed), with HDF5 errors thrown as JS errors instead of printed. */
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= (async () => {
    const h5 = await importH5wasm();
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return h5;
  })().catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** The innermost message of HDF5's error stack (`truncated file: eof = 1200, …, stored_eof = 6168`). */
export function hdf5Problem(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = [...text.matchAll(/#\d+: .*? in [^(]+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  return lines.at(-1) ?? text.split('\n')[0]!.trim();
}

/** Whether the file starts with the HDF5 signature (at byte 0, or after a user block of 512, 1024, … bytes). */
export async function hasHdf5Signature(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buf = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      const { bytesRead } = await handle.read(buf, 0, 8, offset);
      if (bytesRead === 8 && buf.every((b, i) => b === HDF5_SIGNATURE[i])) return true;
      if (offset >= 1 << 20) break;
    }
    return false;
  } finally {
    await handle.close();
  }
}

const isGroup = (h5: H5wasm, e: unknown): e is H5Group => e instanceof h5.Group;
const isDataset = (h5: H5wasm, e: unknown): e is H5Dataset => e instanceof h5.Dataset;

/**
 * Opens a Keras .h5 file and lists its layers and weights (names, shapes,
 * dtypes) without reading any weight. A file that is not HDF5, is truncated
 * or lacks Keras's attributes / groups is a ModelFormatError naming the file
 * and what is missing.
 */
export async function openKerasH5(file: string): Promise<KerasH5File> {
  let signed: boolean;
  try {
    signed = await hasHdf5Signature(file);
  } catch (e) {
    throw new ModelFormatError(`cannot read: ${(e as Error).message}`, { file });
  }
  if (!signed) throw new ModelFormatError('is not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at its start): a Keras .h5 file is HDF5', { file });
  const h5 = await loadH5wasm();
  let f: InstanceType<H5wasm['File']>;
  try {
    f = new h5.File(file, 'r');
  } catch (e) {
    throw new ModelFormatError(`HDF5 cannot open it: ${hdf5Problem(e)}`, { file });
  }
  try {
    return describe(h5, f, file);
  } catch (e) {
    f.close();
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(`HDF5 cannot read it: ${hdf5Problem(e)}`, { file });
  }
}

function describe(h5: H5wasm, f: InstanceType<H5wasm['File']>, file: string): KerasH5File {
  const fail = (problem: string, weight?: string): never => {
    throw new ModelFormatError(problem, { file, ...(weight !== undefined ? { weight } : {}) });
  };
  const attrNames = (g: H5Group) => Object.keys(g.attrs);
  /** A string attribute (a scalar, or a list of strings; Keras's chunks `<name>0`, `<name>1`, … joined). */
  const strings = (g: H5Group, name: string): string[] | undefined => {
    const names = attrNames(g);
    const parts = names.includes(name) ? [name] : [];
    if (parts.length === 0) for (let i = 0; names.includes(`${name}${i}`); i++) parts.push(`${name}${i}`);
    if (parts.length === 0) return undefined;
    return parts.flatMap((p) => {
      const v = g.get_attribute(p, false) as unknown;
      if (typeof v === 'string') return [v];
      if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
      // h5py writes an empty list as an empty float64 array.
      if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 0) return [];
      return fail(`attribute "${p}" of "${g.path}" is not a string or a list of strings (HDF5 type ${g.attrs[p]!.dtype})`);
    });
  };
  const one = (g: H5Group, name: string): string | undefined => {
    const v = strings(g, name);
    return v?.length === 1 ? v[0] : undefined;
  };

  const top = f as unknown as H5Group;
  const rootKeys = top.keys();
  let root: H5Group;
  let layout: 'model' | 'weights';
  let modelConfig: unknown;
  if (rootKeys.includes('model_weights')) {
    const mw = top.get('model_weights');
    if (!isGroup(h5, mw)) return fail('"model_weights" is not an HDF5 group');
    root = mw;
    layout = 'model';
    const text = one(top, 'model_config');
    if (text === undefined) {
      fail(`has a "model_weights" group but no "model_config" attribute (root attributes: ${attrNames(top).join(', ') || 'none'}): not a whole model saved by Keras's model.save`);
    }
    try {
      modelConfig = JSON.parse(text!);
    } catch (e) {
      fail(`the "model_config" attribute is not valid JSON: ${(e as Error).message}`);
    }
  } else if (strings(top, 'layer_names') !== undefined) {
    root = top;
    layout = 'weights';
  } else {
    return fail(
      `is HDF5 but not a Keras model: no "model_weights" group (model.save) and no "layer_names" attribute at the root (save_weights); it holds ${rootKeys.length ? rootKeys.slice(0, 6).map((k) => `"${k}"`).join(', ') : 'no groups'}${rootKeys.length > 6 ? ', …' : ''}`,
    );
  }
  const where = layout === 'model' ? '/model_weights' : '/';
  const layerNames = strings(root, 'layer_names') ?? fail(`"${where}" has no "layer_names" attribute (Keras lists the layers there)`);
  const layers: KerasH5Layer[] = layerNames.map((layer) => {
    const g = root.get(layer);
    if (!isGroup(h5, g)) return fail(`layer "${layer}" is listed in "layer_names" but "${where === '/' ? '' : where}/${layer}" is ${g === null ? 'missing' : 'not a group'}`);
    const weightNames = strings(g, 'weight_names') ?? fail(`layer "${layer}" (group "${g.path}") has no "weight_names" attribute`);
    const weights = weightNames.map((name): KerasH5Weight => {
      const d = g.get(name);
      if (!isDataset(h5, d)) return fail(`layer "${layer}" lists weight "${name}" but "${g.path}/${name}" is ${d === null ? 'missing' : 'not a dataset'}`, name);
      const m = d.metadata;
      if (m.type !== 1 || (m.size !== 4 && m.size !== 8)) fail(`layer "${layer}": dtype ${d.dtype} is not float32 or float64`, name);
      return { layer, name, path: d.path, shape: [...(d.shape ?? [])], dtype: d.dtype as string };
    });
    return { name: layer, weights };
  });
  const kerasVersion = one(top, 'keras_version') ?? one(root, 'keras_version');
  const backend = one(top, 'backend') ?? one(root, 'backend');
  return {
    file,
    layout,
    ...(modelConfig !== undefined ? { modelConfig } : {}),
    ...(kerasVersion !== undefined ? { kerasVersion } : {}),
    ...(backend !== undefined ? { backend } : {}),
    layers,
    read(weight) {
      let value: unknown;
      try {
        const d = f.get(weight.path);
        if (!isDataset(h5, d)) return fail(`"${weight.path}" is not a dataset`, weight.name);
        value = d.value;
      } catch (e) {
        if (e instanceof ModelFormatError) throw e;
        return fail(`HDF5 cannot read "${weight.path}": ${hdf5Problem(e)}`, weight.name);
      }
      const n = weight.shape.reduce((a, x) => a * x, 1);
      const data = value instanceof Float32Array ? value : value instanceof Float64Array ? Float32Array.from(value) : fail(`"${weight.path}" did not read as floats`, weight.name);
      if (data.length !== n) fail(`"${weight.path}" holds ${data.length} values, its shape ${formatShape(weight.shape)} needs ${n}`, weight.name);
      return data;
    },
    close() {
      f.close();
    },
  };
}
