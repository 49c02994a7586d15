import * as path from 'node:path';
import { ModelFormatError } from '../errors';
import { envLimit, JSON_LIMIT_ENV } from '../input/bounded-json';
import type { DecodedModel } from '../model-format/decode-model';
import { MODEL_JSON_FILE } from '../model-format/model-json';
import { planModel } from '../model-format/model-plan';
import { checkShardSizes, decodeShards } from '../model-format/shard-data';
import { fileKind } from './file-kind';
import { isFsError, type ModelFs, modelFs } from './model-fs';

export interface LoadModelOptions {
  /** Upper bound on the shard bytes and on the decoded float32 bytes, each in total (default 2 GiB). */
  readonly maxBytes?: number;
  /** Upper bound on the size of model.json (default 64 MiB). */
  readonly maxModelJsonBytes?: number;
  /** Upper bound on model.json's nesting depth (default 256, DEFAULT_MAX_JSON_DEPTH). */
  readonly maxJsonDepth?: number;
  /** Keep NaN and ±Infinity weights instead of refusing them (default false). */
  readonly allowNonFinite?: boolean;
  /** Replacement file operations (tests). */
  readonly fs?: Partial<ModelFs>;
}

export const DEFAULT_MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

function wrap(e: unknown, file: string, what: string): ModelFormatError {
  if (e instanceof ModelFormatError) return e;
  const error = new ModelFormatError(`${what}: ${(e as Error)?.message ?? String(e)}`, { file });
  (error as Error & { cause?: unknown }).cause = e;
  return error;
}

/**
 * Reads a model folder written by saveModel (or any folder in the model
 * file format). model.json's size is bounded before it is read; it is then
 * checked in full; every shard's size is compared with the manifest (by
 * stat) before any shard is read; only then are shards read and decoded.
 * Shard paths never leave the folder; URLs are refused.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<DecodedModel> {
  const fs = modelFs(options.fs);
  const root = path.resolve(dir);
  const jsonFile = path.join(root, MODEL_JSON_FILE);
  // The CLI's --max-json-bytes (MOBILENET_KIT_MAX_JSON_BYTES) raises model.json's limit too.
  const maxJson = options.maxModelJsonBytes ?? envLimit(JSON_LIMIT_ENV.maxBytes) ?? DEFAULT_MAX_MODEL_JSON_BYTES;

  let jsonBytes: Uint8Array;
  try {
    const stat = await fs.stat(jsonFile);
    if (!stat.isFile()) throw new ModelFormatError(`is not a regular file (${fileKind(stat)})`, { file: jsonFile });
    if (stat.size > maxJson) throw new ModelFormatError(`is ${stat.size} bytes, above the limit of ${maxJson} bytes (raise it with maxModelJsonBytes; CLI: --max-json-bytes)`, { file: jsonFile });
    jsonBytes = await fs.readFile(jsonFile);
  } catch (e) {
    if (isFsError(e, 'ENOENT')) throw new ModelFormatError(`not found: "${root}" is not a model folder`, { file: jsonFile });
    if (isFsError(e, 'EACCES') || isFsError(e, 'EPERM')) throw new ModelFormatError('permission denied', { file: jsonFile });
    if (isFsError(e, 'ENOTDIR')) throw new ModelFormatError(`"${root}" is not a folder`, { file: jsonFile });
    throw wrap(e, jsonFile, 'cannot read');
  }
  if (jsonBytes.byteLength > maxJson) throw new ModelFormatError(`grew to ${jsonBytes.byteLength} bytes while being read, above ${maxJson}`, { file: jsonFile });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes);
  } catch {
    throw new ModelFormatError('is not valid UTF-8 text', { file: jsonFile });
  }

  const plan = planModel(text, { file: jsonFile, maxBytes: options.maxBytes, allowUrls: false, maxJsonBytes: maxJson, maxJsonDepth: options.maxJsonDepth });
  const shardFile = (p: string) => {
    const full = path.resolve(root, p);
    // planModel already refuses "..", absolute paths and URLs; this guards the join itself.
    const rel = path.relative(root, full);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new ModelFormatError('shard path leaves the model folder', { file: p });
    return full;
  };

  // Sizes first, for every shard, before reading any of them.
  for (const group of plan.groups) {
    const sizes: number[] = [];
    for (const p of group.paths) {
      const file = shardFile(p);
      try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) throw new ModelFormatError(`is not a regular file (${fileKind(stat)})`, { file });
        sizes.push(stat.size);
      } catch (e) {
        if (isFsError(e, 'ENOENT')) throw new ModelFormatError(`shard listed in ${MODEL_JSON_FILE} (weights group ${group.index + 1}) does not exist`, { file });
        throw wrap(e, file, 'cannot stat the shard');
      }
    }
    checkShardSizes(group, sizes, true, shardFile);
  }

  const shards: Uint8Array[][] = [];
  for (const group of plan.groups) {
    const data: Uint8Array[] = [];
    for (const p of group.paths) {
      const file = shardFile(p);
      try {
        data.push(await fs.readFile(file));
      } catch (e) {
        if (isFsError(e, 'EACCES') || isFsError(e, 'EPERM')) throw new ModelFormatError('permission denied', { file });
        throw wrap(e, file, 'cannot read the shard');
      }
    }
    // A shard that changed between stat and read is caught here.
    checkShardSizes(group, data.map((d) => d.byteLength), true, shardFile);
    shards[group.index] = data;
  }
  let weights: ReturnType<typeof decodeShards>;
  try {
    weights = decodeShards(plan.groups, shards, plan.params.map((p) => p.name), { allowNonFinite: options.allowNonFinite });
  } catch (e) {
    // decodeShards names a shard as the manifest does (relative); here it is named by its full path.
    if (e instanceof ModelFormatError && e.file !== undefined && !path.isAbsolute(e.file)) {
      const full = path.resolve(root, e.file);
      const error = new ModelFormatError(e.message.slice(e.message.indexOf(': ') + 2), { file: full, weight: e.weight, offset: e.offset });
      (error as Error & { cause?: unknown }).cause = e;
      throw error;
    }
    throw e;
  }
  return { graph: plan.graph, weights, metadata: plan.metadata };
}
