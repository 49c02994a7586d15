import { packageBuild } from '../../tooling/tsup.base';

// shims: the CJS build gets a working import.meta.url (loadFaceDetector resolves @vladmandic/face-api from this package).
export default packageBuild({ index: 'src/index.ts', training: 'src/training/index.ts' }, { shims: true });
