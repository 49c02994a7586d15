export {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON_FILE,
  DEFAULT_MAX_WEIGHT_BYTES,
  MANIFEST_BYTES_PER_ELEMENT,
  type ManifestDtype,
  type QuantizationDtype,
  type ModelJSON,
  type WeightsManifestEntry,
  type WeightsManifestGroup,
} from './model-json';
export {
  encodeModel,
  DEFAULT_SHARD_SIZE_BYTES,
  type EncodeModelOptions,
  type EncodedModel,
  type ModelShard,
  type WeightQuantization,
} from './encode-model';
export { decodeModel, decodeWeightsManifest, type DecodeModelOptions, type DecodedModel, type ReadShard } from './decode-model';
export {
  planModel,
  planWeightsManifest,
  type ModelPlan,
  type ModelPlanOptions,
  type WeightsManifestPlan,
  type GroupPlan,
  type WeightPlan,
  WEIGHT_LIMIT_ENV,
} from './model-plan';
export { checkShardSizes, decodeShards } from './shard-data';
export { shardPathProblem } from './shard-paths';
export { float16Bits, float16Value } from './float16';
