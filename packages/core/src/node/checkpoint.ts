/**
 * The one training checkpoint folder (moved down from classification so that every head's
 * trainer writes the same format): a model folder plus checkpoint.json and optimizer.bin.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { encodeModel } from '../model-format/encode-model';
import { MODEL_JSON_FILE } from '../model-format/model-json';
import type { Graph, Weights } from '../types';
import { loadModel } from './load-model';
import { type ModelFs, nodeModelFs } from './model-fs';
import { mkdirLevels } from './output-dir';

/**
 * The optimizer's slots by parameter name: RMSProp's mean square and momentum
 * (backend-tfjs's RmsPropState has this shape), as float32 host copies.
 */
export type RmsPropState = Map<string, { ms: Float32Array; mom: Float32Array; shape: readonly number[] }>;

export const CHECKPOINT_FORMAT = 'mobilenet-kit-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
export const CHECKPOINT_JSON_FILE = 'checkpoint.json';
export const OPTIMIZER_FILE = 'optimizer.bin';

/** A checkpoint that cannot be used: missing, truncated, tampered with or from another run. Names the file. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** What a checkpoint holds besides the model: where the run stands. */
export interface CheckpointState {
  /** Epochs completed. */
  readonly epoch: number;
  /** Optimizer steps taken. */
  readonly step: number;
  /** The run's seed: shuffling, augmentation and dropout of epoch e derive from (seed, e). */
  readonly seed: number;
  /** The training configuration (JSON), to resume with the same settings. */
  readonly config: Record<string, unknown>;
  /** Per-epoch metrics so far. */
  readonly history: readonly Record<string, number>[];
}

export interface Checkpoint extends CheckpointState {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly metadata: Record<string, unknown> | undefined;
  readonly optimizer: RmsPropState;
}

interface FileEntry {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

interface CheckpointJson extends CheckpointState {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  readonly optimizer: { readonly name: string; readonly shape: readonly number[] }[];
  readonly files: readonly FileEntry[];
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const suffix = () => `${process.pid}-${randomBytes(6).toString('hex')}`;
const isMissing = (e: unknown) => (e as { code?: string })?.code === 'ENOENT';

/** The checksum of everything in checkpoint.json but the checksum itself. */
function bodyChecksum(body: object): string {
  return sha256(new TextEncoder().encode(JSON.stringify(body)));
}

/** ms then mom of each parameter, in name order, as float32 bytes (little-endian, as tfjs shards). */
function encodeOptimizer(state: RmsPropState): { bytes: Uint8Array; entries: { name: string; shape: number[] }[] } {
  const entries = [...state].map(([name, s]) => ({ name, shape: [...s.shape], size: s.ms.length }));
  const total = entries.reduce((a, e) => a + 2 * e.size, 0);
  const values = new Float32Array(total);
  let o = 0;
  for (const [, s] of state) {
    values.set(s.ms, o);
    values.set(s.mom, o + s.ms.length);
    o += 2 * s.ms.length;
  }
  return { bytes: new Uint8Array(values.buffer), entries: entries.map(({ name, shape }) => ({ name, shape })) };
}

/**
 * Writes a checkpoint folder atomically: every file goes to a new hidden
 * folder next to `dir` and is flushed, checkpoint.json (with each file's size
 * and SHA-256 and a checksum of itself) last; the folder is then renamed into
 * place. An older checkpoint is moved aside first and removed only once the
 * new one is in place, so a crash leaves the old or the new checkpoint, never
 * a mix (loadCheckpoint puts back one left aside by a crash between the two
 * renames).
 */
export async function saveCheckpoint(
  dir: string,
  checkpoint: Omit<Checkpoint, 'metadata'> & { metadata?: Record<string, unknown> },
  fs: ModelFs = nodeModelFs,
): Promise<void> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const { modelJson, shards } = encodeModel(checkpoint.graph, checkpoint.weights, checkpoint.metadata ? { metadata: checkpoint.metadata } : {});
  const optimizer = encodeOptimizer(checkpoint.optimizer);
  const files: { path: string; data: Uint8Array }[] = [
    ...shards.map((s) => ({ path: s.path, data: s.data })),
    { path: MODEL_JSON_FILE, data: new TextEncoder().encode(`${JSON.stringify(modelJson)}\n`) },
    { path: OPTIMIZER_FILE, data: optimizer.bytes },
  ];
  const body = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    epoch: checkpoint.epoch,
    step: checkpoint.step,
    seed: checkpoint.seed,
    config: checkpoint.config,
    history: checkpoint.history,
    optimizer: optimizer.entries,
    files: files.map((f) => ({ path: f.path, bytes: f.data.byteLength, sha256: sha256(f.data) })),
  } satisfies CheckpointJson;
  const json = new TextEncoder().encode(`${JSON.stringify({ ...body, checksum: bodyChecksum(body) }, null, 1)}\n`);

  await mkdirLevels(parent, { stat: (p) => fs.stat(p), mkdir: (p) => fs.mkdir(p) });
  const temp = path.join(parent, `.${base}.tmp-${suffix()}`);
  try {
    await fs.mkdir(temp);
    for (const f of files) await fs.writeFileDurably(path.join(temp, f.path), f.data);
    await fs.writeFileDurably(path.join(temp, CHECKPOINT_JSON_FILE), json);
    await fs.syncDir(temp);
  } catch (e) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw new CheckpointError(`writing the checkpoint failed (the previous one, if any, is untouched): ${(e as Error).message}`, temp);
  }
  let exists = true;
  await fs.stat(target).catch((e) => {
    if (isMissing(e)) exists = false;
    else throw e;
  });
  const aside = path.join(parent, `.${base}.old-${suffix()}`);
  if (exists) await fs.rename(target, aside);
  try {
    await fs.rename(temp, target);
  } catch (e) {
    if (exists) await fs.rename(aside, target).catch(() => undefined);
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw new CheckpointError(`cannot move the new checkpoint into place: ${(e as Error).message}`, target);
  }
  if (exists) await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  await fs.syncDir(parent);
}

/**
 * If `dir` is missing but a crash left the previous checkpoint aside
 * (`.<name>.old-*`), puts it back. Leftover temporary folders of
 * interrupted writes are removed. Returns true when `dir` exists afterwards.
 */
export async function recoverCheckpointDir(dir: string): Promise<boolean> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const entries = await fsp.readdir(parent).catch(() => [] as string[]);
  for (const e of entries) if (e.startsWith(`.${base}.tmp-`)) await fsp.rm(path.join(parent, e), { recursive: true, force: true });
  const exists = await fsp.stat(target).then(
    () => true,
    () => false,
  );
  if (exists) {
    for (const e of entries) if (e.startsWith(`.${base}.old-`)) await fsp.rm(path.join(parent, e), { recursive: true, force: true });
    return true;
  }
  const aside = entries.filter((e) => e.startsWith(`.${base}.old-`)).sort();
  if (aside.length === 0) return false;
  await fsp.rename(path.join(parent, aside[aside.length - 1]!), target);
  return true;
}

/** True when a checkpoint folder (or one left aside by a crash) exists. */
export async function checkpointExists(dir: string): Promise<boolean> {
  return recoverCheckpointDir(dir);
}

/**
 * Reads and verifies a checkpoint: checkpoint.json's own checksum, then every
 * file's size and SHA-256, then the model and the optimizer state. Any
 * truncated, missing or altered file is a CheckpointError naming it.
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const root = path.resolve(dir);
  await recoverCheckpointDir(root);
  const jsonFile = path.join(root, CHECKPOINT_JSON_FILE);
  let text: string;
  try {
    text = await fsp.readFile(jsonFile, 'utf8');
  } catch (e) {
    throw new CheckpointError(isMissing(e) ? 'not found: no checkpoint in this folder' : `cannot read: ${(e as Error).message}`, jsonFile);
  }
  let parsed: CheckpointJson & { checksum?: string };
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`is not valid JSON (truncated or damaged): ${(e as Error).message}`, jsonFile);
  }
  if (parsed?.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`format is ${JSON.stringify(parsed?.format)}, expected "${CHECKPOINT_FORMAT}"`, jsonFile);
  if (parsed.formatVersion !== CHECKPOINT_FORMAT_VERSION) throw new CheckpointError(`format version ${parsed.formatVersion} is not supported (this reader knows ${CHECKPOINT_FORMAT_VERSION})`, jsonFile);
  const { checksum, ...body } = parsed;
  if (checksum !== bodyChecksum(body)) throw new CheckpointError('checksum mismatch: the file was altered or damaged after it was written', jsonFile);
  const contents = new Map<string, Uint8Array>();
  for (const f of body.files) {
    const file = path.join(root, f.path);
    if (path.relative(root, file).startsWith('..')) throw new CheckpointError('file path leaves the checkpoint folder', f.path);
    let data: Uint8Array;
    try {
      data = await fsp.readFile(file);
    } catch (e) {
      throw new CheckpointError(isMissing(e) ? 'is listed in checkpoint.json but missing' : `cannot read: ${(e as Error).message}`, file);
    }
    if (data.byteLength !== f.bytes) throw new CheckpointError(`is ${data.byteLength} bytes, checkpoint.json says ${f.bytes} (truncated or replaced)`, file);
    if (sha256(data) !== f.sha256) throw new CheckpointError('SHA-256 differs from checkpoint.json (the file was altered)', file);
    contents.set(f.path, data);
  }
  const model = await loadModel(root);
  const optimizerBytes = contents.get(OPTIMIZER_FILE);
  if (!optimizerBytes) throw new CheckpointError(`${OPTIMIZER_FILE} is not listed`, jsonFile);
  const values = new Float32Array(optimizerBytes.buffer.slice(optimizerBytes.byteOffset, optimizerBytes.byteOffset + optimizerBytes.byteLength));
  const optimizer: RmsPropState = new Map();
  let o = 0;
  for (const e of body.optimizer) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (o + 2 * size > values.length) throw new CheckpointError(`holds ${values.length} values, fewer than the optimizer entries need`, path.join(root, OPTIMIZER_FILE));
    optimizer.set(e.name, { ms: values.slice(o, o + size), mom: values.slice(o + size, o + 2 * size), shape: e.shape });
    o += 2 * size;
  }
  if (o !== values.length) throw new CheckpointError(`holds ${values.length} values, the optimizer entries need ${o}`, path.join(root, OPTIMIZER_FILE));
  return { epoch: body.epoch, step: body.step, seed: body.seed, config: body.config, history: body.history, graph: model.graph, weights: model.weights, metadata: model.metadata, optimizer };
}
