/**
 * Side-effect entry: `import '@mobilenet-kit/backend-wasm/register'` registers
 * the 'wasm' backend with default options (binaries from node_modules in Node).
 */
import { registerWasmBackend } from './wasm-backend';

registerWasmBackend();
