/**
 * Side-effect entry: `import '@mobilenet-kit/backend-webgl/register'`
 * registers the 'webgl' backend with default options (hardware WebGL only).
 */
import { registerWebGLBackend } from './webgl-backend';

registerWebGLBackend();
