import type { BackendName } from './backend-names';

type Listener = (backend: BackendName) => void;

/** The backend chosen in the header, shared by both tabs. */
export class BackendChoice {
  #current: BackendName;
  readonly #listeners: Listener[] = [];

  constructor(initial: BackendName) {
    this.#current = initial;
  }

  get current(): BackendName {
    return this.#current;
  }

  set(backend: BackendName): void {
    if (backend === this.#current) return;
    this.#current = backend;
    for (const listener of this.#listeners) listener(backend);
  }

  onChange(listener: Listener): void {
    this.#listeners.push(listener);
  }
}
