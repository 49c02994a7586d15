export { extractReadmeExamples, NO_RUN_FLAG, type ReadmeExample } from './extract';
export {
  runReadmeExamples,
  expectReadmeExamplesToPass,
  describeFailure,
  EXAMPLES_DIR,
  exampleEnv,
  type ReadmeExampleResult,
  type RunReadmeExamplesOptions,
} from './run';
