export { registerWebGLBackend, webglBackend, type WebGLBackendOptions, type WebGLTextures } from './webgl-backend';
