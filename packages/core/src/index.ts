export * from './types';
export { GraphError, ModelFormatError, OptionError, formatShape, formatValue } from './errors';
export { OPS, OP_NAMES, isOpName, samePadding, type OpDef } from './ops';
export { OP_PARAMS, paramName } from './ops/op-params';
export { checkInputNames, checkInputShape, readHostInput } from './backend-inputs';
export { analyzeGraph, inferNode, paramSpecs, consumers, type GraphInfo } from './graph';
export { GraphBuilder } from './graph-builder';
export { deriveSeed, hashString, mix32, mulberry32 } from './random';
export { graphCost, type GraphCost, type NodeCost, type CostTotals, type TypeShare } from './cost';
export { listLayers, table1Rows, foldsIntoPreviousRow, filterText, strideText, type LayerListing, type ModelListing, type Table1Row } from './layer-listing';
export {
  graphToJSON,
  graphFromJSON,
  graphToJSONObject,
  graphFromJSONObject,
  GRAPH_FORMAT,
  GRAPH_FORMAT_VERSION,
  type GraphJSON,
} from './graph-json';
export { foldBatchNorm } from './passes/fold-batch-norm';
export { fuseActivations } from './passes/fuse-activations';
export { stripTrainingOps } from './passes/strip-training-ops';
export { optimizeForInference } from './passes/inference-passes';
export type { PassResult } from './passes/rewrite';
export type { Backend, BackendInfo, CompiledModel, CompileOptions, HostTensor, TensorLike, TensorSpec } from './backend';
export { CORE_VERSION, registerBackend, unregisterBackend, getBackend, listBackends, compile } from './registry';
export * from './model-format';
export * from './input';
