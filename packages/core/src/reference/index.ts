/**
 * `@mobilenet-kit/core/reference`: the pure-TypeScript reference interpreter
 * of the IR and the `reference` backend built on it.
 */
export { runReference } from './run-reference';
export { referenceBackend, REFERENCE_BACKEND_NAME } from './reference-backend';
export { REFERENCE_KERNELS, type Kernel } from './kernels';
export { toHostTensor } from './host-tensor';
