/**
 * Side-effect entry: `import '@mobilenet-kit/backend-onnxruntime/register'`
 * registers the 'onnxruntime' backend with default options.
 */
import { registerOnnxruntimeBackend } from './onnxruntime-backend';

registerOnnxruntimeBackend();
