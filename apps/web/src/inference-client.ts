import type { WorkerCall, WorkerCalls, WorkerReply, WorkerRequest } from './worker-protocol';

/**
 * The page's side of the inference worker: `call('detect', request)`
 * resolves with the worker's answer or rejects with its error message. The
 * worker is a module worker bundled by Vite (`new URL(…, import.meta.url)`),
 * served from the page's origin, so it is cross-origin isolated with the page
 * and wasm keeps its threads.
 */
export class InferenceClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  /** Set once the worker failed to start or crashed: every call after it rejects with this. */
  #broken: Error | undefined;

  constructor() {
    this.#worker = new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'mobilenet-kit inference' });
    this.#worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new Error(reply.message));
    });
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#fail(new Error(`the inference worker failed: ${event.message || 'its script did not load'}`));
    });
    this.#worker.addEventListener('messageerror', () => this.#fail(new Error('the inference worker sent a message that could not be read')));
  }

  /** Sends a request; `transfer` moves buffers and bitmaps to the worker instead of copying them. */
  call<K extends WorkerCall>(type: K, payload: WorkerCalls[K][0], transfer: Transferable[] = []): Promise<WorkerCalls[K][1]> {
    if (this.#broken) return Promise.reject(this.#broken);
    const id = this.#nextId++;
    return new Promise<WorkerCalls[K][1]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ id, type, payload } as WorkerRequest, transfer);
    });
  }

  #fail(error: Error): void {
    this.#broken = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
