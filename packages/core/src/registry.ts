import type { Backend, CompiledModel, CompileOptions } from './backend';
import { GraphError } from './errors';
import { analyzeGraph } from './graph';
import type { Graph, Weights } from './types';

/** This package's version (kept equal to package.json's by a test): named when two copies of core meet. */
export const CORE_VERSION = '0.1.0';

/**
 * The registry's layout. Every copy of core in a process — its ESM and CJS
 * builds, or two installs — shares one registry on `globalThis`, so a backend
 * registered through `require` is there for code that compiles through
 * `import` (the dual-package hazard). A copy that finds another layout stops
 * with an error instead of keeping a second registry.
 */
const REGISTRY_LAYOUT = 1;
const REGISTRY_KEY = Symbol.for('@mobilenet-kit/core backend registry');

interface Registry {
  readonly layout: number;
  /** The version of the core that created it. */
  readonly coreVersion: string;
  readonly backends: Map<string, Backend>;
  readonly started: Map<string, Promise<void>>;
}

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  const existing = holder[REGISTRY_KEY];
  if (existing === undefined) {
    const created: Registry = { layout: REGISTRY_LAYOUT, coreVersion: CORE_VERSION, backends: new Map(), started: new Map() };
    Object.defineProperty(holder, REGISTRY_KEY, { value: created, enumerable: false, writable: false, configurable: false });
    return created;
  }
  if (existing.layout !== REGISTRY_LAYOUT || !(existing.backends instanceof Map) || !(existing.started instanceof Map)) {
    throw new Error(
      `@mobilenet-kit/core ${CORE_VERSION} found the backend registry of another copy of @mobilenet-kit/core (${String(existing.coreVersion)}) ` +
        `in this process, in a layout it does not know (${String(existing.layout)}, this copy: ${REGISTRY_LAYOUT}); ` +
        'install one version of @mobilenet-kit/core (npm ls @mobilenet-kit/core shows the copies)',
    );
  }
  return existing;
}

const { backends, started } = registry();

/** Adds a backend under its name. Registering the same name again replaces it. */
export function registerBackend(backend: Backend): void {
  if (!backend || typeof backend.name !== 'string' || backend.name.length === 0) throw new Error('registerBackend: a backend needs a non-empty name');
  backends.set(backend.name, backend);
  started.delete(backend.name);
}

export function unregisterBackend(name: string): boolean {
  started.delete(name);
  return backends.delete(name);
}

/** The names of the registered backends, in registration order. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

export function getBackend(name: string): Backend {
  const backend = backends.get(name);
  if (!backend) {
    const known = listBackends();
    throw new Error(
      `backend "${name}" is not registered (registered: ${known.length ? known.join(', ') : 'none'}); ` +
        `import its package, e.g. @mobilenet-kit/backend-${name}, and register it`,
    );
  }
  return backend;
}

/** Starts a backend once; a failure is reported with the backend's own reason, every time it is asked for. */
async function ensureStarted(backend: Backend): Promise<void> {
  if (!backend.init) return;
  let p = started.get(backend.name);
  if (!p) {
    p = backend.init();
    started.set(backend.name, p);
    p.catch(() => started.delete(backend.name));
  }
  try {
    await p;
  } catch (e) {
    throw new Error(`backend "${backend.name}" failed to start: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Compiles a graph on the named backend. Fails before any work if the backend
 * is unknown, cannot start, or lacks an op the graph uses (naming the op and
 * the first node that needs it).
 */
export async function compile(graph: Graph, weights: Weights, options: CompileOptions = {}): Promise<CompiledModel> {
  if (!options.backend) throw new Error(`compile: options.backend is required (registered: ${listBackends().join(', ') || 'none'})`);
  const backend = getBackend(options.backend);
  analyzeGraph(graph);
  for (const node of graph.nodes) {
    if (!backend.supports(node.op)) {
      throw new GraphError(`backend "${backend.name}" does not support op "${node.op}"`, { node: node.name, op: node.op });
    }
  }
  await ensureStarted(backend);
  return backend.compile(graph, weights, options);
}
