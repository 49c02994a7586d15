export { registerWasmBackend, WASM_THREADS_ENV, wasmAlreadyStarted, wasmBackend, type WasmBackendOptions, wasmThreadsCount } from './wasm-backend';
export { MAX_WASM_THREADS } from './node-threads';
export { type WasmPaths, wasmBinaryName } from './wasm-binaries';
