/** Side-effect entry: `import '@mobilenet-kit/backend-cpu/register'` registers the 'cpu' backend. */
import { registerCpuBackend } from './cpu-backend';

registerCpuBackend();
