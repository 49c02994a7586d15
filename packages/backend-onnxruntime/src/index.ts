export { onnxruntimeBackend, registerOnnxruntimeBackend, ortCalibrationSession, ONNXRUNTIME_BACKEND_NAME, type Int8Options, type OnnxruntimeBackendOptions } from './onnxruntime-backend';
export { importRuntime, type OrtModule, type OrtRuntimeName, type RuntimeImporter } from './ort-runtime';
export { calibrationRecorder, type CalibrationRecorder } from './calibration-recorder';
