import { packageBuild } from '../../tooling/tsup.base';

// shims: the CJS build gets a working import.meta.url (loadFaceDetector resolves @vladmandic/face-api from this package).
// splitting: the modules both entries use (errors, the box coder, the SSD output names) go into shared chunks, so
// `instanceof DetectionOptionError` holds across `@mobilenet-kit/detection` and `@mobilenet-kit/detection/training`.
export default packageBuild({ index: 'src/index.ts', training: 'src/training/index.ts', node: 'src/node/index.ts' }, { shims: true });
