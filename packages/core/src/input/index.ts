export {
  parseJsonBounded,
  jsonNestingDepth,
  valueNestingDepth,
  checkValueDepth,
  JsonInputError,
  DEFAULT_MAX_JSON_BYTES,
  DEFAULT_MAX_JSON_DEPTH,
  JSON_LIMIT_ENV,
  envLimit,
  jsonLimitDefault,
  type JsonLimits,
  type JsonProblem,
  type ParseJsonOptions,
} from './bounded-json';
export { firstNonFinite, describeIndex, assertFiniteOutput, NonFiniteOutputError } from './finite';
