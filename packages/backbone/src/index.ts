export { MOBILENET_V1_TABLE, type BlockKind, type BlockSpec } from './table';
export {
  MOBILENET_V1_VARIANTS,
  applyVariant,
  applyWidthMultiplier,
  convLayerName,
  kerasChannels,
  numberBlocks,
  planLayers,
  type LayerRole,
  type MobileNetV1Variant,
  type PlannedBlock,
  type PlannedLayer,
} from './plan';
export {
  MOBILENET_V1_ACTIVATIONS,
  MOBILENET_V1_DEFAULTS,
  MOBILENET_V1_POOLINGS,
  TOP_LAYER_NAMES,
  mobilenetV1TapNames,
  resolveMobileNetV1Options,
  type MobileNetV1Activation,
  type MobileNetV1Options,
  type MobileNetV1Pooling,
  type ResolvedMobileNetV1Options,
} from './options';
export { mobilenetV1, mobilenetV1GraphName, mobilenetV1Layers } from './mobilenet-v1';
export { BackboneOptionError, ParamNameError, formatValue } from './errors';
export { kerasName, tfSlimName } from './naming';
export { computeFans, glorotUniformLimit, heUniformLimit, initializeParam, initializeWeights, type InitializeWeightsOptions } from './initializers';
export { deriveSeed, hashString, mix32, mulberry32 } from '@mobilenet-kit/core';
