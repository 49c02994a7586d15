/**
 * Side-effect entry: `import '@mobilenet-kit/backend-webgpu/register'`
 * registers the 'webgpu' backend with default options.
 */
import { registerWebGPUBackend } from './webgpu-backend';

registerWebGPUBackend();
