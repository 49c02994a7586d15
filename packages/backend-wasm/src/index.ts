export { registerWasmBackend, wasmBackend, type WasmBackendOptions } from './wasm-backend';
export { type WasmPaths, wasmBinaryName } from './wasm-binaries';
