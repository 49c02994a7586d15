/**
 * The page's inference worker: every backend, the face detector and the
 * explorer's timing runs live here, so that decoding, compiling and running
 * networks (seconds on tfjs cpu, shader compilation on webgl and webgpu)
 * never block the page. Requests are handled one after the other, in the
 * order they come (worker-protocol.ts).
 */
import { registerBackends, registerWebGL, webgpuAvailability } from './backends';
import { errorMessage } from './format';
import { measureLatency } from './latency-run';
import { WorkerDetection } from './worker-detection';
import type { WorkerCalls, WorkerReply, WorkerRequest } from './worker-protocol';

let detection: WorkerDetection | undefined;

function started(): WorkerDetection {
  if (!detection) throw new Error('the inference worker was not set up (no "setup" request came first)');
  return detection;
}

const handlers: { [K in keyof WorkerCalls]: (payload: WorkerCalls[K][0]) => Promise<WorkerCalls[K][1]> } = {
  async setup(setup) {
    registerBackends({ softwareWebGL: setup.softwareWebGL, wasmUrl: setup.wasmUrl });
    detection = new WorkerDetection(setup.modelUrl);
    return { webgpu: await webgpuAvailability() };
  },
  detect: (request) => started().detect(request),
  measure: (request) => measureLatency(request),
  async useSoftwareWebGL() {
    registerWebGL(true);
    started().forgetBackend('webgl');
    return null;
  },
};

let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      const handler = handlers[request.type] as (payload: unknown) => Promise<unknown>;
      reply = { id: request.id, ok: true, value: await handler(request.payload) };
    } catch (error) {
      reply = { id: request.id, ok: false, message: errorMessage(error) };
    }
    self.postMessage(reply);
  });
});
