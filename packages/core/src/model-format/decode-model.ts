import { ModelFormatError } from '../errors';
import type { Graph, Weights } from '../types';
import { type GroupPlan, type ModelPlanOptions, planModel, planWeightsManifest } from './model-plan';
import { checkShardSizes, decodeShards } from './shard-data';

/** Reads one shard named in the manifest (a path relative to the model folder, or a URL when allowed). */
export type ReadShard = (path: string) => Promise<Uint8Array | ArrayBuffer>;

export type DecodeModelOptions = ModelPlanOptions;

export interface DecodedModel {
  readonly graph: Graph;
  /** float32 weights in the graph's parameter order. */
  readonly weights: Weights;
  readonly metadata?: Record<string, unknown>;
}

/**
 * Reads every group's shards in order. Each shard's length is checked as it
 * arrives (a group that already holds too many bytes stops the reading), and
 * the group's total after its last shard.
 */
async function readGroupShards(groups: readonly GroupPlan[], readShard: ReadShard): Promise<Uint8Array[][]> {
  const shards: Uint8Array[][] = [];
  for (const group of groups) {
    const data: Uint8Array[] = [];
    for (const [i, path] of group.paths.entries()) {
      let bytes: unknown;
      try {
        bytes = await readShard(path);
      } catch (e) {
        throw new ModelFormatError(`could not read the shard: ${(e as Error).message ?? String(e)}`, { file: path });
      }
      if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
      if (!(bytes instanceof Uint8Array)) throw new ModelFormatError(`the shard reader returned ${typeof bytes}, expected a Uint8Array`, { file: path });
      data.push(bytes);
      checkShardSizes(group, data.map((d) => d.byteLength), i === group.paths.length - 1);
    }
    shards[group.index] = data;
  }
  return shards;
}

/**
 * Reads a model from its model.json (text or parsed value) and a shard
 * reader. Everything in model.json is checked before the first shard is
 * read; each shard's length is checked as it arrives, and the group's total
 * before any weight is decoded. Every problem is a ModelFormatError naming
 * the file, the weight and, where it helps, the byte offset.
 */
export async function decodeModel(modelJson: unknown, readShard: ReadShard, options: DecodeModelOptions = {}): Promise<DecodedModel> {
  const plan = planModel(modelJson, options);
  const shards = await readGroupShards(plan.groups, readShard);
  return { graph: plan.graph, weights: decodeShards(plan.groups, shards, plan.params.map((p) => p.name), options), metadata: plan.metadata };
}

/**
 * Reads the weights of a bare tfjs weights manifest (the `weightsManifest`
 * array of a tfjs model.json, or a `*-weights_manifest.json` file) without a
 * graph, for importers of pretrained weights. The same checks as decodeModel
 * apply, except matching a graph; weights come back in manifest order,
 * as float32, optimizer entries left out.
 */
export async function decodeWeightsManifest(manifest: unknown, readShard: ReadShard, options: DecodeModelOptions = {}): Promise<Weights> {
  const plan = planWeightsManifest(manifest, { ...options, file: options.file ?? 'weights manifest' });
  const shards = await readGroupShards(plan.groups, readShard);
  return decodeShards(plan.groups, shards, undefined, options);
}
