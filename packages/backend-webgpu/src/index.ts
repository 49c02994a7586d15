export { registerWebGPUBackend, webgpuBackend, type WebGPUBackendOptions } from './webgpu-backend';
export { requireWebGPUAdapter, type WebGPUAdapterDescription } from './webgpu-adapter';
