import { packageBuild } from '../../tooling/tsup.base';

// Splitting puts the modules that several entries share (errors, the backend
// registry, the model format) in one chunk, so `@mobilenet-kit/core` and its
// subpaths share one copy: `instanceof ModelFormatError` and the registry hold across them.
export default packageBuild({ index: 'src/index.ts', node: 'src/node/index.ts', reference: 'src/reference/index.ts', conformance: 'src/conformance/index.ts' });
