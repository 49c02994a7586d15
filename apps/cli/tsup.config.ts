import { packageBuild } from '../../tooling/tsup.base';

// bin.ts keeps its `#!/usr/bin/env node` line (tsup preserves it and marks the file executable);
// package.json "type": "module" makes dist/bin.js ESM. Types are only for the library entry.
// training-worker-setup is loaded by `train --threads`' worker threads (by file URL, beside bin.js).
export default packageBuild({ index: 'src/index.ts', bin: 'src/bin.ts', 'training-worker-setup': 'src/training-worker-setup.ts' }, {
  dts: { entry: { index: 'src/index.ts' } },
  // Each command is its own chunk, loaded when it runs (src/commands/index.ts), so `--help` and usage
  // errors load no tfjs, sharp or onnxruntime: ESM hoists a bundle's imports, only chunks keep them lazy.
  splitting: true,
  // import.meta.url is read only where __filename is absent (ESM), so the CJS build's empty import.meta is never used.
  esbuildOptions: (o) => {
    o.logOverride = { ...o.logOverride, 'empty-import-meta': 'silent' };
  },
});
