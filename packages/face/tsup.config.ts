import { packageBuild } from '../../tooling/tsup.base';

// shims: the CJS build gets a working import.meta.url (the teacher loader resolves @vladmandic/face-api from this package).
// Two entries: inference (browser-safe) and `/training` (Node: tfjs-layers, checkpoints, the data on disk).
export default packageBuild({ index: 'src/index.ts', training: 'src/training.ts' }, { shims: true });
