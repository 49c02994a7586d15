import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ModelFormatError } from '../errors';
import { type EncodeModelOptions, encodeModel } from '../model-format/encode-model';
import { MODEL_JSON_FILE } from '../model-format/model-json';
import type { Graph, Weights } from '../types';
import { isFsError, type ModelFs, modelFs } from './model-fs';
import { mkdirLevels } from './output-dir';

export interface SaveModelOptions extends EncodeModelOptions {
  /** Replacement file operations (tests use this to simulate crashes). */
  readonly fs?: Partial<ModelFs>;
}

export interface SavedModel {
  /** The model folder, resolved. */
  readonly dir: string;
  /** Names of the files written in it: model.json and the shards. */
  readonly files: readonly string[];
  /** Bytes written in all. */
  readonly bytes: number;
}

const uniqueSuffix = () => `${process.pid}-${randomBytes(6).toString('hex')}`;

function wrap(e: unknown, file: string, what: string): ModelFormatError {
  if (e instanceof ModelFormatError) return e;
  const error = new ModelFormatError(`${what}: ${(e as Error)?.message ?? String(e)}`, { file });
  (error as Error & { cause?: unknown }).cause = e;
  return error;
}

/**
 * Writes a model folder (model.json and its .bin shards) atomically: the
 * files go to a new folder next to the target and are flushed to disk, then
 * renamed into place. An existing model is renamed aside first and removed
 * only once the new one is in place; if the swap fails it is put back.
 * Readers see either the old model or the new one, never a mix. (A crash in
 * the instant between the two renames leaves the old model in a hidden
 * `.<name>.old-*` folder next to the target.)
 */
export async function saveModel(dir: string, graph: Graph, weights: Weights, options: SaveModelOptions = {}): Promise<SavedModel> {
  const fs = modelFs(options.fs);
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  // Everything that can be wrong with the graph or the weights fails here, before the disk is touched.
  const { modelJson, shards } = encodeModel(graph, weights, options);

  let targetExists = false;
  try {
    const stat = await fs.stat(target);
    if (!stat.isDirectory()) throw new ModelFormatError('exists and is not a folder; refusing to replace it with a model', { file: target });
    const entries = await fs.readdir(target);
    if (entries.length > 0 && !entries.includes(MODEL_JSON_FILE)) {
      throw new ModelFormatError(`is a folder without ${MODEL_JSON_FILE} that holds other files; refusing to replace it with a model`, { file: target });
    }
    targetExists = true;
  } catch (e) {
    if (!isFsError(e, 'ENOENT')) throw wrap(e, target, 'cannot inspect the target folder');
  }

  try {
    await mkdirLevels(parent, { stat: (p) => fs.stat(p), mkdir: (p) => fs.mkdir(p) });
  } catch (e) {
    throw wrap(e, parent, 'cannot create the parent folder');
  }

  const temp = path.join(parent, `.${base}.tmp-${uniqueSuffix()}`);
  const json = new TextEncoder().encode(`${JSON.stringify(modelJson, null, 1)}\n`);
  let bytes = json.byteLength;
  try {
    await fs.mkdir(temp);
    for (const shard of shards) {
      await fs.writeFileDurably(path.join(temp, shard.path), shard.data);
      bytes += shard.data.byteLength;
    }
    // model.json last: a folder with a model.json always has its shards.
    await fs.writeFileDurably(path.join(temp, MODEL_JSON_FILE), json);
    await fs.syncDir(temp);
  } catch (e) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw wrap(e, temp, 'writing the model failed (the existing model, if any, is untouched)');
  }

  const aside = path.join(parent, `.${base}.old-${uniqueSuffix()}`);
  try {
    if (targetExists) await fs.rename(target, aside);
  } catch (e) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw wrap(e, target, 'cannot move the existing model aside (it is untouched)');
  }
  try {
    await fs.rename(temp, target);
  } catch (e) {
    const restore = targetExists ? fs.rename(aside, target) : Promise.resolve();
    await restore.catch(() => undefined);
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw wrap(e, target, 'cannot move the new model into place (the previous model, if any, was restored)');
  }
  if (targetExists) await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  await fs.syncDir(parent);
  return { dir: target, files: [...shards.map((s) => s.path), MODEL_JSON_FILE], bytes };
}
