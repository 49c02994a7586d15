import { packageBuild } from '../../tooling/tsup.base';

// bin.ts keeps its `#!/usr/bin/env node` line (tsup preserves it and marks the file executable);
// package.json "type": "module" makes dist/bin.js ESM. Types are only for the library entry.
export default packageBuild({ index: 'src/index.ts', bin: 'src/bin.ts' }, { dts: { entry: { index: 'src/index.ts' } } });
