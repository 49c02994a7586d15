export { toOnnx, toOnnxModel, PRODUCER_NAME, PRODUCER_VERSION, type ToOnnxOptions } from './to-onnx';
export type { OnnxLayout } from './layout';
export { MIN_OPSET, MAX_OPSET, DEFAULT_OPSET, irVersionFor } from './opsets';
export { decodeOnnx, encodeModel as encodeOnnx, readFloatTensor, floatTensor, type ModelProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto, type AttributeProto } from './onnx-model';
export { DATA_TYPE, ONNX_SCHEMA } from './onnx-schema';
export { BATCH_DIM_PARAM } from './onnx-writer';
export { ONNX_EXPORTABLE_OPS } from './lower-ops';
export * from './quantize/index';
