import { packageBuild } from '../../tooling/tsup.base';

// Three entries: inference (browser-safe), `/node` (dataset readers on the file system) and `/training`
// (tfjs-layers, checkpoints), so that inference users load neither tfjs-layers nor node:fs; plus the script of
// data-parallel training's worker threads (training-worker, started by createThreadWorkers, not imported).
export default packageBuild(
  { index: 'src/index.ts', node: 'src/node.ts', training: 'src/training.ts', 'training-worker': 'src/training-worker.ts' },
  // shims: the CJS build's import.meta.url becomes a shim (code splitting builds CJS from ESM, which keeps import.meta).
  { shims: true },
);
