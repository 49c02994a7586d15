import { packageBuild } from '../../tooling/tsup.base';

// Three entries: inference (browser-safe), `/node` (dataset readers on the file system) and `/training`
// (tfjs-layers, checkpoints), so that inference users load neither tfjs-layers nor node:fs.
export default packageBuild({ index: 'src/index.ts', node: 'src/node.ts', training: 'src/training.ts' });
