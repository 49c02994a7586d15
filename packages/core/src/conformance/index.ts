/**
 * `@mobilenet-kit/core/conformance`: the backend conformance suite. A backend
 * package runs `conformanceCases({ backend })` in its own test runner; each
 * case compares the backend with core's reference interpreter.
 */
export { conformanceCases, DEFAULT_TOLERANCES, type ConformanceCase, type ConformanceOptions } from './conformance-cases';
export type { ConformanceGroup } from './case-spec';
export { assertOutputsClose, maxAbsDiff, worstMismatch, unravelIndex, type Tolerance, type Mismatch } from './compare';
export { conformanceMobileNetV1, MOBILENET_V1_BODY, MOBILENET_V1_STEM_FILTERS, type ConformanceMobileNetOptions } from './mobilenet-v1';
export { createPrng, seedFor, type Prng } from './prng';
export { randomWeights, randomInputs, randomTensor } from './random-tensors';
export { uniformParamValue, withRandomBatchNorm } from './random-batch-norm';
export { MODEL_CASES, type ModelCaseSpec } from './model-cases';
