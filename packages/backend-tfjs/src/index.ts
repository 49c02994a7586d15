export { createTfjsBackend, type TfjsBackendConfig, type TfjsBackendOptions } from './create-tfjs-backend';
export { lowerGraph, type LoweredGraph, type LowerGraphOptions } from './lower-graph';
export { TfjsCompiledModel } from './tfjs-compiled-model';
export { activateTfBackend, withTfBackend } from './active-backend';
export { TFJS_LOWERINGS, applyActivation } from './lowerings/index';
export type { Lowering, LoweringContext, LoweringTable, NodeKernel, ParamLookup } from './lowerings/index';
export type { Tfjs, TfjsLayers, Tensor } from './tfjs-types';
export { toLayersModel, type LayersModelBuild, type LayersModelOptions } from './layers-model';
export { isNode, refuseNode } from './browser-only';
