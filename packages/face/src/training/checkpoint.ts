import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeModel, encodeModel, type Graph, type Weights } from '@mobilenet-kit/core';
import { writeFileAtomic } from '@mobilenet-kit/core/node';

/**
 * A face trainer's checkpoint as one file, so that replacing it is a single
 * atomic rename:
 *
 *     "MKFACECK" · u32 header length · header JSON · model shards · optimizer slots · SHA-256 of all before it
 *
 * The header holds core's model.json (graph and weights manifest, float32),
 * the run's state (epoch, step, seed, config, history) and the optimizer
 * slots' names and shapes; the trailing SHA-256 covers every byte, so a
 * truncated or altered file is refused with the file named.
 */
export const FACE_CHECKPOINT_MAGIC = 'MKFACECK';
export const FACE_CHECKPOINT_VERSION = 1;

export class FaceCheckpointError extends Error {
  override readonly name = 'FaceCheckpointError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
  }
}

export interface FaceCheckpointState {
  /** Epochs completed. */
  readonly epoch: number;
  /** Optimizer steps taken. */
  readonly step: number;
  /** The run's seed: epoch e's shuffling derives from (seed, e). */
  readonly seed: number;
  readonly config: Record<string, unknown>;
  readonly history: readonly Record<string, number>[];
}

/** Optimizer slots (tfjs optimizer weights) in the trainer's order, named by the trainer. */
export type OptimizerSlots = readonly { readonly name: string; readonly shape: readonly number[]; readonly data: Float32Array }[];

export interface FaceCheckpoint extends FaceCheckpointState {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly metadata?: Record<string, unknown>;
  readonly optimizer: OptimizerSlots;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const MAGIC = new TextEncoder().encode(FACE_CHECKPOINT_MAGIC);

/** Writes the checkpoint to a temporary file next to `file`, flushes it, then renames it over `file`. */
export async function saveFaceCheckpoint(file: string, checkpoint: FaceCheckpoint): Promise<void> {
  const { modelJson, shards } = encodeModel(checkpoint.graph, checkpoint.weights, checkpoint.metadata ? { metadata: checkpoint.metadata } : {});
  const slotBytes = checkpoint.optimizer.map((s) => new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength));
  const header = new TextEncoder().encode(
    JSON.stringify({
      format: FACE_CHECKPOINT_MAGIC,
      version: FACE_CHECKPOINT_VERSION,
      epoch: checkpoint.epoch,
      step: checkpoint.step,
      seed: checkpoint.seed,
      config: checkpoint.config,
      history: checkpoint.history,
      model: modelJson,
      shards: shards.map((s) => ({ path: s.path, bytes: s.data.byteLength })),
      optimizer: checkpoint.optimizer.map((s) => ({ name: s.name, shape: s.shape })),
    }),
  );
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.byteLength, true);
  const parts = [MAGIC, length, header, ...shards.map((s) => s.data), ...slotBytes];
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  parts.push(hash.digest());
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  try {
    await writeFileAtomic(file, parts);
  } catch (e) {
    throw new FaceCheckpointError(`writing the checkpoint failed (the previous one is untouched): ${(e as Error).message}`, path.resolve(file));
  }
}

/** Reads and verifies a checkpoint; undefined when the file does not exist. */
export async function loadFaceCheckpoint(file: string): Promise<FaceCheckpoint | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw new FaceCheckpointError(`cannot read: ${(e as Error).message}`, file);
  }
  if (bytes.byteLength < MAGIC.byteLength + 4 + 32 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FaceCheckpointError(`not a face checkpoint (${bytes.byteLength} bytes, no "${FACE_CHECKPOINT_MAGIC}" at byte 0)`, file);
  }
  const body = bytes.subarray(0, bytes.byteLength - 32);
  if (!sha256(body).equals(bytes.subarray(bytes.byteLength - 32))) {
    throw new FaceCheckpointError('SHA-256 mismatch: the file is truncated or was altered after it was written', file);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset + MAGIC.byteLength, 4).getUint32(0, true);
  let offset = MAGIC.byteLength + 4;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(offset, offset + headerLength)));
  offset += headerLength;
  if (header.version !== FACE_CHECKPOINT_VERSION) throw new FaceCheckpointError(`version ${header.version}, this reader knows ${FACE_CHECKPOINT_VERSION}`, file);
  const shardData = new Map<string, Uint8Array>();
  for (const s of header.shards as { path: string; bytes: number }[]) {
    shardData.set(s.path, bytes.slice(offset, offset + s.bytes));
    offset += s.bytes;
  }
  const model = await decodeModel(header.model, async (p) => {
    const data = shardData.get(p);
    if (!data) throw new FaceCheckpointError(`the model names shard "${p}", which the checkpoint does not hold`, file);
    return data;
  });
  const optimizer = (header.optimizer as { name: string; shape: number[] }[]).map((s) => {
    const count = s.shape.reduce((a, d) => a * d, 1);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4));
    offset += count * 4;
    return { name: s.name, shape: s.shape, data };
  });
  if (offset !== body.byteLength) throw new FaceCheckpointError(`holds ${body.byteLength - offset} bytes more than its header describes`, file);
  return {
    epoch: header.epoch,
    step: header.step,
    seed: header.seed,
    config: header.config,
    history: header.history,
    graph: model.graph,
    weights: model.weights,
    ...(model.metadata ? { metadata: model.metadata } : {}),
    optimizer,
  };
}
