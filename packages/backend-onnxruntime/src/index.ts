export { onnxruntimeBackend, registerOnnxruntimeBackend, ONNXRUNTIME_BACKEND_NAME, type OnnxruntimeBackendOptions } from './onnxruntime-backend';
export { importRuntime, type OrtModule, type OrtRuntimeName, type RuntimeImporter } from './ort-runtime';
