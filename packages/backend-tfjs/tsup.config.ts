import { packageBuild } from '../../tooling/tsup.base';

// `/training` (gradient kernels for training in Node) is its own entry, so inference users do not load it.
export default packageBuild({ index: 'src/index.ts', training: 'src/training/index.ts' });
